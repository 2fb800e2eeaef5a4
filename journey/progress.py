"""Journey progress figures, from plain step statuses, and steps grouped by phase."""

from collections.abc import Callable, Iterable
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


def _definition_phase(step: Any) -> tuple[int, str]:
    return step.definition.phase, step.definition.phase_title


def phases(
    steps: Iterable[Any], *, phase_of: Callable[[Any], tuple[int, str]] = _definition_phase
) -> list[dict]:
    """Steps in catalogue order grouped by phase: [{"number", "title", "steps"}], as the map
    and the PDF cover show them. `phase_of` gives a step's phase number and title; by default
    a step needs `.definition.phase` and `.definition.phase_title`."""
    grouped: list[dict] = []
    for step in steps:
        number, title = phase_of(step)
        if not grouped or grouped[-1]["number"] != number:
            grouped.append({"number": number, "title": title, "steps": []})
        grouped[-1]["steps"].append(step)
    return grouped
