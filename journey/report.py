"""The journey's section of the executive maturity report (kernel.sections, "maturity").

What an executive reads about the journey on one page: progress by phase, the risks and
assumptions the canvases still carry, and the next due dates. Registered in JourneyConfig.ready().
"""

from datetime import date, timedelta

from django.utils import timezone

from organisations.models import Organisation

from . import canvas as canvas_content
from .models import JourneyStep
from .progress import phases, progress
from .selectors import journey_steps

# An excerpt long enough to carry the point of a risk, short enough for one report page.
EXCERPT = 320
UPCOMING_DAYS = 60


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1].rsplit(" ", 1)[0] + "…"


def _open(step: JourneyStep) -> bool:
    return step.status not in (JourneyStep.Status.DONE, JourneyStep.Status.NOT_APPLICABLE)


def maturity_section(organisation: Organisation, *, today: date | None = None) -> dict:
    today = today or timezone.localdate()
    steps = list(journey_steps(organisation))
    grouped = phases(steps)
    for phase in grouped:
        phase["progress"] = progress(step.status for step in phase["steps"])
    concerns = []
    overdue = 0
    for step in steps:
        content = step.canvas.content or {}
        if _open(step):
            overdue += len(canvas_content.overdue_actions(content, today))
            for key, label in (("risks", "Risk"), ("assumptions", "Assumption")):
                if text := str(content.get(key) or "").strip():
                    concerns.append({"step": step, "kind": label, "text": _excerpt(text)})
    horizon = today + timedelta(days=UPCOMING_DAYS)
    upcoming = sorted(
        (s for s in steps if _open(s) and s.due_date and s.due_date <= horizon),
        key=lambda s: s.due_date,
    )
    return {
        "journey_progress": progress(step.status for step in steps),
        "journey_phases": grouped,
        "concerns": concerns,
        "overdue_actions": overdue,
        "upcoming_steps": upcoming,
        "today": today,
    }
