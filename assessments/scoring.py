"""Scoring of an assessment round: plain functions over plain data, no database, no Django.

An instrument is the dict of a data file such as `instruments/readiness.json`: a scale of
ordered levels (low, medium, high), a "don't know" answer outside the scale, a rule and the
axes. A response maps an axis key to an answer key; an axis missing from a response (or
answered with an empty value) was left unanswered.

Levels are ranked 1..N in the order of the scale (low=1, medium=2, high=3). Ranks, not the
scale's scores, drive the median, the spread and the comparison between rounds, so "two levels
apart" means the same whatever scores an instrument gives its levels.

The median of an even number of answers is the lower of the two middle answers. It never
rounds a split group up to a level that nobody in the middle chose, and it is the cautious
reading for a readiness verdict: [low, high] gives low, [medium, high] gives medium.
"""

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Direction = Literal["up", "down", "same", "new", "unknown"]

INSTRUMENTS_DIR = Path(__file__).parent / "instruments"
RULE_ALL_AT_LEAST = "all_at_least"
# Answers this far apart (in levels) on one axis count as a disagreement: low against high.
DISAGREEMENT_LEVELS = 2


@dataclass(frozen=True)
class AxisSummary:
    key: str
    name: str
    # Answers per level key, in the scale's order (every level present, zeros included).
    counts: dict[str, int]
    # Answers on the scale; "don't know" and unanswered are not counted here.
    answered: int
    dont_know: int
    unanswered: int
    # Level keys, None when nobody answered on the scale.
    median: str | None
    lowest: str | None
    highest: str | None
    # The same three as ranks 1..N on the scale, for charts and comparisons.
    median_rank: int | None
    lowest_rank: int | None
    highest_rank: int | None
    # highest_rank - lowest_rank, 0 when nobody answered.
    spread: int
    disagreement: bool


@dataclass(frozen=True)
class Verdict:
    adopt_now: bool
    # "adopt": every axis meets the rule; "wait": at least one axis is below it;
    # "unknown": no axis is below it, but nobody answered on some (or all) of them.
    status: Literal["adopt", "wait", "unknown"]
    rule_text: str
    threshold: str
    low_axes: tuple[AxisSummary, ...]
    unknown_axes: tuple[AxisSummary, ...]
    disagreements: tuple[AxisSummary, ...]
    headline: str


@dataclass(frozen=True)
class Movement:
    key: str
    name: str
    previous: str | None
    current: str | None
    # Levels moved (current - previous), None when either round has no median for the axis.
    change: int | None
    # "new": the earlier round has no median for this axis (absent, or nobody answered);
    # "unknown": this round has none.
    direction: Direction


def read_instrument(slug: str) -> dict:
    """The instrument's data file as shipped. The database keeps its own frozen copy; this is
    for loading it and for tests."""
    if not slug.replace("_", "").replace("-", "").isalnum():
        raise ValueError(f"{slug!r} is not an instrument name.")
    return json.loads((INSTRUMENTS_DIR / f"{slug}.json").read_text(encoding="utf-8"))


def level_keys(instrument: dict) -> list[str]:
    """The scale's level keys, lowest first."""
    return [level["key"] for level in instrument["scale"]]


def level_labels(instrument: dict) -> dict[str, str]:
    labels = {level["key"]: level["label"] for level in instrument["scale"]}
    labels[instrument["dont_know"]["key"]] = instrument["dont_know"]["label"]
    return labels


def axis_keys(instrument: dict) -> list[str]:
    return [axis["key"] for axis in instrument["axes"]]


def validate_answer(instrument: dict, axis_key: str, answer_key: str) -> None:
    """Raise ValueError unless the axis belongs to the instrument and the answer to its scale
    (or is "don't know")."""
    if axis_key not in axis_keys(instrument):
        raise ValueError(f"{axis_key!r} is not a question of this assessment.")
    allowed = [*level_keys(instrument), instrument["dont_know"]["key"]]
    if answer_key not in allowed:
        raise ValueError(f"{answer_key!r} is not one of the answers: {', '.join(allowed)}.")


def check_instrument(instrument: dict) -> None:
    """Raise ValueError when an instrument's data cannot be scored.

    Run on the data file by its tests and before a new instrument is loaded, so a typo fails
    there rather than on a results page.
    """
    for field in ("slug", "version", "name", "scale", "dont_know", "rule", "axes"):
        if field not in instrument:
            raise ValueError(f"The instrument has no {field!r}.")
    levels = level_keys(instrument)
    if len(levels) < 2 or len(set(levels)) != len(levels):
        raise ValueError("The scale needs at least two levels with distinct keys.")
    if instrument["dont_know"]["key"] in levels:
        raise ValueError('"Don\'t know" must not also be a level of the scale.')
    rule = instrument["rule"]
    if rule.get("kind") != RULE_ALL_AT_LEAST:
        raise ValueError(f"Unknown rule {rule.get('kind')!r}.")
    if rule.get("level") not in levels:
        raise ValueError(f"The rule names {rule.get('level')!r}, which is not a level.")
    if not str(rule.get("text") or "").strip():
        raise ValueError("The rule needs a text that explains it.")
    keys = axis_keys(instrument)
    if not keys or len(set(keys)) != len(keys):
        raise ValueError("The instrument needs axes with distinct keys.")
    for axis in instrument["axes"]:
        for field in ("name", "question", "explanation"):
            if not str(axis.get(field) or "").strip():
                raise ValueError(f"Axis {axis['key']!r} has no {field}.")
        if set(axis.get("levels", {})) != set(levels):
            raise ValueError(f"Axis {axis['key']!r} must describe each level: {levels}.")


