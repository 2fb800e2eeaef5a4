"""What a workshop leaves: CSV and PDF of a board, the agenda and outcome report, notes
promoted into the journey, and actions carried into the next workshop."""

import csv
import io

import pytest
from pypdf import PdfReader

from journey.selectors import journey_step
from organisations.models import Export
from organisations.roles import Role
from tests.conftest import HTMX
from workshops import outcomes, services
from workshops.models import Note, Promotion, Vote
from workshops.testing import actor_for, join_as_guest, plan_workshop, start

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_network")]


@pytest.fixture(autouse=True)
def in_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lay PDFs out in the test's process, not in the forked child the worker uses."""
    monkeypatch.setattr(outcomes, "in_child", lambda func, *args, on_wait=None: func(*args))


@pytest.fixture
def workshop(organisation, members):
    return plan_workshop(organisation, by=members[Role.FACILITATOR])


@pytest.fixture
def activity(workshop):
    return start(workshop)


def _report(percent: int, stage: str) -> None:
    """The renderers report progress to the export row; these tests have none to update."""


def _note(activity, client, text, zone=None):
    zone = zone or activity.zones.first()
    response = client.post(
        f"/o/acme/workshops/{activity.workshop_id}/board/{activity.pk}/notes/",
        {"zone": zone.pk, "text": text},
    )
    assert response.status_code == 302, response.content[:300]
    return Note.objects.filter(activity=activity).latest("pk")


def _vote(note, participant, times=1):
    for _ in range(times):
        Vote.objects.create(note=note, participant=participant)


def _export(organisation, kind, **params) -> Export:
    return Export(organisation=organisation, kind=kind, params=params)


def _text(pdf: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages
    )


def _rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_it_exports_a_board_as_csv_with_votes_and_groups(activity):
    client, kim = join_as_guest(activity.workshop, "Kim")
    hope = _note(activity, client, "Faster answers")
    _note(activity, client, "Fewer copies", zone=activity.zones.get(name="Concerns"))
    _vote(hope, kim, 2)
    services.note_group(
        note=hope,
        base_version=hope.version,
        cluster=None,
        new_name="Speed",
        participant=None,
        is_facilitator=True,
    )

    rows = _rows(
        outcomes.render_board_csv(
            _export(activity.workshop.organisation, outcomes.BOARD_CSV_KIND, activity=activity.pk),
            _report,
        )
    )

    assert rows == [
        ["Note", "Column", "Group", "Votes"],
        ["Faster answers", "Hopes", "Speed", "2"],
        ["Fewer copies", "Concerns", "", "0"],
    ]


def test_it_names_authors_in_the_csv_only_when_the_workshop_shows_names(organisation, members):
    workshop = plan_workshop(organisation, by=members[Role.FACILITATOR], names_shown=True)
    activity = start(workshop)
    client, _ = join_as_guest(workshop, "Kim")
    _note(activity, client, "Named")

    rows = _rows(outcomes.board_csv(activity))

    assert rows == [
        ["Note", "Column", "Group", "Votes", "Author"],
        ["Named", "Hopes", "", "0", "Kim"],
    ]


@pytest.mark.parametrize("text", ['=HYPERLINK("x")', "+1+1", "-2", "@SUM(A1)"])
def test_it_escapes_formulas_in_the_csv(activity, text):
    client, _ = join_as_guest(activity.workshop, "Kim")
    _note(activity, client, text)

    rows = _rows(outcomes.board_csv(activity))

    assert rows[1][0] == "'" + text


def test_it_keeps_html_as_text_in_the_csv_and_pdf(activity):
    client, _ = join_as_guest(activity.workshop, "Kim")
    _note(activity, client, "<b>bold</b> & <script>alert(1)</script>")

    rows = _rows(outcomes.board_csv(activity))
    pdf = outcomes.render_board_pdf(
        _export(activity.workshop.organisation, outcomes.BOARD_PDF_KIND, activity=activity.pk),
        _report,
    )

    assert rows[1][0] == "<b>bold</b> & <script>alert(1)</script>"
    assert "<b>bold</b> & <script>alert(1)</script>" in _text(pdf)


def test_it_exports_the_board_as_a_pdf_laid_out_like_the_board(activity):
    client, kim = join_as_guest(activity.workshop, "Kim")
    note = _note(activity, client, "Shared vocabulary")
    _vote(note, kim)

    pdf = outcomes.render_board_pdf(
        _export(activity.workshop.organisation, outcomes.BOARD_PDF_KIND, activity=activity.pk),
        _report,
    )
    text = _text(pdf)

    assert pdf.startswith(b"%PDF")
    assert "Hopes (1)" in text and "Concerns (0)" in text
    assert "Shared vocabulary" in text
    assert "1 vote" in text


def test_it_asks_for_board_exports_in_the_background_mid_session(activity, facilitator_client):
    url = f"/o/acme/workshops/{activity.workshop_id}/board/{activity.pk}/"

    csv_response = facilitator_client.post(url + "board.csv")
    pdf_response = facilitator_client.post(url + "board.pdf", **HTMX)

    kinds = set(Export.objects.values_list("kind", flat=True))
    assert kinds == {outcomes.BOARD_CSV_KIND, outcomes.BOARD_PDF_KIND}
    assert csv_response.status_code == 302
    assert pdf_response.status_code == 200
    assert pdf_response["HX-Redirect"].startswith("/o/acme/exports/")


