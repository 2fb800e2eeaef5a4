"""Planning a step: POST /o/<org>/journey/<n>/plan/ sets its owner and due date."""

from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from journey.models import JourneyStep
from journey.selectors import journey_step
from organisations.roles import Role
from tests.conftest import HTMX, add_member, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def step(organisation) -> JourneyStep:
    return journey_step(organisation, 5)


def _url(organisation, number: int = 5) -> str:
    return reverse("journey:plan", kwargs={"org_slug": organisation.slug, "number": number})


def _data(owner, due_date: str = "", version: int = 1) -> dict:
    return {"owner": str(owner.pk) if owner else "", "due_date": due_date, "version": str(version)}


def test_it_saves_the_owner_and_due_date(organisation, step, members, facilitator_client) -> None:
    champion = members[Role.CHAMPION]

    response = facilitator_client.post(_url(organisation), _data(champion, "2026-06-30"))

    assert response.status_code == 302
    assert response.url == reverse("journey:step", args=[organisation.slug, 5])
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Owner and due date saved."]
    step.refresh_from_db()
    assert (step.owner, step.due_date, step.version) == (champion, date(2026, 6, 30), 2)


def test_it_swaps_in_the_plan_panel_for_htmx(
    organisation, step, members, facilitator_client
) -> None:
    champion = members[Role.CHAMPION]

    response = facilitator_client.post(_url(organisation), _data(champion, "2026-06-30"), **HTMX)

    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    assert body.lstrip().startswith('<div id="step-plan">')
    assert "Owner and due date saved." in body
    assert f'<option value="{champion.pk}" selected>' in body
    assert 'value="2026-06-30"' in body
    assert 'name="version" value="2"' in body
    step.refresh_from_db()
    assert step.owner == champion


def test_it_clears_the_owner_and_due_date(organisation, step, members, facilitator_client) -> None:
    facilitator_client.post(_url(organisation), _data(members[Role.MEMBER], "2026-06-30"))

    facilitator_client.post(_url(organisation), _data(None, "", version=2))

    step.refresh_from_db()
    assert (step.owner, step.due_date, step.version) == (None, None, 3)


def test_it_refuses_an_owner_from_another_organisation(
    organisation, other_organisation, step, members, facilitator_client
) -> None:
    stranger = add_member(other_organisation, Role.MEMBER, make_user(name="Gina Globex"))

    response = facilitator_client.post(_url(organisation), _data(stranger, "2026-06-30"), **HTMX)

    assert response.status_code == 400
    body = response.content.decode()
    assert "Select a valid choice." in body
    assert stranger.name not in body
    step.refresh_from_db()
    assert (step.owner, step.due_date, step.version) == (None, None, 1)


def test_it_refuses_a_bad_date_and_keeps_what_was_typed(
    organisation, step, members, facilitator_client
) -> None:
    response = facilitator_client.post(
        _url(organisation), _data(members[Role.CHAMPION], "2026-13-45"), **HTMX
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert "Enter a valid date." in body
    assert 'value="2026-13-45"' in body
    step.refresh_from_db()
    assert (step.owner, step.due_date, step.version) == (None, None, 1)


def test_it_shows_the_error_on_the_full_step_page_without_htmx(
    organisation, step, members, facilitator_client
) -> None:
    response = facilitator_client.post(
        _url(organisation), _data(members[Role.CHAMPION], "2026-13-45")
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert "<html" in body
    assert "Enter a valid date." in body
    assert 'value="2026-13-45"' in body


def test_it_keeps_the_users_choice_on_a_stale_version(
    organisation, step, members, client_as, facilitator_client
) -> None:
    champion, member = members[Role.CHAMPION], members[Role.MEMBER]
    client_as(champion).post(_url(organisation), _data(champion, "2026-01-31"))

    response = facilitator_client.post(_url(organisation), _data(member, "2026-06-30"), **HTMX)

    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else changed the owner or due date meanwhile" in body
    assert f"(now: {champion}, 31 Jan 2026)" in body
    assert f'<option value="{member.pk}" selected>' in body
    assert 'value="2026-06-30"' in body
    assert 'name="version" value="2"' in body
    step.refresh_from_db()
    assert (step.owner, step.due_date, step.version) == (champion, date(2026, 1, 31), 2)


def test_it_saves_the_users_choice_when_sent_again_after_a_conflict(
    organisation, step, members, client_as, facilitator_client
) -> None:
    champion, member = members[Role.CHAMPION], members[Role.MEMBER]
    client_as(champion).post(_url(organisation), _data(champion, "2026-01-31"))
    facilitator_client.post(_url(organisation), _data(member, "2026-06-30"), **HTMX)

    response = facilitator_client.post(
        _url(organisation), _data(member, "2026-06-30", version=2), **HTMX
    )

    assert response.status_code == 200
    step.refresh_from_db()
    assert (step.owner, step.due_date, step.version) == (member, date(2026, 6, 30), 3)


def test_it_returns_404_for_an_unknown_step(organisation, members, facilitator_client) -> None:
    response = facilitator_client.post(_url(organisation, 99), _data(members[Role.CHAMPION]))

    assert response.status_code == 404


def test_it_cannot_plan_another_organisations_step(
    organisation, other_organisation, step, outsider, client_as
) -> None:
    response = client_as(outsider).post(_url(organisation), _data(outsider, "2026-06-30"))

    assert response.status_code == 404
    step.refresh_from_db()
    assert (step.owner, step.version) == (None, 1)
