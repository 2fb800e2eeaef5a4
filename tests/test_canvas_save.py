"""The reflection canvas on a step page: GET /o/<org>/journey/<n>/ shows it to read,
GET /o/<org>/journey/<n>/edit/ as a form, POST /o/<org>/journey/<n>/canvas/ saves it."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from journey.models import Canvas, CanvasRevision, JourneyStep
from journey.selectors import journey_step
from organisations.roles import Role
from tests.conftest import HTMX

pytestmark = pytest.mark.django_db

TEXT_KEYS = ("today", "decisions", "assumptions", "risks", "open_questions")
STAKEHOLDER_COLUMNS = ("who", "stance", "approach")


class _FormFields(HTMLParser):
    """The fields a browser would submit from the form with `form_id`, buttons aside."""

    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields: dict[str, str] = {}
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or "name" not in attrs:
            return
        if tag == "input" and attrs.get("type") not in {"submit", "button", "checkbox"}:
            self.fields[attrs["name"]] = attrs.get("value") or ""
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self.fields[self._textarea] = ""

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea:
            # Browsers drop the newline that Django writes straight after <textarea>.
            self.fields[self._textarea] = self.fields[self._textarea].removeprefix("\n")
            self._textarea = None
        elif tag == "form":
            self.inside = False


def form_data(response, form_id: str = "canvas-form") -> dict[str, str]:
    parser = _FormFields(form_id)
    parser.feed(response.content.decode())
    return parser.fields


def canvas_post(
    version: int,
    *,
    text: dict[str, str] | None = None,
    actions: list[dict] = (),
    links: list[dict] = (),
    items: list[dict] = (),
) -> dict[str, str]:
    """POST data as the canvas form sends it, with one blank row after each list's rows.

    The step's own list (items) is always sent; on a step without one it is ignored.
    """
    data = {"version": str(version), **dict.fromkeys(TEXT_KEYS, ""), **(text or {})}
    for name, rows in {"actions": actions, "links": links, "items": items}.items():
        data |= {
            f"{name}-TOTAL_FORMS": str(len(rows) + 1),
            f"{name}-INITIAL_FORMS": "0",
            f"{name}-MIN_NUM_FORMS": "0",
            f"{name}-MAX_NUM_FORMS": "50",
        }
        for i, row in enumerate(rows):
            data |= {f"{name}-{i}-{key}": value for key, value in row.items()}
    return data


@pytest.fixture
def step(organisation) -> JourneyStep:
    """Step 3, whose canvas has its own list: stakeholders (who, stance, approach)."""
    return journey_step(organisation, 3)


@pytest.fixture
def member_client(members, client_as):
    return client_as(members[Role.MEMBER])


def _page_url(organisation, number: int = 3) -> str:
    return reverse("journey:step", kwargs={"org_slug": organisation.slug, "number": number})


def _edit_url(organisation, number: int = 3) -> str:
    return reverse("journey:edit", kwargs={"org_slug": organisation.slug, "number": number})


def _url(organisation, number: int = 3) -> str:
    return reverse("journey:canvas", kwargs={"org_slug": organisation.slug, "number": number})


def _canvas(step: JourneyStep) -> Canvas:
    return Canvas.objects.get(step=step)


# Showing the canvas


@pytest.mark.parametrize("role", [Role.MEMBER, Role.FACILITATOR])
def test_it_shows_the_canvas_form_to_those_who_edit(
    organisation, step, members, client_as, role
) -> None:
    response = client_as(members[role]).get(_edit_url(organisation))

    assert response.status_code == 200
    fields = form_data(response)
    assert fields["version"] == "0"
    assert set(TEXT_KEYS) <= set(fields)
    for name in ("actions", "links", "items"):
        assert fields[f"{name}-TOTAL_FORMS"] == "1"
    assert "items-0-stance" in fields
    assert "Stakeholders" in response.content.decode()


@pytest.mark.parametrize("role", [Role.MEMBER, Role.FACILITATOR])
def test_it_shows_editors_the_read_view_with_an_edit_link(
    organisation, step, members, client_as, role
) -> None:
    step.canvas.content = {"today": "Two data teams, one warehouse."}
    step.canvas.save()

    response = client_as(members[role]).get(_page_url(organisation))

    body = response.content.decode()
    assert "<textarea" not in body
    assert "Two data teams, one warehouse." in body
    assert f'href="{_edit_url(organisation)}">Edit canvas</a>' in body


def test_it_shows_an_executive_a_read_only_canvas(organisation, step, members, client_as) -> None:
    step.canvas.content = {"today": "Two data teams, one warehouse."}
    step.canvas.save()

    response = client_as(members[Role.EXECUTIVE]).get(_page_url(organisation))

    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="canvas-form"' not in body
    assert "<textarea" not in body
    assert 'class="canvas-readonly"' in body
    assert "Two data teams, one warehouse." in body
    assert "Edit canvas" not in body


def test_it_refuses_the_editor_to_an_executive(organisation, step, members, client_as) -> None:
    assert client_as(members[Role.EXECUTIVE]).get(_edit_url(organisation)).status_code == 403


def test_it_has_no_step_list_for_a_step_without_one(organisation, member_client) -> None:
    response = member_client.get(_edit_url(organisation, 1))

    fields = form_data(response)
    assert "actions-TOTAL_FORMS" in fields
    assert not any(name.startswith("items-") for name in fields)


def test_it_hides_another_organisations_canvas(
    organisation, other_organisation, step, outsider, client_as
) -> None:
    assert client_as(outsider).get(_page_url(organisation)).status_code == 404


# Saving


def _full_canvas(version: int = 0) -> dict[str, str]:
    return canvas_post(
        version,
        text={"today": "Two data teams.", "risks": "Finance may say no."},
        actions=[{"action": "Meet finance", "owner": "Ann", "due": "2026-02-01"}],
        links=[{"title": "Wiki", "url": "https://wiki.example.com/mesh"}],
        items=[{"who": "Finance", "stance": "Wary", "approach": "Show the ROI"}],
    )


def test_it_saves_the_canvas_as_its_first_revision(
    organisation, step, members, member_client
) -> None:
    response = member_client.post(_url(organisation), _full_canvas())

    assert response.status_code == 302
    assert response.url == _edit_url(organisation) + "#canvas-panel"
    canvas = _canvas(step)
    assert canvas.version == 1
    assert canvas.updated_by == members[Role.MEMBER]
    assert canvas.content == {
        "today": "Two data teams.",
        "decisions": "",
        "assumptions": "",
        "risks": "Finance may say no.",
        "open_questions": "",
        "actions": [
            {"action": "Meet finance", "owner": "Ann", "owner_id": "", "due": "2026-02-01"}
        ],
        "links": [{"title": "Wiki", "url": "https://wiki.example.com/mesh"}],
        "items": [{"who": "Finance", "stance": "Wary", "approach": "Show the ROI"}],
    }
    revision = canvas.revisions.get()
    assert revision.version == 1
    assert revision.author == members[Role.MEMBER]
    assert revision.content == canvas.content
    assert revision.changed == [
        "Where we are today",
        "Risks",
        "Next actions",
        "Evidence and links",
        "Stakeholders",
    ]


def test_it_shows_what_was_saved_after_the_redirect(organisation, step, member_client) -> None:
    response = member_client.post(_url(organisation), _full_canvas(), follow=True)

    body = response.content.decode()
    assert (
        "Saved: Where we are today, Risks, Next actions, Evidence and links, Stakeholders." in body
    )
    assert form_data(response)["version"] == "1"


def test_it_swaps_in_the_saved_form_for_htmx(organisation, step, member_client) -> None:
    response = member_client.post(
        _url(organisation), canvas_post(0, text={"decisions": "Start with sales."}), **HTMX
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    assert body.lstrip().startswith('<div id="canvas-panel"')
    assert 'id="canvas-notice" tabindex="-1" data-focus data-announce' in body
    assert "Saved: What we decided." in body
    fields = form_data(response)
    assert fields["version"] == "1"
    assert fields["decisions"] == "Start with sales."
    assert _canvas(step).version == 1


def test_it_saves_nothing_when_nothing_changed(organisation, step, member_client) -> None:
    member_client.post(_url(organisation), _full_canvas())

    response = member_client.post(_url(organisation), _full_canvas(version=1), **HTMX)

    assert response.status_code == 200
    assert "Nothing had changed." in response.content.decode()
    canvas = _canvas(step)
    assert canvas.version == 1
    assert canvas.revisions.count() == 1


def test_it_saves_the_form_it_rendered_without_changes(organisation, step, member_client) -> None:
    member_client.post(_url(organisation), _full_canvas())
    page = member_client.get(_edit_url(organisation))

    response = member_client.post(_url(organisation), form_data(page), **HTMX)

    assert response.status_code == 200
    assert "Nothing had changed." in response.content.decode()
    assert _canvas(step).revisions.count() == 1


def test_it_removes_a_row_cleared_in_the_rendered_form(organisation, step, member_client) -> None:
    member_client.post(_url(organisation), _full_canvas())
    fields = form_data(member_client.get(_edit_url(organisation)))
    fields |= {"actions-0-action": "", "actions-0-owner": "", "actions-0-due": ""}

    response = member_client.post(_url(organisation), fields, **HTMX)

    assert "Saved: Next actions." in response.content.decode()
    assert _canvas(step).content["actions"] == []


# Bad input


def test_it_refuses_over_long_text_and_keeps_it(organisation, step, member_client) -> None:
    long_text = "x" * 5001

    response = member_client.post(
        _url(organisation), canvas_post(0, text={"today": long_text, "risks": "Kept"}), **HTMX
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert "Nothing was saved: 1 field needs attention." in body
    assert "Ensure this value has at most 5000 characters (it has 5001)." in body
    fields = form_data(response)
    assert fields["today"] == long_text
    assert fields["risks"] == "Kept"
    assert _canvas(step).version == 0
    assert not CanvasRevision.objects.exists()


def test_it_refuses_an_action_with_an_owner_but_no_action(
    organisation, step, member_client
) -> None:
    data = canvas_post(0, text={"today": "Now"}, actions=[{"action": "", "owner": "Ann"}])

    response = member_client.post(_url(organisation), data, **HTMX)

    assert response.status_code == 400
    body = response.content.decode()
    assert "Describe the action, or clear its owner and date." in body
    assert form_data(response)["actions-0-owner"] == "Ann"
    assert _canvas(step).version == 0


def test_it_refuses_a_link_that_is_not_a_url(organisation, step, member_client) -> None:
    data = canvas_post(0, links=[{"title": "Wiki", "url": "not a url"}])

    response = member_client.post(_url(organisation), data, **HTMX)

    assert response.status_code == 400
    assert "Enter a valid URL." in response.content.decode()
    assert form_data(response)["links-0-url"] == "not a url"
    assert _canvas(step).version == 0


def test_it_refuses_a_bad_due_date(organisation, step, member_client) -> None:
    data = canvas_post(0, actions=[{"action": "Act", "due": "2026-13-45"}])

    response = member_client.post(_url(organisation), data)

    assert response.status_code == 400
    assert "Enter a valid date." in response.content.decode()
    assert _canvas(step).version == 0


def test_it_refuses_more_than_fifty_rows(organisation, step, member_client) -> None:
    data = canvas_post(0, text={"today": "Now"})
    data["actions-TOTAL_FORMS"] = "100000"

    response = member_client.post(_url(organisation), data, **HTMX)

    assert response.status_code == 400
    assert "Please submit at most 50 forms." in response.content.decode()
    assert _canvas(step).version == 0


def test_it_refuses_a_post_without_management_forms(organisation, step, member_client) -> None:
    data = {"version": "0", "today": "Now"}

    response = member_client.post(_url(organisation), data, **HTMX)

    assert response.status_code == 400
    assert "ManagementForm data is missing or has been tampered with" in response.content.decode()
    assert _canvas(step).version == 0


def test_it_refuses_a_post_without_a_version(organisation, step, member_client) -> None:
    data = canvas_post(0, text={"today": "Now"})
    del data["version"]

    response = member_client.post(_url(organisation), data, **HTMX)

    assert response.status_code == 400
    assert _canvas(step).version == 0


def test_it_returns_404_for_an_unknown_step(organisation, member_client) -> None:
    assert member_client.post(_url(organisation, 99), canvas_post(0)).status_code == 404


def test_it_cannot_save_another_organisations_canvas(
    organisation, other_organisation, step, outsider, client_as
) -> None:
    response = client_as(outsider).post(_url(organisation), _full_canvas(), **HTMX)

    assert response.status_code == 404
    assert _canvas(step).version == 0


# Adding a row without JavaScript


@pytest.mark.parametrize("headers", [HTMX, {}], ids=["htmx", "full page"])
def test_it_adds_a_blank_row_and_keeps_what_was_typed(
    organisation, step, member_client, headers
) -> None:
    data = canvas_post(0, text={"today": "Typed"}, actions=[{"action": "First", "owner": "Ann"}])
    data["add_row"] = "actions"

    response = member_client.post(_url(organisation), data, **headers)

    assert response.status_code == 200
    fields = form_data(response)
    assert fields["actions-TOTAL_FORMS"] == "3"
    assert fields["actions-2-action"] == ""
    assert fields["actions-0-action"] == "First"
    assert fields["actions-0-owner"] == "Ann"
    assert fields["today"] == "Typed"
    assert fields["links-TOTAL_FORMS"] == "1"
    assert _canvas(step).version == 0
    assert not CanvasRevision.objects.exists()


def test_it_adds_no_more_than_fifty_rows(organisation, step, member_client) -> None:
    data = canvas_post(0)
    data |= {"actions-TOTAL_FORMS": "50", "add_row": "actions"}

    response = member_client.post(_url(organisation), data, **HTMX)

    assert response.status_code == 200
    assert form_data(response)["actions-TOTAL_FORMS"] == "50"


def test_it_ignores_adding_a_row_to_a_list_the_step_does_not_have(
    organisation, member_client
) -> None:
    data = canvas_post(0, text={"today": "Typed"})
    data["add_row"] = "items"

    response = member_client.post(_url(organisation, 1), data, **HTMX)

    assert response.status_code == 200
    fields = form_data(response)
    assert fields["today"] == "Typed"
    assert not any(name.startswith("items-") for name in fields)


def test_it_saves_a_step_without_its_own_list(organisation, member_client) -> None:
    response = member_client.post(
        _url(organisation, 1), canvas_post(0, text={"today": "Small start-up."}), **HTMX
    )

    assert response.status_code == 200
    canvas = Canvas.objects.get(step__organisation=organisation, step__definition__number=1)
    assert canvas.content["today"] == "Small start-up."
    assert canvas.revisions.get().changed == ["Where we are today"]


# Two people editing at once


def test_it_keeps_both_versions_when_two_people_save_the_same_version(
    organisation, step, members, client_as
) -> None:
    anna = client_as(members[Role.MEMBER])
    ben = client_as(members[Role.CHAMPION])
    anna_fields = form_data(anna.get(_edit_url(organisation)))
    ben_fields = form_data(ben.get(_edit_url(organisation)))
    assert anna_fields["version"] == ben_fields["version"] == "0"

    anna.post(_url(organisation), anna_fields | {"today": "Anna says: three teams."})
    response = ben.post(_url(organisation), ben_fields | {"today": "Ben says: four teams."}, **HTMX)

    assert response.status_code == 409
    body = response.content.decode()
    theirs = body[body.index('class="conflict__theirs"') : body.index("</details>")]
    assert "Anna says: three teams." in theirs
    assert "Ben says: four teams." not in theirs
    assert f"{members[Role.MEMBER]} saved this canvas while you were editing" in body
    fields = form_data(response)
    assert fields["today"] == "Ben says: four teams."
    assert fields["version"] == "1"
    canvas = _canvas(step)
    assert canvas.content["today"] == "Anna says: three teams."
    assert canvas.version == 1


def test_it_saves_over_the_other_version_when_sent_again_after_a_conflict(
    organisation, step, members, client_as
) -> None:
    anna = client_as(members[Role.MEMBER])
    ben = client_as(members[Role.CHAMPION])
    anna.post(_url(organisation), canvas_post(0, text={"today": "Anna's view"}))
    conflict = ben.post(_url(organisation), canvas_post(0, text={"today": "Ben's view"}), **HTMX)

    response = ben.post(_url(organisation), form_data(conflict), **HTMX)

    assert response.status_code == 200
    assert "Saved: Where we are today." in response.content.decode()
    canvas = _canvas(step)
    assert canvas.content["today"] == "Ben's view"
    assert canvas.version == 2
    assert [(r.version, r.author) for r in canvas.revisions.order_by("version")] == [
        (1, members[Role.MEMBER]),
        (2, members[Role.CHAMPION]),
    ]


def test_it_shows_the_conflict_on_the_full_page_without_htmx(
    organisation, step, members, client_as
) -> None:
    client_as(members[Role.MEMBER]).post(_url(organisation), canvas_post(0, text={"today": "A"}))

    response = client_as(members[Role.CHAMPION]).post(
        _url(organisation), canvas_post(0, text={"today": "Mine"})
    )

    assert response.status_code == 409
    body = response.content.decode()
    assert "<html" in body
    assert "Save my version over theirs" in body
    assert form_data(response)["today"] == "Mine"


def test_it_keeps_a_row_copied_from_the_other_version_after_a_conflict(
    organisation, step, members, client_as
) -> None:
    wiki = {"title": "Wiki", "url": "https://wiki.example.com/mesh"}
    client_as(members[Role.MEMBER]).post(_url(organisation), canvas_post(0, links=[wiki]))
    ben = client_as(members[Role.CHAMPION])
    conflict = ben.post(
        _url(organisation), canvas_post(0, text={"today": "Ben's view"}, links=[wiki]), **HTMX
    )
    assert conflict.status_code == 409

    ben.post(_url(organisation), form_data(conflict), **HTMX)

    canvas = _canvas(step)
    assert canvas.content["today"] == "Ben's view"
    assert canvas.content["links"] == [wiki]
    assert canvas.revisions.get(version=2).changed == ["Where we are today"]


def test_it_makes_saving_what_enter_does_in_a_one_line_field(organisation, member_client):
    body = member_client.get(_edit_url(organisation)).content.decode()

    # Implicit submission presses the form's first submit button: it must be a plain save,
    # never "Add a row".
    form = body[body.index('<form id="canvas-form"') :]
    first_button = form[form.index("<button") : form.index("</button>")]
    assert 'name="add_row"' not in first_button
    assert "Save canvas" in first_button
    assert form.count("data-enter-saves") >= 3


def test_it_moves_focus_to_a_new_row(organisation, step, member_client) -> None:
    data = canvas_post(0, actions=[{"action": "First"}]) | {"add_row": "actions"}

    response = member_client.post(_url(organisation), data, **HTMX)

    body = response.content.decode()
    assert 'id="id_actions-2-action"' in body
    assert body.count("data-focus") == 1
    new_row = body[body.index('id="id_actions-2-action"') :]
    assert new_row[: new_row.index(">")].endswith("data-focus data-enter-saves")


def test_it_points_error_descriptions_at_rendered_ids(organisation, step, member_client):
    data = canvas_post(0, links=[{"title": "Wiki", "url": "not a link"}])

    response = member_client.post(_url(organisation), data, **HTMX)

    body = response.content.decode()
    assert response.status_code == 400
    for described in re.findall(r'aria-describedby="([^"]+)"', body):
        for target in described.split():
            assert f'id="{target}"' in body, target


def test_it_shows_next_action_dates_like_every_other_date(organisation, step, members, client_as):
    step.canvas.content = {"actions": [{"action": "Call", "owner": "Ann", "due": "2026-10-18"}]}
    step.canvas.save()

    body = client_as(members[Role.EXECUTIVE]).get(_page_url(organisation)).content.decode()

    assert '<time datetime="2026-10-18">18 Oct 2026</time>' in body
