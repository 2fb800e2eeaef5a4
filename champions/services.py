"""Writes for the champions' tools. Each takes the actor and checks the version the writer
started from (kernel.versioned), so two champions never silently overwrite each other.

Input has been validated by the forms (champions.forms); the services re-check the domain
rules that would corrupt data if broken and raise ValueError, which is a programming error.
"""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from journey.models import StepDefinition
from kernel.versioned import Conflict, lock_at_version, versioned_update
from organisations.access import Actor
from organisations.models import Organisation, User

from . import lvt, okr, selectors, usecases
from .models import (
    CheckIn,
    CurveSnapshot,
    KeyResult,
    KeyResultRevision,
    LvtNode,
    Milestone,
    Objective,
    RoiMeasure,
    RoiMeasurement,
    UseCase,
    UseCaseScore,
)

__all__ = ["Conflict"]


def curve_record(*, organisation: Organisation, today: date | None = None) -> CurveSnapshot:
    """Keep today's position on the maturity curve (one point per day, the latest wins)."""
    today = today or timezone.localdate()
    position = selectors.curve_position(organisation=organisation, today=today)
    snapshot, _ = CurveSnapshot.objects.update_or_create(
        organisation=organisation,
        taken_on=today,
        defaults={
            "position": position.position,
            "principles": {p.key: p.position for p in position.principles},
        },
    )
    return snapshot


def _after_commit_record(organisation: Organisation) -> None:
    transaction.on_commit(lambda: curve_record(organisation=organisation))


# Milestones


def _check_milestone(status: str, evidence: str) -> None:
    if status == Milestone.Status.DONE and not evidence.strip():
        raise ValueError("A done milestone needs its evidence.")


def milestone_create(
    *,
    organisation: Organisation,
    actor: Actor,
    title: str,
    target_date: date,
    owner: User | None = None,
    step: StepDefinition | None = None,
    status: str = Milestone.Status.PLANNED,
    evidence: str = "",
) -> Milestone:
    _check_milestone(status, evidence)
    milestone = Milestone.objects.create(
        organisation=organisation,
        title=title.strip(),
        target_date=target_date,
        owner=owner,
        step=step,
        status=status,
        evidence=evidence.strip(),
        done_on=timezone.localdate() if status == Milestone.Status.DONE else None,
    )
    _after_commit_record(organisation)
    return milestone


def milestone_update(
    *,
    milestone: Milestone,
    actor: Actor,
    base_version: int,
    title: str,
    target_date: date,
    owner: User | None,
    step: StepDefinition | None,
    status: str,
    evidence: str,
) -> Milestone:
    _check_milestone(status, evidence)
    if status != Milestone.Status.DONE:
        done_on = None
    else:
        done_on = milestone.done_on if milestone.status == status else timezone.localdate()
    milestone = versioned_update(
        milestone,
        base_version=base_version,
        reload=Milestone.objects.select_related("owner", "step"),
        title=title.strip(),
        target_date=target_date,
        owner=owner,
        step=step,
        status=status,
        evidence=evidence.strip(),
        done_on=done_on,
        updated_at=timezone.now(),
    )
    _after_commit_record(milestone.organisation)
    return milestone


# Lean Value Tree


def lvt_node_add(
    *,
    organisation: Organisation,
    actor: Actor,
    parent: LvtNode | None,
    title: str,
    measures: str = "",
) -> LvtNode:
    if parent is not None and parent.organisation_id != organisation.pk:
        raise ValueError("The parent belongs to another organisation.")
    tier = lvt.child_tier(parent.tier if parent else None)
    if tier == lvt.VISION and LvtNode.objects.filter(organisation=organisation, tier=tier).exists():
        raise lvt.InvalidTree("The tree already has its vision; add goals under it.")
    return LvtNode.objects.create(
        organisation=organisation, parent=parent, tier=tier, title=title.strip(), measures=measures
    )


def lvt_node_update(
    *,
    node: LvtNode,
    actor: Actor,
    base_version: int,
    title: str,
    measures: str,
    status: str,
    parent: LvtNode | None,
) -> LvtNode:
    """Change a node, or move it under another parent; raises InvalidTree for a loop or a
    parent of the wrong tier."""
    if parent is not None and parent.organisation_id != node.organisation_id:
        raise ValueError("The parent belongs to another organisation.")
    if parent != node.parent:
        rows = LvtNode.objects.filter(organisation=node.organisation_id).values_list(
            "pk", "tier", "parent_id"
        )
        lvt.check_move(
            node=node.pk,
            tier=node.tier,
            new_parent=parent.pk if parent else None,
            tiers={pk: tier for pk, tier, _ in rows},
            parents={pk: parent_id for pk, _, parent_id in rows},
        )
    if node.tier != LvtNode.Tier.BET:
        status = LvtNode.Status.OPEN
    return versioned_update(
        node,
        base_version=base_version,
        title=title.strip(),
        measures=measures.strip(),
        status=status,
        parent=parent,
    )


