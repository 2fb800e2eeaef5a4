"""A canvas's history: GET /o/<org>/journey/<n>/history/ lists and shows revisions,
POST .../history/<version>/restore/ brings one back as a new revision."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from journey.models import Canvas, CanvasRevision, JourneyStep
from journey.selectors import journey_step
from journey.services import canvas_save
from organisations.roles import Role
from tests.conftest import HTMX, member_actor

pytestmark = pytest.mark.django_db

FIRST = {"today": "One data team.", "risks": "Nobody owns the data."}
SECOND = {"today": "Two data teams.", "risks": "Nobody owns the data."}
THIRD = {"today": "Two data teams.", "risks": "Finance may say no.", "decisions": "Go."}


@pytest.fixture
def step(organisation, members) -> JourneyStep:
    """Step 3 with three saved versions of its canvas, by three people."""
    step = journey_step(organisation, 3)
    authors = [members[Role.MEMBER], members[Role.CHAMPION], members[Role.FACILITATOR]]
    for version, (content, author) in enumerate(zip([FIRST, SECOND, THIRD], authors, strict=True)):
        canvas_save(
            canvas=step.canvas,
            content=content,
            base_version=version,
            actor=member_actor(author, organisation),
        )
    return step


def _url(organisation, number: int = 3) -> str:
    return reverse("journey:history", kwargs={"org_slug": organisation.slug, "number": number})


def _restore_url(organisation, version: int, number: int = 3) -> str:
    return reverse(
        "journey:restore",
        kwargs={"org_slug": organisation.slug, "number": number, "version": version},
    )


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _canvas(step: JourneyStep) -> Canvas:
    return Canvas.objects.get(step=step)


# Reading the history


def test_it_lists_revisions_newest_first_with_author_and_changes(
    organisation, step, members, facilitator_client
) -> None:
    response = facilitator_client.get(_url(organisation))

    assert response.status_code == 200
    body = response.content.decode()
    positions = [body.index(f">Version {n}</a>") for n in (3, 2, 1)]
    assert positions == sorted(positions)
    entries = body.split('<li class="revision')[1:]
    assert str(members[Role.FACILITATOR]) in entries[0]
    assert "Changed: What we decided, Risks" in entries[0]
    assert '<span class="badge">current</span>' in entries[0]
    assert str(members[Role.CHAMPION]) in entries[1]
    assert "Changed: Where we are today</p>" in entries[1]
    assert str(members[Role.MEMBER]) in entries[2]
    assert "Changed: Where we are today, Risks" in entries[2]


def test_it_says_when_a_canvas_was_never_saved(organisation, facilitator_client) -> None:
    response = facilitator_client.get(_url(organisation, 1))

    assert response.status_code == 200
    assert "This canvas has not been saved yet." in response.content.decode()


def test_it_shows_the_content_of_an_earlier_version(organisation, step, facilitator_client) -> None:
    response = facilitator_client.get(_url(organisation), {"version": 1})

    assert response.status_code == 200
    body = response.content.decode()
    assert '<h2 id="shown-heading">Version 1</h2>' in body
    assert "One data team." in body
    assert "Two data teams." not in body
    assert f'action="{_restore_url(organisation, 1)}"' in body
    assert '<input type="hidden" name="base_version" value="3">' in body


def test_it_offers_no_restore_of_the_current_version(
    organisation, step, facilitator_client
) -> None:
    response = facilitator_client.get(_url(organisation), {"version": 3})

    body = response.content.decode()
    assert "Finance may say no." in body
    assert "Restore this version" not in body


@pytest.mark.parametrize("version", ["999", "abc"])
def test_it_says_when_a_version_does_not_exist(
    organisation, step, facilitator_client, version
) -> None:
    response = facilitator_client.get(_url(organisation), {"version": version})

    assert response.status_code == 200
    body = response.content.decode()
    assert "There is no such revision." in body
    assert "Choose a version to read it." in body


def test_it_shows_an_executive_the_history_without_restore(
    organisation, step, members, client_as
) -> None:
    response = client_as(members[Role.EXECUTIVE]).get(_url(organisation), {"version": 1})

    assert response.status_code == 200
    body = response.content.decode()
    assert "One data team." in body
    assert "Restore this version" not in body


def test_it_hides_another_organisations_history(
    organisation, other_organisation, step, outsider, client_as
) -> None:
    response = client_as(outsider).get(_url(organisation), {"version": 1})

    assert response.status_code == 404


# Restoring


def test_it_restores_an_earlier_version_as_a_new_revision(
    organisation, step, members, facilitator_client
) -> None:
    response = facilitator_client.post(_restore_url(organisation, 1), {"base_version": "3"})

    assert response.status_code == 302
    assert response.url == reverse("journey:step", args=[organisation.slug, 3])
    assert _messages(response) == ["Version 1 is back as the current canvas."]
    canvas = _canvas(step)
    first = canvas.revisions.get(version=1)
    assert canvas.version == 4
    assert canvas.content == first.content
    restored = canvas.revisions.get(version=4)
    assert restored.restored_from == 1
    assert restored.content == first.content
    assert restored.author == members[Role.FACILITATOR]
    assert restored.changed == ["Where we are today", "What we decided", "Risks"]
    assert canvas.revisions.count() == 4


def test_it_lists_a_restore_in_the_history(organisation, step, facilitator_client) -> None:
    facilitator_client.post(_restore_url(organisation, 1), {"base_version": "3"})

    body = facilitator_client.get(_url(organisation)).content.decode()

    assert "Restored version 1." in body.split('<li class="revision')[1]


def test_it_adds_no_revision_when_the_canvas_already_matches(
    organisation, step, facilitator_client
) -> None:
    response = facilitator_client.post(_restore_url(organisation, 3), {"base_version": "3"})

    assert response.status_code == 302
    assert _messages(response) == ["The canvas already matches that version."]
    assert _canvas(step).version == 3
    assert CanvasRevision.objects.filter(canvas__step=step).count() == 3


def test_it_refuses_a_restore_from_a_stale_version(organisation, step, facilitator_client) -> None:
    response = facilitator_client.post(_restore_url(organisation, 1), {"base_version": "2"})

    assert response.status_code == 302
    assert response.url == _url(organisation)
    assert _messages(response) == [
        "The canvas changed after you opened its history. Look at the latest version "
        "before restoring."
    ]
    canvas = _canvas(step)
    assert (canvas.version, canvas.content["decisions"]) == (3, "Go.")
    assert canvas.revisions.count() == 3


@pytest.mark.parametrize("data", [{}, {"base_version": ""}, {"base_version": "three"}])
def test_it_refuses_a_restore_without_a_base_version(
    organisation, step, facilitator_client, data
) -> None:
    response = facilitator_client.post(_restore_url(organisation, 1), data)

    assert response.status_code == 302
    assert response.url == _url(organisation)
    assert _messages(response) == ["That restore request was incomplete. Try again."]
    assert _canvas(step).version == 3


def test_it_returns_404_for_a_revision_that_does_not_exist(
    organisation, step, facilitator_client
) -> None:
    response = facilitator_client.post(_restore_url(organisation, 99), {"base_version": "3"})

    assert response.status_code == 404
    assert _canvas(step).version == 3


def test_it_returns_404_for_an_unknown_step(organisation, step, facilitator_client) -> None:
    response = facilitator_client.post(_restore_url(organisation, 1, 99), {"base_version": "3"})

    assert response.status_code == 404


def test_it_sends_htmx_to_the_step_page_after_a_restore(
    organisation, step, facilitator_client
) -> None:
    response = facilitator_client.post(_restore_url(organisation, 2), {"base_version": "3"}, **HTMX)

    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("journey:step", args=[organisation.slug, 3])
    assert _canvas(step).content["today"] == SECOND["today"]


def test_it_refuses_an_executive_a_restore(organisation, step, members, client_as) -> None:
    response = client_as(members[Role.EXECUTIVE]).post(
        _restore_url(organisation, 1), {"base_version": "3"}
    )

    assert response.status_code == 403
    assert _canvas(step).version == 3


def test_it_cannot_restore_another_organisations_canvas(
    organisation, other_organisation, step, outsider, client_as
) -> None:
    response = client_as(outsider).post(_restore_url(organisation, 1), {"base_version": "3"})

    assert response.status_code == 404
    assert _canvas(step).version == 3


def test_it_restores_only_revisions_of_the_canvas_in_the_url(
    organisation, other_organisation, step, outsider, facilitator_client
) -> None:
    # Version 5 exists only on Globex's canvas of step 3, so Acme has nothing to restore.
    theirs = journey_step(other_organisation, 3).canvas
    for version in range(5):
        canvas_save(
            canvas=theirs,
            content={"today": f"G{version}"},
            base_version=version,
            actor=member_actor(outsider, other_organisation),
        )

    response = facilitator_client.post(_restore_url(organisation, 5), {"base_version": "3"})

    assert response.status_code == 404
    assert _canvas(step).content["today"] == THIRD["today"]
