"""The journey's background exports: one canvas, or every canvas with a cover and the map.

Registered in JourneyConfig.ready(). Each renderer reads what it needs in the worker process,
then hands the template and its fully loaded context to a child process that lays out the PDF
within the export time budget (organisations.exports.in_child).
"""

import json

from django.utils import timezone

from kernel.pdf import render_pdf
from organisations.exports import ExportFailed, Report, in_child, waiting_progress
from organisations.models import Export

from . import canvas as canvas_content
from .models import JourneyStep
from .progress import phases, progress
from .selectors import journey_steps
from .summary import summarise

CANVASES = "journey.canvases"
CANVAS = "journey.canvas"

TEMPLATE = "journey/pdf/canvases.html"
# Rough layout speed, only for moving the progress bar while the child works: an empty
# canvas takes a fraction of a second, one filled to the form's limits (about 125,000
# characters, some thirty pages) tens of seconds.
SECONDS_PER_CANVAS = 0.3
CHARACTERS_PER_SECOND = 5000


CANVASES_TITLE = "All reflection canvases"


def canvas_title(step: JourneyStep) -> str:
    return f"Step {step.number} canvas: {step.definition.title}"


def _pdf_step(step: JourneyStep) -> dict:
    shape = step.definition.shape
    return {
        "step": step,
        "content": shape.normalise(step.canvas.content),
        "item_columns": shape.item_columns,
    }


def _expected_seconds(steps: list[JourneyStep]) -> float:
    characters = sum(len(json.dumps(step.canvas.content)) for step in steps)
    return SECONDS_PER_CANVAS * len(steps) + characters / CHARACTERS_PER_SECOND


def _lay_out(context: dict, report: Report, *, stage: str, steps: list[JourneyStep]) -> bytes:
    """The PDF of `context`, made in a child process while the progress bar moves on."""
    report(20, stage)
    expected = _expected_seconds(steps)

    def waiting(elapsed: float) -> None:
        report(waiting_progress(start=20, end=95, elapsed=elapsed, expected=expected), stage)

    return in_child(render_pdf, TEMPLATE, context, on_wait=waiting)


def render_canvases(export: Export, report: Report) -> bytes:
    """A one-page summary, the journey map, then the canvases: those nobody has filled in are
    left out unless the export asked for them (params["include_empty"])."""
    report(5, "Gathering the canvases")
    organisation = export.organisation
    steps = list(journey_steps(organisation))
    pages = [_pdf_step(step) for step in steps]
    if not export.params.get("include_empty"):
        left_out = [
            page["step"].number for page in pages if canvas_content.is_empty(page["content"])
        ]
        pages = [page for page in pages if page["step"].number not in left_out]
    else:
        left_out = []
    context = {
        "organisation": organisation,
        "cover": True,
        "summary": summarise(steps, today=timezone.localdate(), left_out=left_out),
        "phases": phases(steps),
        "progress": progress(step.status for step in steps),
        "pages": pages,
        "text_sections": canvas_content.TEXT_SECTIONS,
        "generated_at": timezone.now(),
    }
    printed = [page["step"] for page in pages]
    stage = f"Laying out the summary, the map and {len(printed)} canvases"
    return _lay_out(context, report, stage=stage, steps=printed)


def render_canvas(export: Export, report: Report) -> bytes:
    report(5, "Gathering the canvas")
    number = export.params.get("number")
    step = journey_steps(export.organisation).filter(definition__number=number).first()
    if step is None:
        raise ExportFailed(f"There is no step {number} in this journey any more.")
    context = {
        "organisation": export.organisation,
        "pages": [_pdf_step(step)],
        "text_sections": canvas_content.TEXT_SECTIONS,
        "generated_at": timezone.now(),
    }
    return _lay_out(context, report, stage="Laying out the canvas", steps=[step])
