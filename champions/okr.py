"""Key results and objectives as plain numbers: progress, roll-up and at-risk (no database).

A numeric key result moves from its baseline towards its target, up or down; a graded one is
judged on the four grades. Progress is a share of the way from baseline to target, capped at
0..1 so that one key result far past its target cannot hide another one's shortfall in the
objective's roll-up. The rules are written out for people in docs/maturity-curve.md.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

INCREASE = "increase"
DECREASE = "decrease"
NUMERIC = "numeric"
GRADED = "graded"

# Grade -> progress. Stretch counts no more than target, like a numeric result past its target.
GRADES: dict[str, float] = {"fail": 0.0, "commit": 0.5, "target": 1.0, "stretch": 1.0}
GRADE_LABELS: dict[str, str] = {
    "fail": "Fail",
    "commit": "Commit",
    "target": "Target",
    "stretch": "Stretch",
}

CONFIDENCE_MIN = 0
CONFIDENCE_MAX = 10
# Confidence below this (out of 10) puts a key result at risk.
LOW_CONFIDENCE = 5
# A key result more than this far behind the straight line from start to end is at risk.
BEHIND_TOLERANCE = 0.1

Number = float | int | Decimal


class InvalidKeyResult(ValueError):
    """Baseline, target and direction that do not describe a movement."""


def check_numeric(*, baseline: Number, target: Number, direction: str) -> None:
    """Raise InvalidKeyResult unless the target lies in `direction` from the baseline."""
    if direction not in (INCREASE, DECREASE):
        raise InvalidKeyResult(f"Unknown direction {direction!r}.")
    if target == baseline:
        raise InvalidKeyResult("The target must differ from the baseline, or nothing can move.")
    if direction == INCREASE and target < baseline:
        raise InvalidKeyResult("To increase, the target must be above the baseline.")
    if direction == DECREASE and target > baseline:
        raise InvalidKeyResult("To decrease, the target must be below the baseline.")


def numeric_progress(
    *, baseline: Number, target: Number, direction: str, value: Number | None
) -> float:
    """Share of the way from baseline to target, 0..1; no value yet is 0."""
    check_numeric(baseline=baseline, target=target, direction=direction)
    if value is None:
        return 0.0
    share = (float(value) - float(baseline)) / (float(target) - float(baseline))
    return min(max(share, 0.0), 1.0)


def graded_progress(grade: str | None) -> float:
    if grade is None or grade == "":
        return 0.0
    if grade not in GRADES:
        raise ValueError(f"Unknown grade {grade!r}.")
    return GRADES[grade]


def objective_progress(results: Sequence[tuple[float, Number]]) -> float | None:
    """Weighted mean of (progress, weight) pairs; None without any weight to average."""
    total_weight = sum(float(weight) for _, weight in results)
    if total_weight <= 0:
        return None
    return sum(progress * float(weight) for progress, weight in results) / total_weight


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    label: str

    @property
    def key(self) -> str:
        """ "2026-Q4": how a quarter is named in a URL."""
        return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"


def quarter_of(day: date) -> Period:
    """The calendar quarter `day` falls in: objectives are set per quarter by default."""
    quarter = (day.month - 1) // 3
    start = date(day.year, quarter * 3 + 1, 1)
    next_start = date(day.year + (quarter == 3), (quarter * 3 + 3) % 12 + 1, 1)
    return Period(
        start=start, end=next_start - timedelta(days=1), label=f"{day.year} Q{quarter + 1}"
    )


def expected_progress(*, start: date, end: date, today: date) -> float:
    """Where a key result would be on the straight line from 0 at `start` to 1 at `end`."""
    if end <= start:
        return 1.0 if today >= end else 0.0
    elapsed = (today - start).days / (end - start).days
    return min(max(elapsed, 0.0), 1.0)


@dataclass(frozen=True)
class Risk:
    at_risk: bool
    reasons: tuple[str, ...]
    expected: float


def risk(*, progress: float, confidence: int | None, start: date, end: date, today: date) -> Risk:
    """At risk when the latest confidence is low or progress is behind the straight line."""
    expected = expected_progress(start=start, end=end, today=today)
    reasons = []
    if confidence is not None and confidence < LOW_CONFIDENCE:
        reasons.append(f"confidence is {confidence} out of 10 (below {LOW_CONFIDENCE})")
    if progress < expected - BEHIND_TOLERANCE:
        reasons.append(
            f"{round(progress * 100)} % done where the straight line expects "
            f"{round(expected * 100)} %"
        )
    return Risk(at_risk=bool(reasons), reasons=tuple(reasons), expected=expected)


def check_confidence(confidence: int) -> None:
    if not CONFIDENCE_MIN <= confidence <= CONFIDENCE_MAX:
        raise ValueError(f"Confidence runs from {CONFIDENCE_MIN} to {CONFIDENCE_MAX}.")


def percent(share: float | None) -> int | None:
    return None if share is None else round(share * 100)
