"""The executive maturity report: where the organisation stands, on a few printed pages.

Cover and verdict in one sentence, the spider graph of the latest round against the one before,
the axes with the comments worth reading, what to do next, then the sections other apps
contribute to the "maturity" document (kernel.sections: journey progress, open risks, and
milestones and objectives where the champions' tools are in use). Made in the background as an
export (organisations.exports) since a real one takes longer than a web request may.
"""

from django.db.models import Count
from django.utils import timezone

from kernel.charts import radar_svg
from kernel.pdf import render_pdf
from kernel.sections import render_sections
from organisations.exports import Report, in_child, waiting_progress
from organisations.models import Export, Organisation

from . import charts
from .models import Round
from .results import results_context

MATURITY = "maturity"
KIND = "assessments.maturity_report"
TITLE = "Data mesh maturity report"
TEMPLATE = "assessments/pdf/maturity_report.html"
# Comments quoted per axis: enough to hear the argument, few enough for one page.
COMMENTS_PER_AXIS = 3
EXPECTED_SECONDS = 1.0


def latest_round(organisation: Organisation) -> Round | None:
    """The round the report speaks of: the latest closed round anyone answered, else the
    latest open one (the report then says its figures are provisional)."""
    answered = (
        Round.objects.filter(organisation=organisation)
        .annotate(answers=Count("respondents__response"))
        .filter(answers__gt=0)
        .select_related("instrument")
        .order_by("-created", "-pk")
    )
    closed = answered.filter(status=Round.Status.CLOSED).first()
    return closed or answered.first()


def _next_steps(results: dict) -> list[str]:
    verdict = results["verdict"]
    steps = []
    for axis in results["low_axes"]:
        where = ", ".join(f"step {n} ({title})" for n, title in axis.steps)
        steps.append(
            f"Strengthen “{axis.axis['name']}”, rated {axis.median_label.lower()}"
            + (f": the journey works on it in {where}." if where else ".")
            + (
                f" Answers ran from {axis.range_label.lower()}: talk it through first."
                if axis.summary.disagreement
                else ""
            )
        )
    for axis in results["disagreements"]:
        if axis.is_low:
            continue
        steps.append(
            f"Talk through “{axis.axis['name']}”: answers ran from {axis.range_label.lower()}, "
            "so people see it differently."
        )
    for summary in verdict.unknown_axes:
        steps.append(f"Find out about “{summary.name}”: nobody could answer it yet.")
    if verdict.status == "adopt" and not steps:
        steps.append(
            "Go ahead: choose a first use case that touches one or two domains and start small."
        )
    return steps


def report_context(organisation: Organisation) -> dict:
    context: dict = {
        "organisation": organisation,
        "title": TITLE,
        "generated_at": timezone.now(),
        "round": None,
    }
    round = latest_round(organisation)
    if round is not None:
        results = results_context(round=round, organisation=organisation)
        history = results["history"]
        previous = history[-2] if len(history) > 1 else None
        chart = charts.round_chart(
            round.instrument.definition,
            history[-1].summaries,
            [(previous.round.title, previous.summaries)] if previous else [],
            title=round.title,
        )
        notable = [
            a for a in results["axes"] if (a.is_low or a.summary.disagreement) and a.comments
        ]
        context.update(
            round=round,
            previous=previous.round if previous else None,
            verdict=results["verdict"],
            axes=results["axes"],
            chart_svg=radar_svg(chart),
            notable=[(a, a.comments[:COMMENTS_PER_AXIS]) for a in notable],
            next_steps=_next_steps(results),
            respondents=results["progress"],
        )
    context["sections"] = render_sections(MATURITY, organisation)
    return context


def render_report(export: Export, report: Report) -> bytes:
    report(5, "Gathering results, progress and risks")
    context = report_context(export.organisation)
    stage = "Laying out the report"
    report(30, stage)

    def waiting(elapsed: float) -> None:
        report(
            waiting_progress(start=30, end=95, elapsed=elapsed, expected=EXPECTED_SECONDS), stage
        )

    return in_child(render_pdf, TEMPLATE, context, on_wait=waiting)
