"""Workshops: an agenda of activities, their live boards, preparation and outcomes.

A `Workshop` belongs to one organisation and runs over sessions (four afternoons remote, two
days in a room). Its agenda is a list of `Activity` rows laid out from `ActivityTemplate`s,
which are data loaded by a migration (workshops/activities/*.json), never code. Each activity
has a board: `Zone`s (its columns), `Note`s written by `Participant`s, named `Cluster`s and
`Vote`s. People join by the workshop's code; someone without an account acts through an
`organisations.GuestGrant` whose target is the workshop, and their `Participant` row keeps their
name after the grant ends.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from organisations.models import GuestGrant, Organisation

NOTE_MAX = 280
TITLE_MAX = 120
NAME_MAX = 60


class ActivityTemplate(models.Model):
    """One activity as shipped (organisation empty) or saved by an organisation.

    Built-in templates come from a versioned data file loaded by a migration; `key` names the
    activity across versions (the next-steps activity is how open actions are found).
    """

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="activity_templates",
    )
    key = models.SlugField(max_length=50)
    name = models.CharField(max_length=TITLE_MAX)
    question = models.CharField(max_length=300)
    outcome = models.CharField(max_length=300)
    steps = models.JSONField(default=list)
    zones = models.JSONField(default=list)
    timebox_minutes = models.PositiveSmallIntegerField(default=30)
    # Which afternoon of the remote format the default agenda puts it in (1-4).
    session = models.PositiveSmallIntegerField(default=1)
    order = models.PositiveSmallIntegerField(default=0)
    votes_per_person = models.PositiveSmallIntegerField(default=3)
    several_votes_per_note = models.BooleanField(default=False)
    source = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ["session", "order", "pk"]

    def __str__(self) -> str:
        return self.name


class AgendaTemplate(models.Model):
    """A workshop's activities saved by an organisation, to lay out its next workshops."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="agenda_templates"
    )
    name = models.CharField(max_length=TITLE_MAX)
    # [{"name", "question", "outcome", "steps", "zones", "timebox_minutes", "session", ...}]
    activities = models.JSONField(default=list)
    created_by_name = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class Workshop(models.Model):
    class Format(models.TextChoices):
        REMOTE = "remote", "Remote, over four afternoons"
        IN_PERSON = "in_person", "In person, over two days"

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        LIVE = "live", "Running"
        ENDED = "ended", "Ended"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="workshops"
    )
    title = models.CharField(max_length=TITLE_MAX)
    format = models.CharField(max_length=20, choices=Format.choices, default=Format.REMOTE)
    # One date per session (afternoon or day), in order.
    session_dates = models.JSONField(default=list)
    starts_at = models.TimeField()
    ends_at = models.TimeField()
    time_zone = models.CharField(max_length=60, default="Europe/London")
    join_code = models.CharField(max_length=12, unique=True)
    passcode = models.CharField(max_length=40, blank=True)
    admit_by_facilitator = models.BooleanField(default=False)
    names_shown = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    # The activity the facilitator started last: where people who join land.
    current_activity = models.ForeignKey(
        "Activity", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Audience preparation, kept with the workshop so the invitation can use it.
    intro_email = models.TextField(blank=True)
    reading_links = models.TextField(blank=True)
    one_on_ones = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_ended(self) -> bool:
        return self.status == self.Status.ENDED


class Activity(models.Model):
    class Phase(models.TextChoices):
        WRITE = "write", "Write"
        REVEAL = "reveal", "Reveal"
        GROUP = "group", "Group"
        VOTE = "vote", "Vote"
        DISCUSS = "discuss", "Discuss"

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="activities")
    template = models.ForeignKey(
        ActivityTemplate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    key = models.SlugField(max_length=50, blank=True)
    session = models.PositiveSmallIntegerField(default=1)
    order = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=TITLE_MAX)
    question = models.CharField(max_length=300, blank=True)
    outcome = models.CharField(max_length=300, blank=True)
    steps = models.JSONField(default=list, blank=True)
    timebox_minutes = models.PositiveSmallIntegerField(default=30)
    phase = models.CharField(max_length=10, choices=Phase.choices, default=Phase.WRITE)
    # While writing, notes are seen by their author (and facilitators) only; others see a count.
    private_writing = models.BooleanField(default=True)
    votes_per_person = models.PositiveSmallIntegerField(default=3)
    several_votes_per_note = models.BooleanField(default=False)
    votes_revealed = models.BooleanField(default=False)
    timer_ends_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["session", "order", "pk"]

    def __str__(self) -> str:
        return self.name


