from functools import cached_property

from django.conf import settings
from django.db import models
from django.utils import timezone

from organisations.models import Organisation

from .canvas import Shape


class StepDefinition(models.Model):
    """One of the 17 steps of the adoption journey, the same for every organisation.

    Loaded by a data migration. `extra_list` describes the step's own structured list on its
    canvas (stakeholders, benefits, ...): {"title": ..., "columns": [{"key", "label"}, ...]}.
    """

    number = models.PositiveSmallIntegerField(unique=True)
    phase = models.PositiveSmallIntegerField()
    phase_title = models.CharField(max_length=60)
    title = models.CharField(max_length=80)
    summary = models.TextField()
    guiding_questions = models.JSONField(default=list)
    extra_list = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @cached_property
    def shape(self) -> Shape:
        """What this step's canvases hold, built once per loaded definition."""
        return Shape.of(self.extra_list)


class JourneyStep(models.Model):
    """Where one organisation stands on one step: status, owner and due date."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        NOT_APPLICABLE = "not_applicable", "Not applicable"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="journey_steps"
    )
    definition = models.ForeignKey(StepDefinition, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    not_applicable_reason = models.CharField(max_length=300, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_journey_steps",
    )
    due_date = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "definition"], name="journey_step_unique"
            )
        ]
        ordering = ["definition__number"]

    def __str__(self) -> str:
        return f"{self.definition} ({self.organisation})"

    @property
    def number(self) -> int:
        return self.definition.number


class Canvas(models.Model):
    """The reflection canvas of one journey step. `content` follows journey.canvas."""

    step = models.OneToOneField(JourneyStep, on_delete=models.CASCADE, related_name="canvas")
    content = models.JSONField(default=dict)
    version = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Canvas for {self.step}"


class CanvasRevision(models.Model):
    """A saved state of a canvas: who saved it, when, and which sections changed."""

    canvas = models.ForeignKey(Canvas, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    content = models.JSONField()
    changed = models.JSONField(default=list)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The author's name when they saved: history stays readable after an account is deleted
    # or a guest's grant ends, and a guest, who has no account, is attributed too.
    author_name = models.CharField(max_length=100, blank=True)
    restored_from = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["canvas", "version"], name="canvas_revision_unique")
        ]
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"{self.canvas} v{self.version}"
