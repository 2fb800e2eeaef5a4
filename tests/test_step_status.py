"""Changing a step's status: POST /o/<org>/journey/<n>/status/, from the map or the step page."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from journey.models import JourneyStep
from journey.selectors import journey_step
from organisations.roles import Role
from tests.conftest import HTMX

pytestmark = pytest.mark.django_db

NEEDS_REASON = "Say why this step does not apply to you."


@pytest.fixture
def step(organisation) -> JourneyStep:
    return journey_step(organisation, 3)


def _url(organisation, number: int = 3) -> str:
    return reverse("journey:status", kwargs={"org_slug": organisation.slug, "number": number})


def _data(status: str, version: int, reason: str = "", number: int = 3, **extra) -> dict:
    return {
        f"step{number}-status": status,
        f"step{number}-not_applicable_reason": reason,
        f"step{number}-version": str(version),
        **extra,
    }


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_it_saves_the_status_and_returns_to_the_card_on_the_map(
    organisation, step, facilitator_client
) -> None:
    response = facilitator_client.post(_url(organisation), _data("in_progress", step.version))

    assert response.status_code == 302
    assert response.url == reverse("journey:map", args=[organisation.slug]) + "#step-3"
    step.refresh_from_db()
    assert step.status == JourneyStep.Status.IN_PROGRESS
    assert step.version == 2
    assert _messages(response) == ["Step 3 is now in progress."]


def test_it_swaps_in_the_card_for_htmx(organisation, step, facilitator_client) -> None:
    response = facilitator_client.post(_url(organisation), _data("done", step.version), **HTMX)

    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    assert body.lstrip().startswith('<li class="step-card step-card--done" id="step-3">')
    assert 'id="step-4"' not in body
    assert "Saved: step 3 is now done." in body
    # The progress card beside the map is swapped too (out of band), so it is not stale.
    assert 'id="progress-summary" hx-swap-oob="true"' in body
    # Focus goes back to the status field of the changed card.
    assert 'id="id_step3-status" data-focus' in body
    # The card carries the new version, so the next change from it is not a conflict.
    assert 'name="step3-version" value="2"' in body
    step.refresh_from_db()
    assert step.status == JourneyStep.Status.DONE


def test_it_swaps_in_the_status_panel_from_the_step_page(
    organisation, step, facilitator_client
) -> None:
    response = facilitator_client.post(
        _url(organisation), _data("done", step.version, **{"from": "step"}), **HTMX
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    assert body.lstrip().startswith('<div id="step-status">')
    assert 'id="step-3"' not in body
    assert "Saved: step 3 is now done." in body
    step.refresh_from_db()
    assert step.status == JourneyStep.Status.DONE


def test_it_returns_to_the_step_page_without_htmx(organisation, step, facilitator_client) -> None:
    response = facilitator_client.post(
        _url(organisation), _data("done", step.version, **{"from": "step"})
    )

    assert response.status_code == 302
    assert response.url == reverse("journey:step", args=[organisation.slug, 3])


def test_it_asks_why_a_step_does_not_apply(organisation, step, facilitator_client) -> None:
    response = facilitator_client.post(
        _url(organisation), _data("not_applicable", step.version, reason="   "), **HTMX
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="step-3"' in body
    assert NEEDS_REASON in body
    step.refresh_from_db()
    assert step.status == JourneyStep.Status.NOT_STARTED
    assert step.version == 1


def test_it_shows_the_missing_reason_on_the_full_map_without_htmx(
    organisation, step, facilitator_client
) -> None:
    response = facilitator_client.post(_url(organisation), _data("not_applicable", step.version))

    assert response.status_code == 400
    body = response.content.decode()
    assert "<html" in body
    assert body.count('class="step-card ') == 17
    assert NEEDS_REASON in body
    assert JourneyStep.objects.get(pk=step.pk).status == JourneyStep.Status.NOT_STARTED


def test_it_shows_the_missing_reason_on_the_step_page_without_htmx(
    organisation, step, facilitator_client
) -> None:
    response = facilitator_client.post(
        _url(organisation), _data("not_applicable", step.version, **{"from": "step"})
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="canvas-heading"' in body
    assert NEEDS_REASON in body


def test_it_saves_a_step_as_not_applicable_with_a_reason(
    organisation, step, facilitator_client
) -> None:
    response = facilitator_client.post(
        _url(organisation),
        _data("not_applicable", step.version, reason="  We have one team only. "),
        **HTMX,
    )

    assert response.status_code == 200
    assert "We have one team only." in response.content.decode()
    step.refresh_from_db()
    assert step.status == JourneyStep.Status.NOT_APPLICABLE
    assert step.not_applicable_reason == "We have one team only."


def test_it_clears_the_reason_when_the_step_applies_again(
    organisation, step, facilitator_client
) -> None:
    facilitator_client.post(_url(organisation), _data("not_applicable", 1, reason="One team only"))

    facilitator_client.post(_url(organisation), _data("in_progress", 2, reason="One team only"))

    step.refresh_from_db()
    assert step.status == JourneyStep.Status.IN_PROGRESS
    assert step.not_applicable_reason == ""
    assert step.version == 3


def test_it_refuses_an_unknown_status(organisation, step, facilitator_client) -> None:
    response = facilitator_client.post(_url(organisation), _data("finished", step.version), **HTMX)

    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()
    step.refresh_from_db()
    assert (step.status, step.version) == (JourneyStep.Status.NOT_STARTED, 1)


def test_it_refuses_a_missing_version(organisation, step, facilitator_client) -> None:
    data = _data("done", step.version)
    del data["step3-version"]

    response = facilitator_client.post(_url(organisation), data, **HTMX)

    assert response.status_code == 400
    assert JourneyStep.objects.get(pk=step.pk).status == JourneyStep.Status.NOT_STARTED


def test_it_keeps_the_other_persons_change_on_a_stale_version_for_htmx(
    organisation, step, members, client_as, facilitator_client
) -> None:
    client_as(members[Role.CHAMPION]).post(_url(organisation), _data("done", 1))

    response = facilitator_client.post(_url(organisation), _data("in_progress", 1), **HTMX)

    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone changed this step a moment ago; it now reads “Done”." in body
    assert 'name="step3-version" value="2"' in body
    step.refresh_from_db()
    assert (step.status, step.version) == (JourneyStep.Status.DONE, 2)


def test_it_redirects_with_an_error_on_a_stale_version_without_htmx(
    organisation, step, members, client_as, facilitator_client
) -> None:
    client_as(members[Role.CHAMPION]).post(_url(organisation), _data("done", 1))

    response = facilitator_client.post(_url(organisation), _data("in_progress", 1))

    assert response.status_code == 302
    assert response.url.endswith("#step-3")
    assert _messages(response) == [
        "Someone changed step 3 while you were looking; it is now done. Choose again if needed."
    ]
    assert JourneyStep.objects.get(pk=step.pk).status == JourneyStep.Status.DONE


def test_it_returns_404_for_an_unknown_step(organisation, facilitator_client) -> None:
    response = facilitator_client.post(_url(organisation, 99), _data("done", 1, number=99))

    assert response.status_code == 404


def test_it_refuses_an_executive(organisation, step, members, client_as) -> None:
    response = client_as(members[Role.EXECUTIVE]).post(_url(organisation), _data("done", 1))

    assert response.status_code == 403
    assert JourneyStep.objects.get(pk=step.pk).status == JourneyStep.Status.NOT_STARTED


def test_it_cannot_change_another_organisations_step(
    organisation, other_organisation, step, outsider, client_as
) -> None:
    response = client_as(outsider).post(_url(organisation), _data("done", 1), **HTMX)

    assert response.status_code == 404
    assert JourneyStep.objects.get(pk=step.pk).status == JourneyStep.Status.NOT_STARTED


def test_it_only_changes_the_step_of_the_organisation_in_the_url(
    organisation, other_organisation, step, members, client_as
) -> None:
    theirs = journey_step(other_organisation, 3)

    client_as(members[Role.CHAMPION]).post(_url(organisation), _data("done", 1))

    theirs.refresh_from_db()
    assert (theirs.status, theirs.version) == (JourneyStep.Status.NOT_STARTED, 1)