def _median_rank(ranks: Sequence[int]) -> int:
    # Lower middle for an even count: see the module docstring.
    return sorted(ranks)[(len(ranks) - 1) // 2]


def _summarise_axis(instrument: dict, axis: dict, responses: Iterable[dict]) -> AxisSummary:
    levels = level_keys(instrument)
    dont_know_key = instrument["dont_know"]["key"]
    counts = dict.fromkeys(levels, 0)
    dont_know = unanswered = 0
    for response in responses:
        answer = response.get(axis["key"])
        if not answer:
            unanswered += 1
            continue
        validate_answer(instrument, axis["key"], answer)
        if answer == dont_know_key:
            dont_know += 1
        else:
            counts[answer] += 1
    ranks = [rank for rank, key in enumerate(levels, start=1) for _ in range(counts[key])]
    if ranks:
        median_rank, lowest_rank, highest_rank = _median_rank(ranks), min(ranks), max(ranks)
    else:
        median_rank = lowest_rank = highest_rank = None
    spread = highest_rank - lowest_rank if ranks else 0

    def key_of(rank: int | None) -> str | None:
        return levels[rank - 1] if rank is not None else None

    return AxisSummary(
        key=axis["key"],
        name=axis["name"],
        counts=counts,
        answered=len(ranks),
        dont_know=dont_know,
        unanswered=unanswered,
        median=key_of(median_rank),
        lowest=key_of(lowest_rank),
        highest=key_of(highest_rank),
        median_rank=median_rank,
        lowest_rank=lowest_rank,
        highest_rank=highest_rank,
        spread=spread,
        disagreement=spread >= DISAGREEMENT_LEVELS,
    )


def summarise(instrument: dict, responses: list[dict[str, str]]) -> list[AxisSummary]:
    """One summary per axis, in the instrument's order. Raises ValueError for an answer
    outside the scale (answers are validated when saved, so that means corrupt data)."""
    return [_summarise_axis(instrument, axis, responses) for axis in instrument["axes"]]


def _names(summaries: Sequence[AxisSummary]) -> str:
    names = [s.name for s in summaries]
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def verdict(instrument: dict, summaries: list[AxisSummary]) -> Verdict:
    """Apply the instrument's rule to a round's summaries and say why in one sentence."""
    rule = instrument["rule"]
    if rule["kind"] != RULE_ALL_AT_LEAST:
        raise ValueError(f"Unknown rule {rule['kind']!r}.")
    threshold = rule["level"]
    threshold_rank = level_keys(instrument).index(threshold) + 1
    labels = level_labels(instrument)
    low = tuple(
        s for s in summaries if s.median_rank is not None and s.median_rank < threshold_rank
    )
    unknown = tuple(s for s in summaries if s.median_rank is None)
    disagreements = tuple(s for s in summaries if s.disagreement)
    threshold_label = labels[threshold].lower()

    if low:
        status = "wait"
        headline = (
            f"Not ready to adopt yet: fix {_names(low)} first, "
            f"where the typical answer is below {threshold_label}."
        )
    elif not summaries or len(unknown) == len(summaries):
        status = "unknown"
        headline = "No verdict yet: nobody has answered any question on the scale."
    elif unknown:
        status = "unknown"
        headline = (
            f"No verdict yet: every answered axis is {threshold_label} or better, "
            f"but nobody could judge {_names(unknown)}."
        )
    else:
        status = "adopt"
        headline = (
            f"Ready to adopt now: the typical answer on every axis is {threshold_label} or better."
        )
    return Verdict(
        adopt_now=status == "adopt",
        status=status,
        rule_text=rule["text"],
        threshold=threshold,
        low_axes=low,
        unknown_axes=unknown,
        disagreements=disagreements,
        headline=headline,
    )


def compare(previous: list[AxisSummary], current: list[AxisSummary]) -> list[Movement]:
    """How each axis of the current round moved against the previous round, in levels."""
    before = {s.key: s for s in previous}
    movements = []
    for summary in current:
        old = before.get(summary.key)
        old_rank = old.median_rank if old else None
        change = None
        if summary.median_rank is None:
            direction: Direction = "unknown"
        elif old_rank is None:
            direction = "new"
        else:
            change = summary.median_rank - old_rank
            direction = "up" if change > 0 else "down" if change < 0 else "same"
        movements.append(
            Movement(
                key=summary.key,
                name=summary.name,
                previous=old.median if old else None,
                current=summary.median,
                change=change,
                direction=direction,
            )
        )
    return movements
