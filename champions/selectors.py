"""Reads for the champions' tools, in a number of queries that does not grow with the data.

Selectors only read and raise domain errors (`LookupError` subclasses via Django's
`DoesNotExist`), never Http404: the views decide what a missing object means.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone

from assessments import scoring
from assessments.models import Response, Round
from journey.models import JourneyStep
from organisations.models import Organisation
from workshops.models import Note

from . import curve, okr, usecases
from .models import (
    CheckIn,
    CurveSnapshot,
    KeyResult,
    LvtNode,
    Milestone,
    Objective,
    RoiMeasure,
    RoiMeasurement,
    UseCase,
    UseCaseScore,
)

UPCOMING_DAYS = 30
OPEN_MILESTONES = (Milestone.Status.PLANNED, Milestone.Status.IN_PROGRESS)


# Milestones


def milestones(*, organisation: Organisation) -> QuerySet[Milestone]:
    return Milestone.objects.filter(organisation=organisation).select_related("owner", "step")


def milestone_get(*, organisation: Organisation, milestone_id: int) -> Milestone:
    return milestones(organisation=organisation).get(pk=milestone_id)


@dataclass(frozen=True)
class MilestoneBoard:
    upcoming: list[Milestone]
    overdue: list[Milestone]


def milestone_board(*, organisation: Organisation, today: date) -> MilestoneBoard:
    """Open milestones due within UPCOMING_DAYS, and those past their date (two queries)."""
    open_ones = milestones(organisation=organisation).filter(status__in=OPEN_MILESTONES)
    return MilestoneBoard(
        upcoming=list(
            open_ones.filter(
                target_date__gte=today, target_date__lte=today + timedelta(days=UPCOMING_DAYS)
            )[:10]
        ),
        overdue=list(open_ones.filter(target_date__lt=today)[:20]),
    )


# Objectives and key results


def _latest(field_name: str) -> Subquery:
    return Subquery(
        CheckIn.objects.filter(key_result=OuterRef("pk"))
        .order_by("-created_at", "-pk")
        .values(field_name)[:1]
    )


def key_results_with_latest() -> QuerySet[KeyResult]:
    """Key results with their latest check-in's value, grade and confidence as annotations."""
    return KeyResult.objects.annotate(
        latest_value=_latest("value"),
        latest_grade=_latest("grade"),
        latest_confidence=_latest("confidence"),
    ).order_by("created_at", "pk")


@dataclass
class KeyResultStatus:
    key_result: KeyResult
    progress: float
    risk: okr.Risk
    value: object = None
    grade: str = ""
    confidence: int | None = None

    @property
    def percent(self) -> int:
        return round(self.progress * 100)

    @property
    def grade_label(self) -> str:
        return okr.GRADE_LABELS.get(self.grade, "")


@dataclass
class ObjectiveStatus:
    objective: Objective
    key_results: list[KeyResultStatus] = field(default_factory=list)
    progress: float | None = None

    @property
    def percent(self) -> int | None:
        return okr.percent(self.progress)

    @property
    def at_risk(self) -> bool:
        return any(kr.risk.at_risk for kr in self.key_results)

    @property
    def lowest_confidence(self) -> int | None:
        values = [kr.confidence for kr in self.key_results if kr.confidence is not None]
        return min(values) if values else None


def key_result_status(key_result: KeyResult, objective: Objective, today: date) -> KeyResultStatus:
    """Progress and risk of a key result annotated by `key_results_with_latest`."""
    value = key_result.latest_value
    grade = key_result.latest_grade or ""
    confidence = key_result.latest_confidence
    if key_result.is_numeric:
        progress = okr.numeric_progress(
            baseline=key_result.baseline,
            target=key_result.target,
            direction=key_result.direction,
            value=value,
        )
    else:
        progress = okr.graded_progress(grade)
    return KeyResultStatus(
        key_result=key_result,
        progress=progress,
        risk=okr.risk(
            progress=progress,
            confidence=confidence,
            start=objective.period_start,
            end=objective.period_end,
            today=today,
        ),
        value=value,
        grade=grade,
        confidence=confidence,
    )


def objective_status(objective: Objective, today: date) -> ObjectiveStatus:
    """Needs `objective.key_results` prefetched with `key_results_with_latest`."""
    statuses = [key_result_status(kr, objective, today) for kr in objective.key_results.all()]
    return ObjectiveStatus(
        objective=objective,
        key_results=statuses,
        progress=okr.objective_progress([(s.progress, s.key_result.weight) for s in statuses]),
    )