# Objectives and key results


def objective_create(
    *,
    organisation: Organisation,
    actor: Actor,
    title: str,
    period_start: date,
    period_end: date,
    lvt_node: LvtNode | None = None,
    owner: User | None = None,
) -> Objective:
    if period_end < period_start:
        raise ValueError("The period ends before it starts.")
    if lvt_node is not None and lvt_node.organisation_id != organisation.pk:
        raise ValueError("The tree node belongs to another organisation.")
    objective = Objective.objects.create(
        organisation=organisation,
        title=title.strip(),
        period_start=period_start,
        period_end=period_end,
        lvt_node=lvt_node,
        owner=owner or actor.user,
    )
    _after_commit_record(organisation)
    return objective


def objective_update(
    *,
    objective: Objective,
    actor: Actor,
    base_version: int,
    title: str,
    period_start: date,
    period_end: date,
    lvt_node: LvtNode | None,
    owner: User | None,
) -> Objective:
    if period_end < period_start:
        raise ValueError("The period ends before it starts.")
    objective = versioned_update(
        objective,
        base_version=base_version,
        title=title.strip(),
        period_start=period_start,
        period_end=period_end,
        lvt_node=lvt_node,
        owner=owner,
    )
    _after_commit_record(objective.organisation)
    return objective


def _check_key_result(kind: str, baseline, target, direction: str, weight: int) -> None:
    if kind == okr.NUMERIC:
        if baseline is None or target is None:
            raise ValueError("A numeric key result needs a baseline and a target.")
        okr.check_numeric(baseline=baseline, target=target, direction=direction)
    elif kind != okr.GRADED:
        raise ValueError(f"Unknown kind {kind!r}.")
    if weight < 1:
        raise ValueError("A weight is at least 1.")


def key_result_add(
    *,
    objective: Objective,
    actor: Actor,
    title: str,
    kind: str,
    unit: str = "",
    baseline: Decimal | None = None,
    target: Decimal | None = None,
    direction: str = okr.INCREASE,
    weight: int = 1,
) -> KeyResult:
    _check_key_result(kind, baseline, target, direction, weight)
    numeric = kind == okr.NUMERIC
    key_result = KeyResult.objects.create(
        objective=objective,
        title=title.strip(),
        kind=kind,
        unit=unit.strip() if numeric else "",
        baseline=baseline if numeric else None,
        target=target if numeric else None,
        direction=direction if numeric else okr.INCREASE,
        weight=weight,
    )
    _after_commit_record(objective.organisation)
    return key_result


def _snapshot(key_result: KeyResult) -> dict:
    return {
        "title": key_result.title,
        "kind": key_result.kind,
        "unit": key_result.unit,
        "baseline": None if key_result.baseline is None else str(key_result.baseline),
        "target": None if key_result.target is None else str(key_result.target),
        "direction": key_result.direction,
        "weight": key_result.weight,
    }


@transaction.atomic
def key_result_update(
    *,
    key_result: KeyResult,
    actor: Actor,
    base_version: int,
    title: str,
    unit: str,
    baseline: Decimal | None,
    target: Decimal | None,
    direction: str,
    weight: int,
) -> KeyResult:
    """Change a key result's definition, even after its period, keeping what it was before.

    The kind stays: check-ins recorded as grades cannot be read as numbers, or back.
    """
    current = lock_at_version(KeyResult.objects, pk=key_result.pk, base_version=base_version)
    _check_key_result(current.kind, baseline, target, direction, weight)
    KeyResultRevision.objects.create(
        key_result=current,
        version=current.version,
        snapshot=_snapshot(current),
        author=actor.user,
        author_name=actor.display_name,
    )
    numeric = current.kind == okr.NUMERIC
    current.title = title.strip()
    current.unit = unit.strip() if numeric else ""
    current.baseline = baseline if numeric else None
    current.target = target if numeric else None
    current.direction = direction if numeric else okr.INCREASE
    current.weight = weight
    current.version += 1
    current.save(
        update_fields=["title", "unit", "baseline", "target", "direction", "weight", "version"]
    )
    _after_commit_record(current.objective.organisation)
    return current


