"""Journey progress figures, from plain step statuses, and steps grouped by phase."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

DONE = "done"
IN_PROGRESS = "in_progress"
NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True)
class Progress:
    done: int
    in_progress: int
    not_applicable: int
    total: int

    @property
    def applicable(self) -> int:
        return self.total - self.not_applicable

    @property
    def not_started(self) -> int:
        return self.applicable - self.done - self.in_progress

    @property
    def percent(self) -> int:
        """Share of the applicable steps that are done; steps marked not applicable do not count."""
        if self.applicable == 0:
            return 100 if self.total else 0
        return round(100 * self.done / self.applicable)


def progress(statuses: Iterable[str]) -> Progress:
    statuses = list(statuses)
    return Progress(
        done=statuses.count(DONE),
        in_progress=statuses.count(IN_PROGRESS),
        not_applicable=statuses.count(NOT_APPLICABLE),
        total=len(statuses),
    )


def phases(steps: Iterable[Any]) -> list[dict]:
    """Steps in catalogue order grouped by phase: [{"number", "title", "steps"}], as the map
    and the PDF cover show them. A step needs `.definition.phase` and `.phase_title`."""
    grouped: list[dict] = []
    for step in steps:
        if not grouped or grouped[-1]["number"] != step.definition.phase:
            grouped.append(
                {"number": step.definition.phase, "title": step.definition.phase_title, "steps": []}
            )
        grouped[-1]["steps"].append(step)
    return grouped
