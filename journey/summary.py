"""The one-page executive summary that opens the all-canvases PDF: pure functions over the
organisation's steps (no database, no templates), tested in tests/test_canvas_logic.py.

A step needs `.number`, `.status`, `.due_date`, `.owner`, `.definition` (`.title`, `.phase`,
`.phase_title`, `.shape`) and `.canvas.content`, as journey.selectors.journey_steps gives them.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from . import canvas as canvas_content
from .progress import DONE, NOT_APPLICABLE, Progress, phases, progress

# What fits on one landscape page beside the rest; more is counted, not listed.
LIMITS = {"overdue": 6, "risks": 4, "questions": 4, "decisions": 5, "upcoming": 6}
EXCERPT = 170
UPCOMING_DAYS = 60


def excerpt(text: str, limit: int = EXCERPT) -> str:
    """The text on one line, cut at a word boundary with an ellipsis when too long."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if text[limit - 1] != " ":  # the cut fell inside a word: drop that word
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip() + "…"


@dataclass(frozen=True)
class Item:
    """One line of the summary: what it is about, and the step it comes from."""

    step: int
    step_title: str
    text: str
    who: str = ""
    due: date | None = None


@dataclass
class Listing:
    """The first items of a kind, and how many more there are."""

    items: list[Item]
    more: int = 0

    @classmethod
    def of(cls, items: list[Item], limit: int) -> "Listing":
        return cls(items=items[:limit], more=max(0, len(items) - limit))


@dataclass
class Summary:
    progress: Progress
    phases: list[dict]
    overdue: Listing
    risks: Listing
    questions: Listing
    decisions: Listing
    upcoming: Listing
    left_out: list[int] = field(default_factory=list)


def _is_open(step: Any) -> bool:
    return step.status not in (DONE, NOT_APPLICABLE)


def _owner(step: Any) -> str:
    return str(step.owner) if step.owner else ""


def summarise(steps: Iterable[Any], *, today: date, left_out: list[int] = ()) -> Summary:
    """What an executive reads first: progress by phase, overdue next actions, the risks and
    open questions of steps still open, the decisions taken, and what falls due in the next
    60 days. `left_out` names the steps whose empty canvases the PDF does not print."""
    steps = list(steps)
    grouped = phases(steps)
    for phase in grouped:
        phase["progress"] = progress(step.status for step in phase["steps"])
    overdue, risks, questions, decisions, upcoming = [], [], [], [], []
    horizon = today + timedelta(days=UPCOMING_DAYS)
    for step in steps:
        content = step.definition.shape.normalise(step.canvas.content)
        title = step.definition.title
        if content["decisions"]:
            decisions.append(Item(step.number, title, excerpt(content["decisions"])))
        if not _is_open(step):
            continue
        if content["risks"]:
            risks.append(Item(step.number, title, excerpt(content["risks"])))
        if content["open_questions"]:
            questions.append(Item(step.number, title, excerpt(content["open_questions"])))
        if step.due_date and step.due_date <= horizon:
            item = Item(step.number, title, "Finish this step", _owner(step), step.due_date)
            (overdue if step.due_date < today else upcoming).append(item)
        for row in content["actions"]:
            due = canvas_content.action_due(row)
            if due and due <= horizon:
                item = Item(step.number, title, excerpt(row["action"], 110), row["owner"], due)
                (overdue if due < today else upcoming).append(item)
    by_date = lambda item: (item.due, item.step)  # noqa: E731
    return Summary(
        progress=progress(step.status for step in steps),
        phases=grouped,
        overdue=Listing.of(sorted(overdue, key=by_date), LIMITS["overdue"]),
        risks=Listing.of(risks, LIMITS["risks"]),
        questions=Listing.of(questions, LIMITS["questions"]),
        decisions=Listing.of(decisions, LIMITS["decisions"]),
        upcoming=Listing.of(sorted(upcoming, key=by_date), LIMITS["upcoming"]),
        left_out=list(left_out),
    )
