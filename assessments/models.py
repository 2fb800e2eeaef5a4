"""Readiness assessments: instruments (data), rounds, respondents and their responses.

An `Instrument` is loaded from a data file by a migration, so adding one needs no code. A
`Round` asks a set of `Respondent`s (members, or outsiders by name and e-mail) to answer one
instrument; each respondent has at most one `Response`, which they may change while the round
is open. Outsiders answer through a personal link: an `organisations.GuestGrant` whose target
is their `Respondent` row.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from organisations.models import GuestGrant, Organisation

COMMENT_MAX = 2000


class Instrument(models.Model):
    """A questionnaire, e.g. the eight-axis readiness spider graph. Data, never edited here.

    `definition` holds the axes (key, name, explanation, what each level looks like, the
    journey steps that work on it) and the rule that turns answers into a verdict.
    """

    slug = models.SlugField(max_length=50)
    version = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=120)
    definition = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="instrument_slug_version")
        ]
        ordering = ["name", "-version"]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    @property
    def axes(self) -> list[dict]:
        return self.definition["axes"]

    @property
    def axis_keys(self) -> list[str]:
        return [axis["key"] for axis in self.axes]


class Round(models.Model):
    """One time an organisation asks people to answer an instrument."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="assessment_rounds"
    )
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="rounds")
    title = models.CharField(max_length=120)
    closes_on = models.DateField(
        null=True, blank=True, help_text="After this day no more answers are taken."
    )
    anonymous = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["organisation", "created"], name="round_org_created")]

    def __str__(self) -> str:
        return f"{self.title} ({self.organisation})"

    def is_open(self, today=None) -> bool:
        """Whether answers are taken: open, and its closing day (if any) not yet past."""
        if self.status != self.Status.OPEN:
            return False
        return self.closes_on is None or self.closes_on >= (today or timezone.localdate())

    @property
    def date_passed(self) -> bool:
        return self.status == self.Status.OPEN and not self.is_open()


class Respondent(models.Model):
    """Someone asked to answer a round: a member (user) or an outsider (name and e-mail).

    The row stays when a link is revoked, so answers keep their author. In an anonymous round
    the row still links a person to their answers (they must be able to change them), but no
    page ever shows the two together.
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="respondents")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assessment_respondents",
    )
    name = models.CharField(max_length=100)
    email = models.EmailField(blank=True)
    grant = models.OneToOneField(
        GuestGrant, on_delete=models.SET_NULL, null=True, blank=True, related_name="respondent"
    )
    invited_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "user"],
                condition=Q(user__isnull=False),
                name="respondent_round_user",
            ),
            models.UniqueConstraint(
                "round",
                Lower("email"),
                condition=~Q(email=""),
                name="respondent_round_email",
            ),
        ]
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return f"{self.name} in {self.round}"

    @property
    def link_active(self) -> bool:
        return self.grant is not None and self.grant.is_valid()


class Response(models.Model):
    """A respondent's answers: axis key -> level or "dont_know", and optional comments.

    `changed_in` records, per axis, the response version that last changed it, so a save
    made from an older page conflicts only when that very axis moved since (two tabs working
    on different questions never block each other).
    """

    respondent = models.OneToOneField(Respondent, on_delete=models.CASCADE, related_name="response")
    answers = models.JSONField(default=dict)
    comments = models.JSONField(default=dict)
    changed_in = models.JSONField(default=dict)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(
        null=True, blank=True, help_text="When every question first had an answer."
    )
    version = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"Response of {self.respondent}"