def objectives(*, organisation: Organisation) -> QuerySet[Objective]:
    return (
        Objective.objects.filter(organisation=organisation)
        .select_related("lvt_node", "owner")
        .prefetch_related(Prefetch("key_results", queryset=key_results_with_latest()))
    )


def objective_get(*, organisation: Organisation, objective_id: int) -> Objective:
    """One objective with its key results and their earlier versions."""
    return (
        objectives(organisation=organisation)
        .prefetch_related("key_results__revisions")
        .get(pk=objective_id)
    )


def key_result_get(*, organisation: Organisation, key_result_id: int) -> KeyResult:
    return (
        key_results_with_latest()
        .select_related("objective")
        .get(pk=key_result_id, objective__organisation=organisation)
    )


def period_overview(
    *, organisation: Organisation, period: okr.Period, today: date
) -> list[ObjectiveStatus]:
    """Every objective whose period overlaps `period`, with progress and risk (two queries)."""
    chosen = objectives(organisation=organisation).filter(
        period_start__lte=period.end, period_end__gte=period.start
    )
    return [objective_status(o, today) for o in chosen.order_by("period_start", "title", "pk")]


def periods(*, organisation: Organisation, today: date) -> list[okr.Period]:
    """The quarters that have objectives, newest first, always with the current one."""
    starts = Objective.objects.filter(organisation=organisation).values_list(
        "period_start", flat=True
    )
    found = {okr.quarter_of(start) for start in starts.distinct()}
    found.add(okr.quarter_of(today))
    return sorted(found, key=lambda p: p.start, reverse=True)


def check_ins(*, key_result: KeyResult) -> QuerySet[CheckIn]:
    return key_result.check_ins.select_related("author").order_by("created_at", "pk")


def check_ins_of(*, objective: Objective) -> dict[int, list[CheckIn]]:
    """Every check-in of the objective's key results, oldest first, by key result id."""
    grouped: dict[int, list[CheckIn]] = {}
    for check_in in CheckIn.objects.filter(key_result__objective=objective).order_by(
        "created_at", "pk"
    ):
        grouped.setdefault(check_in.key_result_id, []).append(check_in)
    return grouped


# Lean Value Tree


def lvt_nodes(*, organisation: Organisation) -> list[LvtNode]:
    return list(
        LvtNode.objects.filter(organisation=organisation).annotate(
            objective_count=Count("objectives", distinct=True),
            use_case_count=Count("use_cases", distinct=True),
        )
    )


@dataclass
class TreeNode:
    node: LvtNode
    children: list["TreeNode"] = field(default_factory=list)


def lvt_tree(nodes: list[LvtNode]) -> list[TreeNode]:
    """Nodes as nested TreeNodes, roots first, in creation order."""
    wrapped = {n.pk: TreeNode(n) for n in nodes}
    roots = []
    for node in nodes:
        parent = wrapped.get(node.parent_id)
        (parent.children if parent else roots).append(wrapped[node.pk])
    return roots


def lvt_node_get(*, organisation: Organisation, node_id: int) -> LvtNode:
    return LvtNode.objects.select_related("parent").get(organisation=organisation, pk=node_id)


# Use cases


@dataclass
class RankedUseCase:
    use_case: UseCase
    result: usecases.Aggregate
    mine: dict[str, int] | None
    scorers: list[UseCaseScore]

    @property
    def disputed_labels(self) -> list[str]:
        labels = {key: label for key, label, _ in usecases.CRITERIA}
        return [labels[key] for key in self.result.disputed]


def use_cases_ranked(*, organisation: Organisation, user) -> list[RankedUseCase]:
    """Use cases with the average and disagreement of their scores, best first (two queries)."""
    found = (
        UseCase.objects.filter(organisation=organisation)
        .select_related("bet")
        .prefetch_related(
            Prefetch("scores", queryset=UseCaseScore.objects.order_by("scorer_name", "pk"))
        )
    )
    ranked = []
    for use_case in found:
        scores = list(use_case.scores.all())
        mine = next((s.scores for s in scores if user and s.scorer_id == user.pk), None)
        ranked.append(
            RankedUseCase(
                use_case=use_case,
                result=usecases.aggregate([s.scores for s in scores]),
                mine=mine,
                scorers=scores,
            )
        )
    ranked.sort(key=lambda r: usecases.rank_key(r.use_case.title, r.result))
    return ranked


