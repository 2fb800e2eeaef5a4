"""The canvases PDF, as journey.exports renders it in the export worker: one canvas, or every
canvas after a one-page executive summary and the journey map
(templates/journey/pdf/canvases.html).

Asking for an export, its progress page and the download are tested in tests/test_exports.py.
"""

import io

import pytest
from pypdf import PdfReader

from journey import exports as journey_exports
from journey.models import StepDefinition
from journey.selectors import journey_step
from journey.services import canvas_save
from journey.testing import canvas_fill_to_limits
from organisations.exports import ExportFailed
from organisations.models import Export
from organisations.roles import Role
from tests.conftest import member_actor

# An export must open no socket; tests that care read the record.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_network")]

LOCAL_SERVICE = "http://127.0.0.1:9/"
# The canvases' bottom page margin (static/css/pdf.css): only the footer may print below it.
BOTTOM_MARGIN_PT = 13 * 72 / 25.4


@pytest.fixture(autouse=True)
def in_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lay the PDF out in the test's process, not the forked child the worker uses: what the
    child records (sockets, fetched URLs) never reaches the test."""
    monkeypatch.setattr(journey_exports, "in_child", lambda func, *args, on_wait=None: func(*args))


def _save(organisation, number: int, author, **content) -> None:
    canvas = journey_step(organisation, number).canvas
    canvas_save(
        canvas=canvas,
        content=content,
        base_version=canvas.version,
        actor=member_actor(author, organisation),
    )


def _report(percent: int, stage: str) -> None:
    """The renderers report progress to the export row; these tests have none to update."""


def _canvas_pdf(organisation, number: int = 3) -> bytes:
    export = Export(
        organisation=organisation, kind=journey_exports.CANVAS, params={"number": number}
    )
    return journey_exports.render_canvas(export, _report)


def _canvases_pdf(organisation, *, include_empty: bool = False) -> bytes:
    export = Export(
        organisation=organisation,
        kind=journey_exports.CANVASES,
        params={"include_empty": include_empty},
    )
    return journey_exports.render_canvases(export, _report)


def _pages(pdf: bytes) -> list[str]:
    """Each page's text with whitespace collapsed, so wrapped lines still read as one."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def _text(pdf: bytes) -> str:
    return " ".join(_pages(pdf))


def test_it_exports_one_canvas(organisation, members) -> None:
    _save(
        organisation,
        3,
        members[Role.MEMBER],
        today="Finance is wary of the cost.",
        items=[{"who": "Data office", "stance": "Keen", "approach": "Weekly demo"}],
    )

    pdf = _canvas_pdf(organisation)

    assert pdf.startswith(b"%PDF-")
    text = _text(pdf)
    assert "Stakeholder alignment" in text
    assert "Finance is wary of the cost." in text
    assert "Data office" in text
    assert "Getting off the ground" not in text


def test_it_exports_every_canvas_with_a_cover_and_the_journey_map(organisation, members) -> None:
    _save(organisation, 17, members[Role.MEMBER], decisions="Review the mesh every quarter.")
    step = journey_step(organisation, 1)
    step.status = "done"
    step.save(update_fields=["status"])

    pdf = _canvases_pdf(organisation)

    assert pdf.startswith(b"%PDF-")
    text = _text(pdf)
    assert "Acme Health" in text
    assert "Data mesh journey: reflection canvases" in text
    assert "6% of the applicable steps done" in text
    for phase in ["1 · Find the why", "2 · Make the case", "3 · Start small", "4 · Scale and"]:
        assert f"Phase {phase}" in text
    for title in StepDefinition.objects.values_list("title", flat=True):
        assert title in text
    assert "Review the mesh every quarter." in text


def test_it_gives_every_step_its_own_page_when_asked_for_empty_canvases(organisation) -> None:
    pages = _pages(_canvases_pdf(organisation, include_empty=True))

    # The summary and the map, then at least one page per canvas.
    assert len(pages) >= 19
    # After them, each canvas's heading is on a page of its own.
    first_pages = {
        next(i for i, text in enumerate(pages[2:]) if f"{number} {title}" in text)
        for number, title in StepDefinition.objects.values_list("number", "title")
    }
    assert len(first_pages) == StepDefinition.objects.count()