def test_it_prints_the_agenda(workshop):
    pdf = outcomes.render_agenda(
        _export(workshop.organisation, outcomes.AGENDA_KIND, workshop=workshop.pk), _report
    )
    text = _text(pdf)

    assert "Afternoon 1" in text and "Afternoon 4" in text
    assert "Hopes and concerns" in text
    assert workshop.join_code[:4] in text


def test_it_reports_the_top_voted_notes_groups_and_actions(workshop, activity):
    client, kim = join_as_guest(workshop, "Kim")
    top = _note(activity, client, "Most wanted")
    _note(activity, client, "Less wanted")
    _vote(top, kim, 3)
    next_steps = workshop.activities.get(key="next_steps")
    services.activity_start(activity=next_steps)
    next_steps.refresh_from_db()
    action = _note(next_steps, client, "Pick a first data product")
    action.activity = next_steps
    services.note_promote_to_tool(
        note=action, kind="milestone", actor=actor_for(workshop.created_by, workshop.organisation)
    )

    pdf = outcomes.render_report(
        _export(workshop.organisation, outcomes.REPORT_KIND, workshop=workshop.pk), _report
    )
    text = _text(pdf)

    assert "Most wanted (3 votes)" in text
    assert "Less wanted" not in text
    assert "Pick a first data product (Milestone: Pick a first data product)" in text


def test_it_fails_an_export_of_a_board_that_no_longer_exists(activity):
    activity.delete()

    with pytest.raises(outcomes.ExportFailed):
        outcomes.render_board_csv(
            _export(activity.workshop.organisation, outcomes.BOARD_CSV_KIND, activity=activity.pk),
            _report,
        )


# --- into the journey --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("section", "where"),
    [("risks", "risks"), ("assumptions", "assumptions"), ("decisions", "decisions")],
)
def test_it_promotes_a_note_into_a_canvas_section(
    activity, organisation, facilitator_client, section, where
):
    client, _ = join_as_guest(activity.workshop, "Kim")
    note = _note(activity, client, "Teams may resist owning data")
    url = f"/o/acme/workshops/{activity.workshop_id}/board/{activity.pk}/notes/{note.pk}/promote/"

    response = facilitator_client.post(url, {"step": "3", "section": section}, **HTMX)

    assert response.status_code == 200
    canvas = journey_step(organisation, 3).canvas
    assert "Teams may resist owning data" in canvas.content[where]
    assert f"from workshop note {note.pk}" in canvas.content[where]
    assert canvas.revisions.count() == 1
    promotion = Promotion.objects.get(note=note)
    assert (promotion.step_number, promotion.section) == (3, section)
    assert b"In the journey: step 3" in response.content


def test_it_promotes_a_note_as_a_next_action_and_keeps_what_the_canvas_held(
    activity, organisation, members, facilitator_client
):
    from journey.services import canvas_save

    canvas = journey_step(organisation, 5).canvas
    canvas_save(
        canvas=canvas,
        content={"actions": [{"action": "Hire a platform lead", "owner": "Ana", "due": ""}]},
        base_version=canvas.version,
        actor=actor_for(members[Role.OWNER], organisation),
    )
    client, _ = join_as_guest(activity.workshop, "Kim")
    note = _note(activity, client, "Book the first inception")

    facilitator_client.post(
        f"/o/acme/workshops/{activity.workshop_id}/board/{activity.pk}/notes/{note.pk}/promote/",
        {"step": "5", "section": "actions"},
    )

    actions = journey_step(organisation, 5).canvas.content["actions"]
    assert [a["action"].split(" (from")[0] for a in actions] == [
        "Hire a platform lead",
        "Book the first inception",
    ]


def test_it_refuses_to_promote_into_a_step_that_does_not_exist(activity, facilitator_client):
    client, _ = join_as_guest(activity.workshop, "Kim")
    note = _note(activity, client, "Somewhere")

    response = facilitator_client.post(
        f"/o/acme/workshops/{activity.workshop_id}/board/{activity.pk}/notes/{note.pk}/promote/",
        {"step": "99", "section": "risks"},
    )

    assert response.status_code == 400
    assert b"no such step" in response.content
    assert not Promotion.objects.exists()


def test_it_shows_open_actions_at_the_start_of_the_next_workshop(
    organisation, members, facilitator_client
):
    first = plan_workshop(organisation, by=members[Role.FACILITATOR], title="First")
    next_steps = start(first, "next_steps")
    client, _ = join_as_guest(first, "Kim")
    action = _note(next_steps, client, "Write the platform principles")
    _note(next_steps, client, "Ana", zone=next_steps.zones.get(name="Owner"))
    services.workshop_end(workshop=first)
    second = plan_workshop(organisation, by=members[Role.FACILITATOR], title="Second")
    kick_off = start(second, "kick_off")

    agenda = facilitator_client.get(f"/o/acme/workshops/{second.pk}/").content.decode()
    board = facilitator_client.get(
        f"/o/acme/workshops/{second.pk}/board/{kick_off.pk}/"
    ).content.decode()
    facilitator_client.post(f"/o/acme/workshops/{second.pk}/open-actions/{action.pk}/done/")
    after = facilitator_client.get(f"/o/acme/workshops/{second.pk}/").content.decode()

    assert "Write the platform principles" in agenda
    assert "Write the platform principles" in board
    assert ">Ana<" not in agenda
    assert "Write the platform principles" not in after
