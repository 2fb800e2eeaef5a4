"""Use-case scoring: seven criteria scored 0-5, summed out of 35, over one or more scorers.

Every criterion reads "higher is better". Effort is the exception people trip on, so it is
entered on an inverted scale (5 = the least effort, 0 = the most) and summed as entered: the
worked example in the domain notes ("HCP 360 dashboard" 5,4,4,3,4,5,5) comes out 30.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

SCORE_MIN = 0
SCORE_MAX = 5
# Scorers whose scores on one criterion are this far apart disagree on it.
DISAGREEMENT_POINTS = 2

# (key, label, question the scorer answers)
CRITERIA: tuple[tuple[str, str, str], ...] = (
    ("business_value", "Business value", "How much is it worth to the business?"),
    ("time_criticality", "Time criticality", "How much does waiting cost?"),
    (
        "risk_reduction",
        "Risk reduction or opportunity",
        "How much risk does it remove, or what does it open up?",
    ),
    ("reach", "Reach", "How many people does it serve?"),
    ("impact", "Impact", "How much does it change for each of them?"),
    ("confidence", "Confidence", "How sure are we of the numbers above?"),
    ("effort", "Effort (inverted)", "5 = very little effort, 0 = a very large effort."),
)
CRITERION_KEYS: tuple[str, ...] = tuple(key for key, _, _ in CRITERIA)
TOTAL_MAX = SCORE_MAX * len(CRITERIA)


class InvalidScore(ValueError):
    def __init__(self, criterion: str, message: str) -> None:
        super().__init__(message)
        self.criterion = criterion


def check_scores(scores: Mapping[str, int]) -> None:
    """Raise InvalidScore for a missing, unknown or out-of-range criterion."""
    for key in scores:
        if key not in CRITERION_KEYS:
            raise InvalidScore(key, f"Unknown criterion {key!r}.")
    for key in CRITERION_KEYS:
        if key not in scores or scores[key] is None:
            raise InvalidScore(key, "Give a score from 0 to 5.")
        value = scores[key]
        if int(value) != value or not SCORE_MIN <= value <= SCORE_MAX:
            raise InvalidScore(key, "Scores run from 0 to 5 in whole points.")


def total(scores: Mapping[str, int]) -> int:
    check_scores(scores)
    return sum(int(scores[key]) for key in CRITERION_KEYS)


@dataclass(frozen=True)
class Aggregate:
    scorers: int
    # Mean total over the scorers, None when nobody scored.
    average: float | None
    lowest: int | None
    highest: int | None
    # Mean per criterion, in CRITERIA order.
    criteria: tuple[float | None, ...]
    # Criteria (keys) on which scorers are DISAGREEMENT_POINTS or more apart.
    disputed: tuple[str, ...]

    @property
    def spread(self) -> int:
        """Points between the lowest and the highest total."""
        return 0 if self.lowest is None else self.highest - self.lowest

    @property
    def disagreement(self) -> bool:
        return bool(self.disputed)


def aggregate(score_sets: Sequence[Mapping[str, int]]) -> Aggregate:
    if not score_sets:
        return Aggregate(0, None, None, None, (None,) * len(CRITERIA), ())
    totals = [total(scores) for scores in score_sets]
    criteria = []
    disputed = []
    for key in CRITERION_KEYS:
        values = [int(scores[key]) for scores in score_sets]
        criteria.append(sum(values) / len(values))
        if max(values) - min(values) >= DISAGREEMENT_POINTS:
            disputed.append(key)
    return Aggregate(
        scorers=len(totals),
        average=sum(totals) / len(totals),
        lowest=min(totals),
        highest=max(totals),
        criteria=tuple(criteria),
        disputed=tuple(disputed),
    )


def rank_key(name: str, result: Aggregate) -> tuple:
    """Sort key: highest average first, unscored last, then by name."""
    return (result.average is None, -(result.average or 0), name.lower())
