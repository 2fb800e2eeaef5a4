"""What a workshop leaves behind: the agenda and invitation, board exports (CSV and a PDF that
looks like the board) and the outcome report. Files are made in the background
(organisations.exports), and may be asked for in the middle of a session.
"""

import csv
import io

from django.template.loader import render_to_string
from django.utils import timezone

from kernel.pdf import render_pdf
from organisations.exports import ExportFailed, Report, in_child, waiting_progress
from organisations.models import Export

from . import rules, selectors
from .models import Activity, Note, Workshop

AGENDA_KIND = "workshops.agenda"
BOARD_PDF_KIND = "workshops.board_pdf"
BOARD_CSV_KIND = "workshops.board_csv"
REPORT_KIND = "workshops.report"

TOP_NOTES = 5


def _workshop(export: Export) -> Workshop:
    workshop = Workshop.objects.filter(
        organisation=export.organisation, pk=export.params.get("workshop")
    ).first()
    if workshop is None:
        raise ExportFailed("This workshop no longer exists.")
    return workshop


def _activity(export: Export) -> Activity:
    activity = (
        Activity.objects.select_related("workshop")
        .filter(workshop__organisation=export.organisation, pk=export.params.get("activity"))
        .first()
    )
    if activity is None:
        raise ExportFailed("This board no longer exists.")
    return activity


def agenda_sessions(workshop: Workshop) -> list[dict]:
    activities = list(workshop.activities.prefetch_related("zones"))
    timing = rules.agenda_timing(
        format=workshop.format,
        timeboxes=[(a.session, a.timebox_minutes) for a in activities],
        start=workshop.starts_at,
        end=workshop.ends_at,
    )
    sessions = []
    for session in timing:
        n = session.number
        sessions.append(
            {
                "number": n,
                "name": rules.session_name(workshop.format, n),
                "date": workshop.session_dates[n - 1] if n <= len(workshop.session_dates) else "",
                "timing": session,
                "activities": [a for a in activities if a.session == n],
            }
        )
    return sessions


def invitation_text(*, workshop: Workshop, link: str, sessions: list[dict]) -> str:
    """Plain text for an e-mail or a chat message: what, when, the agenda and how to join."""
    return render_to_string(
        "workshops/invitation.txt",
        {
            "workshop": workshop,
            "link": link,
            "sessions": sessions,
            "code": rules.display_code(workshop.join_code),
        },
    ).strip()


def _lay_out(template: str, context: dict, report: Report, *, pages: int) -> bytes:
    stage = f"Laying out {pages} page{'s' if pages != 1 else ''}"
    report(20, stage)

    def waiting(elapsed: float) -> None:
        report(waiting_progress(start=20, end=95, elapsed=elapsed, expected=0.5 * pages), stage)

    return in_child(render_pdf, template, context, on_wait=waiting)


def render_agenda(export: Export, report: Report) -> bytes:
    report(5, "Gathering the agenda")
    workshop = _workshop(export)
    sessions = agenda_sessions(workshop)
    context = {
        "organisation": export.organisation,
        "workshop": workshop,
        "sessions": sessions,
        "code": rules.display_code(workshop.join_code),
        "generated_at": timezone.now(),
    }
    return _lay_out("workshops/pdf/agenda.html", context, report, pages=len(sessions))


def board_rows(activity: Activity) -> list[dict]:
    """Every note of a board with its zone, group and votes, as plain data."""
    names_shown = activity.workshop.names_shown
    return [
        {
            "note": note.text,
            "zone": note.zone.name,
            "cluster": note.cluster.name if note.cluster else "",
            "votes": note.vote_count,
            "author": note.author_name if names_shown else "",
            "colour": note.colour,
        }
        for note in selectors.board_notes(activity)
    ]


def board_csv(activity: Activity) -> bytes:
    rows = board_rows(activity)
    names_shown = activity.workshop.names_shown
    header = ["Note", "Column", "Group", "Votes"] + (["Author"] if names_shown else [])
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        cells = [row["note"], row["zone"], row["cluster"], row["votes"]]
        if names_shown:
            cells.append(row["author"])
        writer.writerow([rules.csv_cell(c) for c in cells])
    # A byte-order mark so that spreadsheet programs read the accents right.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def render_board_csv(export: Export, report: Report) -> bytes:
    report(10, "Reading the board")
    return board_csv(_activity(export))


def _board_pdf_context(activity: Activity) -> dict:
    notes = selectors.board_notes(activity)
    zones = [
        {"zone": zone, "notes": [n for n in notes if n.zone_id == zone.pk]}
        for zone in activity.zones.all()
    ]
    return {
        "organisation": activity.workshop.organisation,
        "workshop": activity.workshop,
        "activity": activity,
        "zones": zones,
        "clusters": selectors.board_clusters(activity),
        "generated_at": timezone.now(),
    }


def render_board_pdf(export: Export, report: Report) -> bytes:
    report(5, "Reading the board")
    context = _board_pdf_context(_activity(export))
    return _lay_out("workshops/pdf/board.html", context, report, pages=1)


def top_notes(notes: list[Note], limit: int = TOP_NOTES) -> list[Note]:
    voted = [n for n in notes if n.vote_count]
    return sorted(voted, key=lambda n: (-n.vote_count, n.created_at))[:limit]


def report_context(workshop: Workshop) -> dict:
    sessions = agenda_sessions(workshop)
    activities = []
    actions: list[Note] = []
    for activity in workshop.activities.all():
        activity.workshop = workshop
        notes = selectors.board_notes(activity)
        if activity.key == "next_steps":
            actions.extend(n for n in notes if n.zone.order == 0)
        activities.append(
            {
                "activity": activity,
                "count": len(notes),
                "top": top_notes(notes),
                "clusters": [c for c in selectors.board_clusters(activity) if c.note_count],
            }
        )
    return {
        "organisation": workshop.organisation,
        "workshop": workshop,
        "sessions": sessions,
        "activities": activities,
        "actions": actions,
        "participants": workshop.participants.filter(admitted=True).count(),
        "generated_at": timezone.now(),
    }


def render_report(export: Export, report: Report) -> bytes:
    report(5, "Gathering the boards")
    context = report_context(_workshop(export))
    return _lay_out(
        "workshops/pdf/report.html", context, report, pages=2 + len(context["activities"]) // 3
    )
