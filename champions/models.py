"""What champions record between workshops: milestones, the Lean Value Tree, objectives and
key results with their check-ins, use cases and their scores, ROI measures, and the recorded
positions on the maturity curve. Every editable row carries a `version` for kernel.versioned.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from journey.models import StepDefinition
from organisations.models import Organisation

from . import okr

SOURCE_LABEL_MAX = 200
SOURCE_URL_MAX = 300


class Sourced(models.Model):
    """Where a row came from when another part of the app made it (a workshop note): shown as
    "From <label>" with a link. The other app fills these; this app never looks behind them,
    so it depends on nobody."""

    source_label = models.CharField(max_length=SOURCE_LABEL_MAX, blank=True)
    source_url = models.CharField(max_length=SOURCE_URL_MAX, blank=True)

    class Meta:
        abstract = True


class Milestone(Sourced):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        DROPPED = "dropped", "Dropped"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(max_length=200)
    target_date = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The journey step (and through it the phase) the milestone belongs to.
    step = models.ForeignKey(
        StepDefinition, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    evidence = models.TextField(blank=True)
    done_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["target_date", "pk"]
        indexes = [models.Index(fields=["organisation", "target_date"])]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today) -> bool:
        open_statuses = (self.Status.PLANNED, self.Status.IN_PROGRESS)
        return self.status in open_statuses and self.target_date < today


class LvtNode(models.Model):
    """One node of the Lean Value Tree: the vision, a goal under it, or a bet under a goal."""

    class Tier(models.TextChoices):
        VISION = "vision", "Vision"
        GOAL = "goal", "Goal"
        BET = "bet", "Bet"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        VALIDATED = "validated", "Validated"
        DROPPED = "dropped", "Dropped"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="lvt_nodes"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    tier = models.CharField(max_length=10, choices=Tier.choices)
    title = models.CharField(max_length=200)
    # Measures of success, one per line; bets carry them.
    measures = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_tier_display()}: {self.title}"

    @property
    def measure_list(self) -> list[str]:
        return [line.strip() for line in self.measures.splitlines() if line.strip()]


class Objective(Sourced):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="objectives"
    )
    title = models.CharField(max_length=200)
    period_start = models.DateField()
    period_end = models.DateField()
    # A goal or bet of the Lean Value Tree the objective serves.
    lvt_node = models.ForeignKey(
        LvtNode, on_delete=models.SET_NULL, null=True, blank=True, related_name="objectives"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-period_start", "pk"]
        indexes = [models.Index(fields=["organisation", "period_start"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="objective_period_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def period_label(self) -> str:
        quarter = okr.quarter_of(self.period_start)
        if (quarter.start, quarter.end) == (self.period_start, self.period_end):
            return quarter.label
        return f"{self.period_start:%-d %b %Y} to {self.period_end:%-d %b %Y}"


class KeyResult(models.Model):
    class Kind(models.TextChoices):
        NUMERIC = okr.NUMERIC, "Numeric"
        GRADED = okr.GRADED, "Graded (fail, commit, target, stretch)"

    class Direction(models.TextChoices):
        INCREASE = okr.INCREASE, "Increase"
        DECREASE = okr.DECREASE, "Decrease"

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="key_results")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.NUMERIC)
    unit = models.CharField(max_length=30, blank=True)
    baseline = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    target = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    direction = models.CharField(max_length=10, choices=Direction.choices, default=okr.INCREASE)
    weight = models.PositiveSmallIntegerField(default=1)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_numeric(self) -> bool:
        return self.kind == self.Kind.NUMERIC


class KeyResultRevision(models.Model):
    """A key result as it was before an edit: definitions change, their history is kept."""

    key_result = models.ForeignKey(KeyResult, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    # title, kind, unit, baseline, target, direction, weight as they were (as text).
    snapshot = models.JSONField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    author_name = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"{self.key_result} v{self.version}"


class CheckIn(models.Model):
    key_result = models.ForeignKey(KeyResult, on_delete=models.CASCADE, related_name="check_ins")
    value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    grade = models.CharField(max_length=10, blank=True)
    confidence = models.PositiveSmallIntegerField()
    what_changed = models.TextField(blank=True)
    what_next = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The author's name when they checked in: history stays readable after they leave.
    author_name = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(confidence__gte=okr.CONFIDENCE_MIN, confidence__lte=okr.CONFIDENCE_MAX),
                name="check_in_confidence_range",
            )
        ]

    def __str__(self) -> str:
        return f"Check-in on {self.key_result} by {self.author_name}"

    @property
    def grade_label(self) -> str:
        return okr.GRADE_LABELS.get(self.grade, "")


class UseCase(Sourced):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="use_cases"
    )
    title = models.CharField(max_length=200)
    as_a = models.CharField("As a", max_length=200)
    i_want = models.CharField("I want", max_length=300)
    so_that = models.CharField("so that", max_length=300)
    intended_value = models.TextField(blank=True)
    how_measured = models.TextField(blank=True)
    bet = models.ForeignKey(
        LvtNode, on_delete=models.SET_NULL, null=True, blank=True, related_name="use_cases"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.title


class UseCaseScore(models.Model):
    """One person's scores for one use case: {criterion key: 0..5} (champions.usecases)."""

    use_case = models.ForeignKey(UseCase, on_delete=models.CASCADE, related_name="scores")
    scorer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    scorer_name = models.CharField(max_length=100, blank=True)
    scores = models.JSONField()
    total = models.PositiveSmallIntegerField()
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["updated_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["use_case", "scorer"], name="use_case_score_unique")
        ]

    def __str__(self) -> str:
        return f"{self.scorer_name}: {self.total} for {self.use_case}"


class RoiMeasure(models.Model):
    class Kind(models.TextChoices):
        BENEFIT = "benefit", "Benefit (value delivered)"
        COST = "cost", "Cost (investment)"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="roi_measures"
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    unit = models.CharField(max_length=30, default="EUR")
    how_measured = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "name", "pk"]

    def __str__(self) -> str:
        return self.name


class RoiMeasurement(models.Model):
    """What a measure amounted to in the period ending on `period_end`."""

    measure = models.ForeignKey(RoiMeasure, on_delete=models.CASCADE, related_name="measurements")
    period_end = models.DateField()
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    note = models.CharField(max_length=300, blank=True)
    author_name = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["period_end", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "period_end"], name="roi_measurement_unique"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="roi_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.measure} to {self.period_end}"


class CurveSnapshot(models.Model):
    """The organisation's position on the maturity curve on one day (champions.curve)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="curve_snapshots"
    )
    taken_on = models.DateField()
    position = models.FloatField()
    # {principle key: position}
    principles = models.JSONField(default=dict)

    class Meta:
        ordering = ["taken_on"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "taken_on"], name="curve_snapshot_day")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} on {self.taken_on}"