def check_in_add(
    *,
    key_result: KeyResult,
    actor: Actor,
    confidence: int,
    value: Decimal | None = None,
    grade: str = "",
    what_changed: str = "",
    what_next: str = "",
) -> CheckIn:
    okr.check_confidence(confidence)
    if key_result.is_numeric:
        if value is None:
            raise ValueError("A numeric key result is checked in with a value.")
        grade = ""
    else:
        if grade not in okr.GRADES:
            raise ValueError("A graded key result is checked in with a grade.")
        value = None
    check_in = CheckIn.objects.create(
        key_result=key_result,
        value=value,
        grade=grade,
        confidence=confidence,
        what_changed=what_changed.strip(),
        what_next=what_next.strip(),
        author=actor.user,
        author_name=actor.display_name,
    )
    _after_commit_record(key_result.objective.organisation)
    return check_in


# Use cases


# Text a use case keeps, with the longest each may be (the model's columns; the forms say so
# by the field, this keeps PostgreSQL and SQLite alike when a caller forgets).
_USE_CASE_TEXT = ("title", "as_a", "i_want", "so_that", "intended_value", "how_measured")


def _use_case_values(*, organisation_id: int, bet: LvtNode | None, **text: str) -> dict:
    """The fields to write, stripped; ValueError for a bet elsewhere or text that does not fit.

    Who wants it and what for may be empty (a workshop note gives only what is wanted); its
    name and what is wanted may not.
    """
    if bet is not None and (bet.organisation_id != organisation_id or bet.tier != lvt.BET):
        raise ValueError("A use case serves a bet of this organisation's tree.")
    values = {name: text[name].strip() for name in _USE_CASE_TEXT}
    for name in ("title", "i_want"):
        if not values[name]:
            raise ValueError(f"A use case needs its {name}.")
    for name, value in values.items():
        limit = UseCase._meta.get_field(name).max_length
        if limit is not None and len(value) > limit:
            raise ValueError(f"A use case's {name} is at most {limit} characters.")
    return {**values, "bet": bet}


def use_case_create(
    *,
    organisation: Organisation,
    actor: Actor,
    title: str,
    as_a: str,
    i_want: str,
    so_that: str,
    intended_value: str = "",
    how_measured: str = "",
    bet: LvtNode | None = None,
) -> UseCase:
    return UseCase.objects.create(
        organisation=organisation,
        **_use_case_values(
            organisation_id=organisation.pk,
            bet=bet,
            title=title,
            as_a=as_a,
            i_want=i_want,
            so_that=so_that,
            intended_value=intended_value,
            how_measured=how_measured,
        ),
    )


def use_case_update(
    *,
    use_case: UseCase,
    actor: Actor,
    base_version: int,
    title: str,
    as_a: str,
    i_want: str,
    so_that: str,
    intended_value: str,
    how_measured: str,
    bet: LvtNode | None,
) -> UseCase:
    """Complete or correct a use case; its scores stay (they rate the idea, not its wording).

    Raises Conflict holding the use case as saved meanwhile when it is past `base_version`.
    """
    values = _use_case_values(
        organisation_id=use_case.organisation_id,
        bet=bet,
        title=title,
        as_a=as_a,
        i_want=i_want,
        so_that=so_that,
        intended_value=intended_value,
        how_measured=how_measured,
    )
    return versioned_update(
        use_case,
        base_version=base_version,
        reload=UseCase.objects.select_related("bet"),
        **values,
    )


def use_case_score(*, use_case: UseCase, actor: Actor, scores: dict[str, int]) -> UseCaseScore:
    """Record the actor's scores for a use case, replacing their earlier ones."""
    total = usecases.total(scores)
    score, _ = UseCaseScore.objects.update_or_create(
        use_case=use_case,
        scorer=actor.user,
        defaults={
            "scorer_name": actor.display_name,
            "scores": {key: int(scores[key]) for key in usecases.CRITERION_KEYS},
            "total": total,
            "updated_at": timezone.now(),
        },
    )
    return score


# ROI


def roi_measure_add(
    *,
    organisation: Organisation,
    actor: Actor,
    name: str,
    kind: str,
    unit: str,
    how_measured: str = "",
) -> RoiMeasure:
    if kind not in RoiMeasure.Kind.values:
        raise ValueError(f"Unknown kind {kind!r}.")
    return RoiMeasure.objects.create(
        organisation=organisation,
        name=name.strip(),
        kind=kind,
        unit=unit.strip(),
        how_measured=how_measured.strip(),
    )


def roi_measurement_record(
    *, measure: RoiMeasure, actor: Actor, period_end: date, amount: Decimal, note: str = ""
) -> RoiMeasurement:
    """What the measure amounted to in the period ending `period_end`; recording the same
    period again corrects it."""
    if amount < 0:
        raise ValueError("Amounts are not negative; record costs as costs.")
    measurement, _ = RoiMeasurement.objects.update_or_create(
        measure=measure,
        period_end=period_end,
        defaults={"amount": amount, "note": note.strip(), "author_name": actor.display_name},
    )
    return measurement
