"""My actions: GET /o/<org>/journey/my-actions/ lists the next actions, across every canvas,
whose owner was picked from the members as the signed-in member, and the steps they own."""

import pytest
from django.urls import reverse

from journey.selectors import journey_step, member_actions
from organisations.roles import Role
from tests.conftest import HTMX

pytestmark = pytest.mark.django_db


def _url(organisation) -> str:
    return reverse("journey:my_actions", kwargs={"org_slug": organisation.slug})


def _canvas_url(organisation, number: int) -> str:
    return reverse("journey:canvas", kwargs={"org_slug": organisation.slug, "number": number})


def _actions_post(version: int, rows: list[dict]) -> dict[str, str]:
    data = {"version": str(version)}
    for name in ("actions", "links", "items"):
        total = len(rows) if name == "actions" else 0
        data |= {
            f"{name}-TOTAL_FORMS": str(total),
            f"{name}-INITIAL_FORMS": "0",
            f"{name}-MIN_NUM_FORMS": "0",
            f"{name}-MAX_NUM_FORMS": "50",
        }
    for i, row in enumerate(rows):
        data |= {f"actions-{i}-{key}": value for key, value in row.items()}
    return data


def _give_actions(organisation, number: int, rows: list[dict]) -> None:
    step = journey_step(organisation, number)
    step.canvas.content = {"actions": rows}
    step.canvas.save()


def test_it_turns_an_owner_picked_from_the_members_into_that_member(
    organisation, members, client_as
) -> None:
    champion = members[Role.CHAMPION]
    client = client_as(members[Role.MEMBER])
    rows = [
        {"action": "Ask finance", "owner": champion.name.upper(), "due": "2030-01-02"},
        {"action": "Call the vendor", "owner": "Dana from Contoso", "due": ""},
        {"action": "Book a room", "owner": champion.email, "due": ""},
    ]

    response = client.post(_canvas_url(organisation, 5), _actions_post(0, rows), **HTMX)

    assert response.status_code == 200
    saved = journey_step(organisation, 5).canvas.content["actions"]
    assert saved[0] | {} == {
        "action": "Ask finance",
        "owner": champion.name,
        "owner_id": str(champion.pk),
        "due": "2030-01-02",
    }
    # Someone outside the organisation stays free text.
    assert saved[1]["owner"] == "Dana from Contoso"
    assert saved[1]["owner_id"] == ""
    assert saved[2]["owner_id"] == str(champion.pk)


def test_it_offers_the_members_as_owners_in_the_editor(organisation, members, client_as) -> None:
    response = client_as(members[Role.MEMBER]).get(
        reverse("journey:edit", kwargs={"org_slug": organisation.slug, "number": 5})
    )

    body = response.content.decode()
    assert '<datalist id="owner-choices">' in body
    assert f'<option value="{members[Role.CHAMPION].name}">' in body
    assert 'list="owner-choices"' in body


def test_it_lists_the_members_actions_across_steps_soonest_first(
    organisation, members, client_as
) -> None:
    champion = members[Role.CHAMPION]
    mine = {"owner": champion.name, "owner_id": str(champion.pk)}
    _give_actions(organisation, 7, [{"action": "Later task", "due": "2030-05-01", **mine}])
    _give_actions(
        organisation,
        3,
        [
            {"action": "Sooner task", "due": "2030-01-01", **mine},
            {"action": "Not mine", "owner": "Ann", "owner_id": "", "due": "2029-01-01"},
            {"action": "Undated task", "due": "", **mine},
        ],
    )

    response = client_as(champion).get(_url(organisation))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Not mine" not in body
    assert body.index("Sooner task") < body.index("Later task") < body.index("Undated task")
    assert "1 Jan 2030" in body
    assert "Step 3: Stakeholder alignment" in body


def test_it_leaves_out_actions_of_done_and_not_applicable_steps(organisation, members) -> None:
    champion = members[Role.CHAMPION]
    _give_actions(organisation, 2, [{"action": "Done step task", "owner_id": str(champion.pk)}])
    step = journey_step(organisation, 2)
    step.status = "done"
    step.save()

    assert member_actions(organisation, user=champion) == []


def test_it_flags_overdue_actions(organisation, members, client_as) -> None:
    champion = members[Role.CHAMPION]
    _give_actions(
        organisation, 4, [{"action": "Late one", "owner_id": str(champion.pk), "due": "2001-02-03"}]
    )

    body = client_as(champion).get(_url(organisation)).content.decode()

    assert 'class="overdue">3 Feb 2001</time>' in body


def test_it_shows_an_empty_list_plainly(organisation, members, client_as) -> None:
    body = client_as(members[Role.EXECUTIVE]).get(_url(organisation)).content.decode()

    assert "No open next action names you as its owner." in body


def test_it_hides_my_actions_from_another_organisation(
    organisation, other_organisation, outsider, client_as
) -> None:
    assert client_as(outsider).get(_url(organisation)).status_code == 404