def use_case_get(*, organisation: Organisation, use_case_id: int) -> UseCase:
    return UseCase.objects.get(organisation=organisation, pk=use_case_id)


# ROI


def roi_measures(*, organisation: Organisation) -> list[RoiMeasure]:
    return list(
        RoiMeasure.objects.filter(organisation=organisation).prefetch_related(
            Prefetch("measurements", queryset=RoiMeasurement.objects.order_by("period_end"))
        )
    )


def roi_measure_get(*, organisation: Organisation, measure_id: int) -> RoiMeasure:
    return RoiMeasure.objects.get(organisation=organisation, pk=measure_id)


# Maturity curve


def readiness_status(*, organisation: Organisation) -> str | None:
    """Verdict of the latest readiness round with answers: "adopt", "wait", "unknown"."""
    latest = (
        Round.objects.filter(organisation=organisation, respondents__response__isnull=False)
        .select_related("instrument")
        .order_by("-created", "-pk")
        .first()
    )
    if latest is None:
        return None
    definition = latest.instrument.definition
    answers = list(
        Response.objects.filter(respondent__round=latest).values_list("answers", flat=True)
    )
    return scoring.verdict(definition, scoring.summarise(definition, answers)).status


def okr_progress(
    *,
    organisation: Organisation,
    today: date,
    known: tuple[okr.Period, list[ObjectiveStatus]] | None = None,
) -> float | None:
    """Mean progress of the objectives of the latest quarter that has begun and has any.

    `known` is a quarter's overview the caller already has (the home page shows this
    quarter's), so it is not read twice.
    """
    latest = (
        Objective.objects.filter(organisation=organisation, period_start__lte=today)
        .order_by("-period_start")
        .values_list("period_start", flat=True)
        .first()
    )
    if latest is None:
        return None
    quarter = okr.quarter_of(latest)
    if known is not None and known[0] == quarter:
        statuses = known[1]
    else:
        statuses = period_overview(organisation=organisation, period=quarter, today=today)
    values = [s.progress for s in statuses if s.progress is not None]
    return sum(values) / len(values) if values else None


def curve_evidence(
    *,
    organisation: Organisation,
    today: date,
    known: tuple[okr.Period, list[ObjectiveStatus]] | None = None,
) -> curve.Evidence:
    steps = dict(
        JourneyStep.objects.filter(organisation=organisation).values_list(
            "definition__number", "status"
        )
    )
    milestone_rows = Milestone.objects.filter(organisation=organisation).values_list(
        "step__number", "status"
    )
    return curve.Evidence(
        step_statuses=steps,
        readiness=readiness_status(organisation=organisation),
        milestones=[(number, status == Milestone.Status.DONE) for number, status in milestone_rows],
        okr_progress=okr_progress(organisation=organisation, today=today, known=known),
    )


def curve_position(
    *,
    organisation: Organisation,
    today: date | None = None,
    known: tuple[okr.Period, list[ObjectiveStatus]] | None = None,
) -> curve.CurvePosition:
    today = today or timezone.localdate()
    return curve.place(curve_evidence(organisation=organisation, today=today, known=known))


def curve_history(*, organisation: Organisation) -> list[CurveSnapshot]:
    return list(CurveSnapshot.objects.filter(organisation=organisation).order_by("taken_on"))


def steps_without_owner(*, organisation: Organisation) -> list[JourneyStep]:
    return list(
        JourneyStep.objects.filter(organisation=organisation, owner__isnull=True)
        .exclude(status__in=[JourneyStep.Status.DONE, JourneyStep.Status.NOT_APPLICABLE])
        .select_related("definition")
        .order_by("definition__number")
    )


def workshop_actions(*, organisation: Organisation, limit: int = 8) -> list:
    """Actions written in workshops' next-steps activity and not yet marked done, newest
    first (one query). The workshops app keeps them; the champion follows them up."""
    return list(
        Note.objects.filter(
            activity__workshop__organisation=organisation,
            activity__key="next_steps",
            zone__order=0,
            done_at__isnull=True,
        )
        .select_related("activity__workshop")
        .order_by("-created_at", "-pk")[:limit]
    )


def at_risk(statuses: list[ObjectiveStatus]) -> list[tuple[ObjectiveStatus, KeyResultStatus]]:
    return [(o, kr) for o in statuses for kr in o.key_results if kr.risk.at_risk]
