"""The journey map: GET /o/<org>/journey/."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from journey.models import Canvas, JourneyStep, StepDefinition
from journey.selectors import journey_steps
from organisations.roles import Role

pytestmark = pytest.mark.django_db


def _url(organisation) -> str:
    return reverse("journey:map", kwargs={"org_slug": organisation.slug})


def _set_statuses(organisation, statuses: dict[int, str]) -> None:
    for step in journey_steps(organisation):
        if step.number in statuses:
            step.status = statuses[step.number]
            step.save(update_fields=["status"])


def test_it_lists_the_seventeen_steps_in_four_phases(organisation, facilitator_client) -> None:
    response = facilitator_client.get(_url(organisation))

    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('class="step-card ') == 17
    assert body.count('class="phase phase--') == 4
    for phase_title in ["Find the why", "Make the case", "Start small", "Scale and sustain"]:
        assert phase_title in body
    for definition in StepDefinition.objects.all():
        assert escape(definition.title) in body
        assert f'id="step-{definition.number}"' in body


def test_it_orders_the_steps_by_number(organisation, facilitator_client) -> None:
    body = facilitator_client.get(_url(organisation)).content.decode()

    positions = [body.index(f'id="step-{n}"') for n in range(1, 18)]
    assert positions == sorted(positions)


def test_it_shows_progress_over_the_applicable_steps(organisation, facilitator_client) -> None:
    # 4 done out of 16 applicable steps (one set aside) is 25%.
    _set_statuses(
        organisation,
        {1: "done", 2: "done", 3: "done", 4: "done", 5: "in_progress", 6: "not_applicable"},
    )

    response = facilitator_client.get(_url(organisation))

    body = response.content.decode()
    assert '<span id="progress-label">25%</span>' in body
    assert (
        "4 of 16 steps done, 1 in progress; 1 of the 17 marked not applicable "
        "and left out of the count." in body
    )
    assert "set aside" not in body


def test_it_shows_zero_percent_for_a_fresh_journey(organisation, facilitator_client) -> None:
    response = facilitator_client.get(_url(organisation))

    assert '<span id="progress-label">0%</span>' in response.content.decode()


def test_it_creates_the_steps_of_a_new_organisation_once(organisation, facilitator_client) -> None:
    assert not JourneyStep.objects.filter(organisation=organisation).exists()

    facilitator_client.get(_url(organisation))
    facilitator_client.get(_url(organisation))

    steps = JourneyStep.objects.filter(organisation=organisation)
    assert steps.count() == 17
    assert sorted(steps.values_list("definition__number", flat=True)) == list(range(1, 18))
    assert Canvas.objects.filter(step__organisation=organisation).count() == 17


def test_it_leaves_other_organisations_journeys_alone(
    organisation, other_organisation, facilitator_client
) -> None:
    facilitator_client.get(_url(organisation))

    assert not JourneyStep.objects.filter(organisation=other_organisation).exists()


def test_it_reads_the_map_in_a_bounded_number_of_queries(
    organisation, members, facilitator_client, django_assert_max_num_queries
) -> None:
    facilitator_client.get(_url(organisation))
    _set_statuses(organisation, {n: "not_applicable" for n in range(1, 18)})
    JourneyStep.objects.filter(organisation=organisation).update(
        owner=members[Role.CHAMPION], due_date="2026-01-31", not_applicable_reason="Later"
    )

    # A query per step (its organisation, owner or canvas) would take this well past 10.
    with django_assert_max_num_queries(10):
        response = facilitator_client.get(_url(organisation))

    assert response.status_code == 200


def test_it_shows_no_status_forms_to_an_executive(organisation, members, client_as) -> None:
    response = client_as(members[Role.EXECUTIVE]).get(_url(organisation))

    assert response.status_code == 200
    body = response.content.decode()
    assert 'class="status-form"' not in body
    assert "journey/1/status/" not in body


def test_it_shows_a_status_form_on_every_card_to_a_facilitator(
    organisation, facilitator_client
) -> None:
    body = facilitator_client.get(_url(organisation)).content.decode()

    assert body.count('class="status-form"') == 17
    assert 'name="step3-status"' in body


def test_it_hides_the_map_from_another_organisation(
    organisation, other_organisation, outsider, client_as
) -> None:
    response = client_as(outsider).get(_url(organisation))

    assert response.status_code == 404
    assert not JourneyStep.objects.filter(organisation=organisation).exists()


def test_it_flags_steps_with_overdue_next_actions(facilitator_client, organisation):
    from journey.selectors import journey_step

    step = journey_step(organisation, 5)
    step.canvas.content = {
        "actions": [
            {"action": "Draft the go/no-go memo", "owner": "Priya", "due": "2000-01-31"},
            {"action": "Book the steering meeting", "owner": "Elena", "due": "2999-01-31"},
        ]
    }
    step.canvas.save()

    response = facilitator_client.get("/o/acme/journey/")

    assert response.status_code == 200
    assert response.content.decode().count("overdue</a>") == 1
    assert "1 next action overdue" in response.content.decode()


def test_it_shows_no_overdue_actions_on_a_done_or_not_applicable_step(
    facilitator_client, organisation
):
    _set_statuses(organisation, {5: "done", 6: "not_applicable"})
    for step in journey_steps(organisation).filter(definition__number__in=[5, 6]):
        step.canvas.content = {"actions": [{"action": "Old task", "due": "2000-01-31"}]}
        step.canvas.save()

    body = facilitator_client.get(_url(organisation)).content.decode()

    assert "overdue</a>" not in body


def test_it_commits_a_status_only_on_its_button(organisation, facilitator_client) -> None:
    body = facilitator_client.get(_url(organisation)).content.decode()

    # No hx-trigger on change: arrowing through a closed select must not send anything.
    assert "hx-trigger" not in body
    assert body.count('>Update<span class="visually-hidden"> step ') == 17


def test_it_offers_presentation_mode_without_forms(organisation, facilitator_client) -> None:
    response = facilitator_client.get(_url(organisation), {"view": "present"})

    body = response.content.decode()
    assert response.status_code == 200
    assert 'class="presenting"' in body
    assert 'class="status-form"' not in body
    assert "Export all canvases" not in body
    assert "Leave presentation mode" in body
    assert body.count('class="step-card ') == 17


def test_it_explains_what_the_export_button_does(organisation, facilitator_client) -> None:
    body = facilitator_client.get(_url(organisation)).content.decode()

    assert "made in the background; a page shows its progress" in body
    assert 'name="include_empty"' in body