def test_it_heads_and_foots_every_page(organisation) -> None:
    pages = _pages(_canvases_pdf(organisation, include_empty=True))

    for number, text in enumerate(pages, start=1):
        assert "Acme Health: reflection canvases" in text
        assert "Exported " in text
        assert f"Page {number} of {len(pages)}" in text


def test_it_prints_html_in_a_canvas_as_text(organisation, members) -> None:
    _save(
        organisation,
        3,
        members[Role.MEMBER],
        today="<script>alert(1)</script>",
        risks="<b>bold</b> & <i>brave</i>",
    )

    text = _text(_canvas_pdf(organisation))

    assert "<script>alert(1)</script>" in text
    assert "<b>bold</b> & <i>brave</i>" in text


def test_it_keeps_the_line_breaks_typed_in_a_section(organisation, members) -> None:
    _save(organisation, 3, members[Role.MEMBER], today="First point\nSecond point\n\nA new one")

    pdf = _canvas_pdf(organisation)

    lines = [
        line.strip() for line in PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split("\n")
    ]
    start = lines.index("First point")
    assert lines[start : start + 2] == ["First point", "Second point"]
    assert "A new one" in lines[start + 2 : start + 4]


def test_it_fetches_no_link_saved_in_a_canvas(
    organisation, members, no_network, pdf_fetches
) -> None:
    _save(
        organisation,
        3,
        members[Role.MEMBER],
        links=[{"title": "Internal", "url": LOCAL_SERVICE}],
        today=f"See {LOCAL_SERVICE}x.png",
    )

    pdf = _canvas_pdf(organisation)

    assert LOCAL_SERVICE in _text(pdf)
    assert no_network == []
    fetched = [url for url, _ in pdf_fetches]
    assert not [url for url in fetched if "127.0.0.1" in url]
    # The stylesheets still come from the app's static files.
    assert any(url.endswith("css/pdf.css") for url in fetched)
    assert any(url.endswith("css/pdf-base.css") for url in fetched)


def test_it_fails_with_a_message_for_an_unknown_step(organisation) -> None:
    with pytest.raises(ExportFailed, match="There is no step 99"):
        _canvas_pdf(organisation, 99)


def test_it_exports_only_the_organisation_asked_for(
    organisation, other_organisation, members, outsider
) -> None:
    _save(other_organisation, 3, outsider, today="Globex secret plan.")
    _save(organisation, 3, members[Role.MEMBER], today="Acme plan.")

    text = _text(_canvases_pdf(organisation))

    assert "Acme plan." in text
    assert "Globex" not in text


def test_it_prints_all_of_a_canvas_filled_to_the_forms_limits(organisation) -> None:
    canvas_fill_to_limits(step=journey_step(organisation, 3))

    pdf = _canvas_pdf(organisation)

    pages = _pages(pdf)
    text = " ".join(pages)
    for key in ["today", "decisions", "assumptions", "risks", "open_questions"]:
        assert f"{key} paragraph 1 " in text
        assert f"{key} paragraph 9 " in text
    for row in range(1, 51):
        # Odd rows are prose, even rows one unbroken run that has to wrap inside its cell.
        for label in ["action", "who", "stance", "approach", "link"]:
            assert f"{label}{row}{' ' if row % 2 else '_'}" in text
        assert f"owner{row} " in text
        assert f"https://wiki.example/{row}/" in text.replace(" ", "")
    # Every page after the first says which step it continues.
    assert len(pages) > 1
    assert "(continued)" not in pages[0]
    assert all("Step 3 · Stakeholder alignment (continued)" in p for p in pages[1:])
    assert _text_below_the_bottom_margin(pdf) == []


