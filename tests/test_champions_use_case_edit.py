"""Editing a use case: the service's version-checked write and its rules, and the edit page
(normal and htmx requests, bad input, a change saved meanwhile, roles and organisations)."""

import pytest
from django.urls import reverse

from champions import services
from champions.models import LvtNode, UseCase, UseCaseScore
from champions.testing import champions_world
from organisations.roles import Role
from tests.conftest import HTMX, member_actor


@pytest.fixture
def use_case(ids) -> UseCase:
    return UseCase.objects.get(pk=ids["use_case"])


@pytest.fixture
def client(champion, client_as):
    return client_as(champion)


@pytest.fixture
def elsewhere(other_organisation, outsider) -> dict[str, int]:
    """The same objects in Globex: their ids must mean nothing under /o/acme/."""
    return champions_world(member_actor(outsider, other_organisation))


def edit_url(use_case_id: int, org_slug: str = "acme") -> str:
    return reverse("champions:use_case_edit", args=[org_slug, use_case_id])


def _values(use_case: UseCase, **changes) -> dict:
    return {
        "title": use_case.title,
        "as_a": use_case.as_a,
        "i_want": use_case.i_want,
        "so_that": use_case.so_that,
        "intended_value": use_case.intended_value,
        "how_measured": use_case.how_measured,
        "bet": use_case.bet,
        **changes,
    }


def _data(use_case: UseCase, **changes) -> dict:
    """The edit form's fields as posted."""
    values = _values(use_case, **{"version": use_case.version, **changes})
    bet = values.pop("bet")
    return {**values, "bet": bet.pk if isinstance(bet, LvtNode) else (bet or "")}


def _saved_meanwhile(use_case: UseCase, actor, **changes) -> UseCase:
    return services.use_case_update(
        use_case=UseCase.objects.get(pk=use_case.pk),
        actor=actor,
        base_version=use_case.version,
        **_values(use_case, **changes),
    )


# --- the service ------------------------------------------------------------------------------


def test_it_saves_every_field_and_moves_the_version_on(use_case, actor, ids):
    bet = LvtNode.objects.get(pk=ids["bet"])

    saved = services.use_case_update(
        use_case=use_case,
        actor=actor,
        base_version=use_case.version,
        **_values(
            use_case,
            title="  Bed board  ",
            as_a="ward planner",
            i_want="tomorrow's free beds",
            so_that="fewer patients wait in A&E",
            intended_value="Two hours less waiting",
            how_measured="Median wait from the ED log",
            bet=bet,
        ),
    )

    fresh = UseCase.objects.get(pk=use_case.pk)
    assert saved.version == fresh.version == 2
    assert (fresh.title, fresh.as_a, fresh.i_want, fresh.so_that) == (
        "Bed board",
        "ward planner",
        "tomorrow's free beds",
        "fewer patients wait in A&E",
    )
    assert fresh.intended_value == "Two hours less waiting"
    assert fresh.how_measured == "Median wait from the ED log"
    assert fresh.bet_id == bet.pk


def test_it_keeps_the_scores_of_an_edited_use_case(use_case, actor):
    services.use_case_score(
        use_case=use_case,
        actor=actor,
        scores=dict.fromkeys(
            (
                "business_value",
                "time_criticality",
                "risk_reduction",
                "reach",
                "impact",
                "confidence",
                "effort",
            ),
            3,
        ),
    )

    _saved_meanwhile(use_case, actor, title="Renamed")

    assert UseCaseScore.objects.get().use_case_id == use_case.pk


def test_it_refuses_a_write_from_an_older_version_and_hands_back_the_newer(use_case, actor):
    _saved_meanwhile(use_case, actor, title="Theirs")

    with pytest.raises(services.Conflict) as raised:
        services.use_case_update(
            use_case=use_case,
            actor=actor,
            base_version=use_case.version,
            **_values(use_case, title="Mine"),
        )

    assert raised.value.current.title == "Theirs"
    assert raised.value.current.version == use_case.version + 1
    assert UseCase.objects.get(pk=use_case.pk).title == "Theirs"


def test_it_lets_who_and_what_for_stay_empty_as_a_workshop_note_leaves_them(use_case, actor):
    saved = _saved_meanwhile(use_case, actor, as_a="  ", so_that="")

    assert (saved.as_a, saved.so_that) == ("", "")


@pytest.mark.parametrize("name", ["title", "i_want"])
def test_it_refuses_a_use_case_without_its_name_or_what_is_wanted(name, use_case, actor):
    with pytest.raises(ValueError, match=name):
        _saved_meanwhile(use_case, actor, **{name: "   "})

    assert UseCase.objects.get(pk=use_case.pk).version == use_case.version


@pytest.mark.parametrize(
    ("name", "limit"), [("title", 200), ("as_a", 200), ("i_want", 300), ("so_that", 300)]
)
def test_it_refuses_text_longer_than_the_use_case_keeps(name, limit, use_case, actor):
    _saved_meanwhile(use_case, actor, **{name: "x" * limit})
    use_case.refresh_from_db()

    with pytest.raises(ValueError, match=f"at most {limit}"):
        _saved_meanwhile(use_case, actor, **{name: "x" * (limit + 1)})


def test_it_refuses_a_bet_of_another_organisation(use_case, actor, elsewhere):
    with pytest.raises(ValueError, match="bet"):
        _saved_meanwhile(use_case, actor, bet=LvtNode.objects.get(pk=elsewhere["bet"]))


def test_it_refuses_a_goal_as_the_bet(use_case, actor, ids):
    with pytest.raises(ValueError, match="bet"):
        _saved_meanwhile(use_case, actor, bet=LvtNode.objects.get(pk=ids["goal"]))


