"""Canvases filled to the canvas form's own limits, for tests and the PDF benchmark.

This is the largest canvas a member can save through the form (journey.forms): every text
section at TEXT_MAX characters, every list at ROWS_MAX rows, every cell at its field's
max_length. Half the rows hold one unbroken run of characters (no space to wrap at), the
other half prose, so a layout has to cope with both.
"""

from datetime import date, timedelta
from itertools import cycle, islice

from organisations.models import Organisation

from . import canvas as canvas_content
from .models import JourneyStep
from .selectors import journey_steps

# Longest values ActionForm and LinkForm accept for the fields canvas.py has no constant for.
OWNER_MAX = 100
LINK_TITLE_MAX = 200

_WORDS = [
    "the",
    "data",
    "product",
    "team",
    "agreed",
    "that",
    "ownership",
    "of",
    "the",
    "claims",
    "feed",
    "moves",
    "to",
    "the",
    "domain",
    "before",
    "the",
    "next",
    "quarter",
    "while",
    "finance",
    "still",
    "asks",
    "how",
    "the",
    "platform",
    "costs",
    "are",
    "shared",
    "and",
    "which",
    "consumers",
    "depend",
    "on",
    "the",
    "nightly",
    "extract",
]


def prose(length: int, *, start: str = "") -> str:
    """Plain words, exactly `length` characters, beginning with `start`."""
    text = start + " " + " ".join(islice(cycle(_WORDS), length))
    return text[:length].rstrip().ljust(length, ".")


def unbroken(length: int, *, start: str = "") -> str:
    """One run of `length` characters with nowhere to break a line."""
    return (start + "_" + "x" * length)[:length] if start else "x" * length


def _cell(length: int, *, row: int, label: str) -> str:
    start = f"{label}{row + 1}"
    return unbroken(length, start=start) if row % 2 else prose(length, start=start)


def text_at_limits(label: str) -> str:
    """TEXT_MAX characters in paragraphs, as someone pasting a long document would."""
    paragraphs = []
    while sum(len(p) + 2 for p in paragraphs) < canvas_content.TEXT_MAX:
        paragraphs.append(prose(600, start=f"{label} paragraph {len(paragraphs) + 1}"))
    return (
        "\n\n".join(paragraphs)[: canvas_content.TEXT_MAX]
        .rstrip()
        .ljust(canvas_content.TEXT_MAX, ".")
    )


def content_at_limits(extra_list: dict, *, today: date | None = None) -> dict:
    """A canvas's content at the form's limits for a step with this `extra_list`."""
    shape = canvas_content.Shape.of(extra_list)
    today = today or date(2026, 1, 1)
    rows = range(canvas_content.ROWS_MAX)
    content = {s.key: text_at_limits(s.key) for s in canvas_content.TEXT_SECTIONS}
    content["actions"] = [
        {
            "action": _cell(canvas_content.CELL_MAX, row=row, label="action"),
            "owner": prose(OWNER_MAX, start=f"owner{row + 1}"),
            "due": (today + timedelta(days=row)).isoformat(),
        }
        for row in rows
    ]
    content["links"] = [
        {
            "title": _cell(LINK_TITLE_MAX, row=row, label="link"),
            "url": f"https://wiki.example/{row + 1}/" + "p" * canvas_content.URL_MAX,
        }
        for row in rows
    ]
    for link in content["links"]:
        link["url"] = link["url"][: canvas_content.URL_MAX]
    content["items"] = [
        {key: _cell(canvas_content.CELL_MAX, row=row, label=key) for key, _ in shape.item_columns}
        for row in rows
        if shape.has_items
    ]
    return shape.normalise(content)


def canvas_fill_to_limits(*, step: JourneyStep) -> None:
    """Store content at the form's limits in the step's canvas.

    Written straight to the row like a factory would: tests and the benchmark need the data,
    not another revision in the canvas's history.
    """
    canvas = step.canvas
    canvas.content = content_at_limits(step.definition.extra_list)
    canvas.version += 1
    canvas.save(update_fields=["content", "version"])


def organisation_fill_to_limits(*, organisation: Organisation) -> None:
    """Every canvas of the organisation filled to the limits."""
    for step in journey_steps(organisation):
        canvas_fill_to_limits(step=step)