class Zone(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="zones")
    order = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=NAME_MAX)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name


class Participant(models.Model):
    """Someone on a workshop's boards: a member as themselves, or a guest by display name."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="workshop_participations",
    )
    display_name = models.CharField(max_length=NAME_MAX)
    grant = models.OneToOneField(
        GuestGrant, on_delete=models.SET_NULL, null=True, blank=True, related_name="participant"
    )
    admitted = models.BooleanField(default=True)
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["joined_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "user"],
                condition=Q(user__isnull=False),
                name="participant_workshop_user",
            )
        ]

    def __str__(self) -> str:
        return self.display_name


class Cluster(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="clusters")
    name = models.CharField(max_length=NAME_MAX)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.name


class Note(models.Model):
    class Colour(models.TextChoices):
        YELLOW = "yellow", "Yellow"
        PINK = "pink", "Pink"
        BLUE = "blue", "Blue"
        GREEN = "green", "Green"
        ORANGE = "orange", "Orange"

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="notes")
    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, related_name="notes")
    cluster = models.ForeignKey(
        Cluster, on_delete=models.SET_NULL, null=True, blank=True, related_name="notes"
    )
    text = models.CharField(max_length=NOTE_MAX)
    colour = models.CharField(max_length=10, choices=Colour.choices, default=Colour.YELLOW)
    author = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="notes"
    )
    author_name = models.CharField(max_length=NAME_MAX, blank=True)
    # An action carried over to later workshops until someone marks it done.
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:40]


class Vote(models.Model):
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="votes")
    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="votes")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.participant} on {self.note}"


class ChecklistItem(models.Model):
    class Group(models.TextChoices):
        MATERIALS = "materials", "Materials and logistics"
        AUDIENCE = "audience", "Preparing the audience"
        AGENDA = "agenda", "Agenda and activities"

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="checklist")
    group = models.CharField(max_length=20, choices=Group.choices)
    order = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=200)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by_name = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["group", "order", "pk"]

    def __str__(self) -> str:
        return self.text


class Promotion(models.Model):
    """A note carried into the journey: onto a step's canvas (which section, at which canvas
    version), or into the champions' tools as a milestone, an objective or a use case.

    `target_label` and `target_url` say where it went as it was named then, so the note can
    show it without reading the other app's rows; the target links back to the note.
    """

    class Kind(models.TextChoices):
        CANVAS = "canvas", "Canvas"
        MILESTONE = "milestone", "Milestone"
        OBJECTIVE = "objective", "Objective"
        USE_CASE = "use_case", "Use case"

    class Section(models.TextChoices):
        ASSUMPTION = "assumptions", "Assumption"
        RISK = "risks", "Risk"
        DECISION = "decisions", "Decision"
        ACTION = "actions", "Next action"

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="promotions")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CANVAS)
    # The canvas's, milestone's, objective's or use case's id.
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target_label = models.CharField(max_length=250, blank=True)
    target_url = models.CharField(max_length=300, blank=True)
    # Canvas promotions only.
    step_number = models.PositiveSmallIntegerField(null=True, blank=True)
    step_title = models.CharField(max_length=80, blank=True)
    section = models.CharField(max_length=20, choices=Section.choices, blank=True)
    canvas_version = models.PositiveIntegerField(null=True, blank=True)
    promoted_by_name = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            # A note becomes one milestone (objective, use case) at most: a second click, or
            # two facilitators at once, must not make two. Canvas sections may take it again.
            models.UniqueConstraint(
                fields=["note", "kind"],
                condition=~Q(kind="canvas"),
                name="promotion_once_per_tool",
            )
        ]

    def __str__(self) -> str:
        return f"{self.note} to {self.summary}"

    @property
    def summary(self) -> str:
        """Where the note went, as its note says: "In the journey: step 3, ..., as a risk"."""
        if self.kind == self.Kind.CANVAS:
            return f"In the journey: {self.target_label}"
        return f"{self.get_kind_display()}: {self.target_label}"
