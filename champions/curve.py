"""Where an organisation stands on the explore -> expand -> extract curve (no database).

Placed per data mesh principle from what the organisation has recorded: its journey steps,
the verdict of its latest readiness round, its milestones and its OKR progress. The rules are
the ones in docs/maturity-curve.md, and every placement carries the reasons that produced it,
so the page can say why the organisation is where it is. Change the two together.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

EXPLORE, EXPAND, EXTRACT = "explore", "expand", "extract"
PHASES: tuple[str, ...] = (EXPLORE, EXPAND, EXTRACT)
PHASE_LABELS = {EXPLORE: "Explore", EXPAND: "Expand", EXTRACT: "Extract"}

# (key, name, journey steps whose work builds this principle)
PRINCIPLES: tuple[tuple[str, str, tuple[int, ...]], ...] = (
    ("domain_ownership", "Domain ownership", (3, 10, 14, 16)),
    ("data_as_a_product", "Data as a product", (6, 7, 11, 15)),
    ("self_serve_platform", "Self-serve data platform", (9, 12, 13)),
    ("federated_governance", "Federated computational governance", (2, 4, 8, 17)),
)

DONE = "done"
NOT_APPLICABLE = "not_applicable"
# Expand: at least this share of the principle's steps done, one milestone done on them,
# and a readiness round that says "adopt".
EXPAND_STEPS = 0.5
# Extract: every step done, this share of the milestones done, and OKRs this far along.
EXTRACT_MILESTONES = 0.75
EXTRACT_OKR = 0.7
READINESS_TEXT = {
    "adopt": "The latest readiness round says to adopt now.",
    "wait": "The latest readiness round says to wait: some preconditions are still low.",
    "unknown": "The latest readiness round gives no verdict yet.",
    None: "No readiness round has answers yet.",
}
# Within its phase a principle sits this far along at most: the end of a phase is the
# start of the next, which only the rules can reach.
WITHIN_MAX = 0.9


@dataclass(frozen=True)
class Evidence:
    """What the organisation has recorded, as plain data."""

    # Journey step number -> status ("not_started", "in_progress", "done", "not_applicable").
    step_statuses: Mapping[int, str]
    # Status of the latest closed readiness round's verdict ("adopt", "wait", "unknown"),
    # None when there is none.
    readiness: str | None
    # (journey step number or None, done) per milestone.
    milestones: Sequence[tuple[int | None, bool]]
    # Mean progress (0..1) of the objectives of the latest period that has any; None if none.
    okr_progress: float | None


@dataclass(frozen=True)
class Placement:
    key: str
    name: str
    phase: str
    # 0..1 along the whole curve: explore is the first third, expand the second, extract the last.
    position: float
    reasons: tuple[str, ...]

    @property
    def phase_label(self) -> str:
        return PHASE_LABELS[self.phase]


@dataclass(frozen=True)
class CurvePosition:
    principles: tuple[Placement, ...]
    position: float

    @property
    def phase(self) -> str:
        return phase_at(self.position)

    @property
    def phase_label(self) -> str:
        return PHASE_LABELS[self.phase]


def phase_at(position: float) -> str:
    return PHASES[min(int(position * 3), 2)]


def _share(done: int, total: int) -> float:
    return done / total if total else 0.0


def _pct(share: float) -> str:
    return f"{round(share * 100)} %"


def place_principle(key: str, name: str, steps: Sequence[int], evidence: Evidence) -> Placement:
    applicable = [n for n in steps if evidence.step_statuses.get(n) != NOT_APPLICABLE]
    steps_done = sum(evidence.step_statuses.get(n) == DONE for n in applicable)
    step_share = _share(steps_done, len(applicable)) if applicable else 1.0
    mine = [done for number, done in evidence.milestones if number in steps]
    milestones_done = sum(mine)
    milestone_share = _share(milestones_done, len(mine))
    okr = evidence.okr_progress

    step_list = ", ".join(str(n) for n in steps)
    reasons = [
        f"{steps_done} of {len(applicable)} journey steps for this principle are done "
        f"(steps {step_list}).",
        f"{milestones_done} of {len(mine)} milestones on those steps are done."
        if mine
        else "No milestone is tied to those steps yet.",
    ]

    reasons.append(READINESS_TEXT.get(evidence.readiness, READINESS_TEXT[None]))

    expand_missing = []
    if step_share < EXPAND_STEPS:
        expand_missing.append(f"at least {_pct(EXPAND_STEPS)} of its steps done")
    if milestones_done < 1:
        expand_missing.append("one of its milestones done")
    if evidence.readiness != "adopt":
        expand_missing.append("a readiness round whose verdict is to adopt now")

    extract_missing = []
    if step_share < 1:
        extract_missing.append("all of its steps done")
    if not mine or milestone_share < EXTRACT_MILESTONES:
        extract_missing.append(f"{_pct(EXTRACT_MILESTONES)} of its milestones done")
    if okr is None or okr < EXTRACT_OKR:
        extract_missing.append(f"objectives at least {_pct(EXTRACT_OKR)} of the way")

    if expand_missing:
        phase = EXPLORE
        reasons.append("Still exploring: expanding needs " + "; ".join(expand_missing) + ".")
    elif extract_missing:
        phase = EXPAND
        reasons.append(
            "Expanding: enough steps and milestones are done and readiness says adopt. "
            "Extracting value needs " + "; ".join(extract_missing) + "."
        )
    else:
        phase = EXTRACT
        reasons.append(
            "Extracting value: every step is done, most milestones are met and objectives "
            f"are {_pct(okr or 0)} of the way."
        )
    # How far along its phase: the mean of the step and milestone shares.
    within = WITHIN_MAX * (step_share + milestone_share) / 2
    position = (PHASES.index(phase) + within) / 3
    return Placement(key=key, name=name, phase=phase, position=position, reasons=tuple(reasons))


def place(evidence: Evidence) -> CurvePosition:
    placements = tuple(
        place_principle(key, name, steps, evidence) for key, name, steps in PRINCIPLES
    )
    overall = sum(p.position for p in placements) / len(placements)
    return CurvePosition(principles=placements, position=overall)


# The S-curve: maturity over time, a logistic curve through (0.5, 0.5).
STEEPNESS = 10


def s_curve(x: float) -> float:
    low, high = (1 / (1 + math.exp(STEEPNESS * 0.5)), 1 / (1 + math.exp(-STEEPNESS * 0.5)))
    raw = 1 / (1 + math.exp(-STEEPNESS * (x - 0.5)))
    # Stretched to run exactly from (0, 0) to (1, 1).
    return (raw - low) / (high - low)