# --- the page ---------------------------------------------------------------------------------


def test_it_shows_the_form_filled_with_the_use_case(use_case, client):
    response = client.get(edit_url(use_case.pk))

    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" in body
    assert 'value="Bed dashboard"' in body
    assert 'value="planner"' in body
    assert f'name="version" value="{use_case.version}"' in body
    assert 'hx-post="/o/acme/champions/use-cases/' in body


def test_it_shows_an_edit_link_in_the_list_to_those_who_may_edit(use_case, client):
    body = client.get(reverse("champions:use_cases", args=["acme"])).content.decode()

    assert f'href="{edit_url(use_case.pk)}"' in body


def test_it_shows_no_edit_link_to_an_executive(use_case, members, client_as):
    client = client_as(members[Role.EXECUTIVE])

    body = client.get(reverse("champions:use_cases", args=["acme"])).content.decode()

    assert edit_url(use_case.pk) not in body


def test_it_saves_and_goes_back_to_the_use_case_in_the_list(use_case, client):
    response = client.post(
        edit_url(use_case.pk), _data(use_case, as_a="bed manager", so_that="nobody waits")
    )

    assert response.status_code == 302
    assert response.url == f"/o/acme/champions/use-cases/#use-case-{use_case.pk}"
    use_case.refresh_from_db()
    assert (use_case.as_a, use_case.so_that, use_case.version) == ("bed manager", "nobody waits", 2)
    page = client.get(response.url).content.decode()
    assert "“Bed dashboard” saved." in page
    assert "As a bed manager, I want today&#x27;s free beds, so that nobody waits." in page


def test_it_saves_under_htmx_and_answers_with_the_form_at_its_new_version(use_case, client):
    response = client.post(edit_url(use_case.pk), _data(use_case, title="Bed board"), **HTMX)

    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert body.lstrip().startswith('<div id="use-case-edit">')
    assert "Saved." in body and 'role="status"' in body
    assert "Edit “Bed board”" in body
    assert 'name="version" value="2"' in body
    assert UseCase.objects.get(pk=use_case.pk).title == "Bed board"


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_it_keeps_what_was_typed_when_the_input_is_bad(headers, use_case, client):
    response = client.post(
        edit_url(use_case.pk),
        _data(use_case, title="", as_a="bed manager", intended_value="Less waiting"),
        **headers,
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert ("<html" in body) is not bool(headers)
    assert "Please correct the highlighted fields." in body
    assert "This field is required." in body
    assert 'value="bed manager"' in body
    assert "Less waiting</textarea>" in body
    assert UseCase.objects.get(pk=use_case.pk).version == use_case.version


def test_it_refuses_text_longer_than_the_field_by_the_field(use_case, client):
    response = client.post(edit_url(use_case.pk), _data(use_case, as_a="x" * 201))

    assert response.status_code == 400
    assert "Ensure this value has at most 200 characters (it has 201)." in response.content.decode()


def test_it_refuses_a_bet_of_another_organisation_by_the_field(use_case, elsewhere, client):
    response = client.post(edit_url(use_case.pk), _data(use_case, bet=elsewhere["bet"]))

    assert response.status_code == 400
    assert "that one is not in this organisation" in response.content.decode()
    assert UseCase.objects.get(pk=use_case.pk).bet_id is None


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_it_shows_both_versions_when_someone_saved_meanwhile(headers, use_case, actor, client):
    _saved_meanwhile(use_case, actor, title="Their title", as_a="their planner")

    response = client.post(
        edit_url(use_case.pk),
        _data(use_case, title="My title", so_that="my reason"),
        **headers,
    )

    body = response.content.decode()
    assert response.status_code == 409
    assert ("<html" in body) is not bool(headers)
    assert "Someone saved this use case while you were editing" in body
    # Theirs, as saved ...
    assert "<dd>Their title</dd>" in body and "<dd>their planner</dd>" in body
    # ... and mine, still in the form, now based on their version.
    assert 'value="My title"' in body and 'value="my reason"' in body
    assert 'name="version" value="2"' in body
    assert UseCase.objects.get(pk=use_case.pk).title == "Their title"


def test_it_saves_mine_over_theirs_when_i_save_again_after_a_conflict(use_case, actor, client):
    _saved_meanwhile(use_case, actor, title="Their title")
    client.post(edit_url(use_case.pk), _data(use_case, title="My title"))

    response = client.post(edit_url(use_case.pk), _data(use_case, title="My title", version=2))

    assert response.status_code == 302
    assert UseCase.objects.get(pk=use_case.pk).title == "My title"


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.MEMBER])
def test_it_refuses_a_role_that_may_not_edit(method, role, use_case, members, client_as):
    response = getattr(client_as(members[role]), method)(edit_url(use_case.pk), _data(use_case))

    assert response.status_code == 403
    assert UseCase.objects.get(pk=use_case.pk).version == use_case.version


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_hides_the_use_case_from_an_outsider(method, use_case, outsider, client_as):
    response = getattr(client_as(outsider), method)(edit_url(use_case.pk), _data(use_case))

    assert response.status_code == 404


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_hides_another_organisations_use_case(method, use_case, elsewhere, client):
    theirs = UseCase.objects.get(pk=elsewhere["use_case"])

    response = getattr(client, method)(edit_url(theirs.pk), _data(theirs, title="Mine now"))

    assert response.status_code == 404
    assert UseCase.objects.get(pk=theirs.pk).title == "Bed dashboard"


def test_it_refuses_other_methods(use_case, client):
    response = client.put(edit_url(use_case.pk))

    assert response.status_code == 405