def _text_below_the_bottom_margin(pdf: bytes) -> list[tuple[int, str]]:
    """(page, text) of everything printed below the bottom margin except the footer."""
    found: list[tuple[int, str]] = []
    for number, page in enumerate(PdfReader(io.BytesIO(pdf)).pages, start=1):

        def visit(text, cm, tm, font, size, number=number):
            y = tm[5] * cm[3] + cm[5]
            footer = text.startswith(("Exported ", "Page "))
            if text.strip() and y < BOTTOM_MARGIN_PT and not footer:
                found.append((number, text))

        page.extract_text(visitor_text=visit)
    return found


def test_it_leaves_empty_canvases_out_and_says_which(organisation, members) -> None:
    _save(organisation, 2, members[Role.MEMBER], risks="Nobody owns the budget.")

    pages = _pages(_canvases_pdf(organisation))

    # The summary, the map and the one canvas with something in it.
    assert len(pages) == 3
    assert "2 Key assumptions" in pages[2]
    assert "Version 0" not in " ".join(pages)
    assert "Left out of this PDF: the canvases nobody has filled in yet (steps 1, 3, 4," in pages[0]


def test_it_opens_with_a_one_page_summary(organisation, members) -> None:
    _save(
        organisation,
        5,
        members[Role.MEMBER],
        risks="The board may lose patience.",
        open_questions="Who pays for the platform?",
        decisions="Start with clinical trials.",
        actions=[
            {"action": "Draft the go/no-go memo", "owner": "Priya", "due": "2000-01-31"},
            {"action": "Book the steering meeting", "owner": "Elena", "due": "2000-02-01"},
        ],
    )
    step = journey_step(organisation, 1)
    step.status = "not_applicable"
    step.not_applicable_reason = "We are past it."
    step.save()

    summary = _pages(_canvases_pdf(organisation))[0]

    assert "Mesh Journey · executive summary".upper() in summary.upper()
    assert "1 · Find the why" in summary and "0 of 4 done" in summary
    assert "1 of 17 not applicable" in summary
    assert "set aside" not in summary
    assert "31 Jan 2000 · Draft the go/no-go memo (Priya) Step 5" in summary
    assert "The board may lose patience." in summary
    assert "Who pays for the platform?" in summary
    assert "Start with clinical trials." in summary
    assert "Page 1 of" in summary


def test_it_prints_next_action_dates_like_every_other_date(organisation, members) -> None:
    _save(
        organisation,
        3,
        members[Role.MEMBER],
        actions=[{"action": "Meet finance", "owner": "Ann", "due": "2026-10-18"}],
    )

    text = _text(_canvas_pdf(organisation, 3))

    assert "(Ann, 18 Oct 2026)" in text
    assert "2026-10-18" not in text


def test_it_prints_the_demo_with_a_summary_and_no_empty_canvas(db) -> None:
    from django.core.management import call_command

    from journey.canvas import is_empty
    from journey.selectors import journey_steps
    from organisations.models import Organisation

    call_command("load_demo", verbosity=0)
    acme = Organisation.objects.get(slug="acme")
    filled = [
        (step.number, step.definition.title)
        for step in journey_steps(acme)
        if not is_empty(step.definition.shape.normalise(step.canvas.content))
    ]

    pages = _pages(_canvases_pdf(acme))

    assert "EXECUTIVE SUMMARY" in pages[0].upper()
    assert "Decisions taken" in pages[0] and "Top risks" in pages[0]
    assert "The journey at a glance" in pages[1]
    canvas_pages = pages[2:]
    # Every printed canvas is one the demo filled in; no page is an empty template.
    headed = [n for n, title in filled if any(f"{n} {title}" in page for page in canvas_pages)]
    assert headed == [n for n, _ in filled]
    for page in canvas_pages:
        assert "Version 0" not in page
    assert len(canvas_pages) < 17


def test_it_passes_the_include_empty_choice_to_the_export(organisation, members, client_as):
    from django.urls import reverse

    url = reverse("journey:pdf", kwargs={"org_slug": organisation.slug})
    client = client_as(members[Role.FACILITATOR])

    client.post(url, {"include_empty": "on"})
    client.post(url, {})

    assert [e.params for e in Export.objects.order_by("pk")] == [
        {"include_empty": True},
        {"include_empty": False},
    ]
