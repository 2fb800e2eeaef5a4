"""Reads for workshops: every lookup is scoped to an organisation or a workshop."""

from django.db.models import Count, Prefetch, QuerySet

from organisations.access import Actor
from organisations.models import Organisation

from .models import (
    Activity,
    ActivityTemplate,
    AgendaTemplate,
    Cluster,
    Note,
    Participant,
    Promotion,
    Vote,
    Workshop,
    Zone,
)


def workshops_of(organisation: Organisation) -> QuerySet[Workshop]:
    return Workshop.objects.filter(organisation=organisation).annotate(
        participant_count=Count("participants", distinct=True)
    )


def workshop_get(*, organisation: Organisation, workshop_id: int) -> Workshop:
    """Raises Workshop.DoesNotExist for a workshop of another organisation."""
    return Workshop.objects.select_related("organisation", "current_activity").get(
        organisation=organisation, pk=workshop_id
    )


def workshop_by_code(code: str) -> Workshop | None:
    return Workshop.objects.select_related("organisation").filter(join_code=code).first()


def activities_of(workshop: Workshop) -> list[Activity]:
    return list(workshop.activities.prefetch_related("zones").annotate(note_count=Count("notes")))


def activity_get(*, workshop: Workshop, activity_id: int) -> Activity:
    """Raises Activity.DoesNotExist for an activity of another workshop."""
    activity = Activity.objects.select_related("workshop__organisation").get(
        workshop=workshop, pk=activity_id
    )
    activity.workshop = workshop
    return activity


def built_in_templates() -> QuerySet[ActivityTemplate]:
    return ActivityTemplate.objects.filter(organisation=None)


def agenda_templates(organisation: Organisation) -> QuerySet[AgendaTemplate]:
    return AgendaTemplate.objects.filter(organisation=organisation)


def participant_of(*, workshop: Workshop, actor: Actor) -> Participant | None:
    """The participant row the actor writes as on this workshop's boards, if they joined."""
    if actor.grant is not None:
        found = Participant.objects.filter(workshop=workshop, grant=actor.grant).first()
        if found is not None:
            return found
    if actor.user is not None:
        return Participant.objects.filter(workshop=workshop, user=actor.user).first()
    return None


def board_notes(activity: Activity) -> list[Note]:
    return list(
        Note.objects.filter(activity=activity)
        .select_related("zone", "cluster")
        .annotate(vote_count=Count("votes"))
        .prefetch_related("promotions")
        .order_by("zone__order", "cluster_id", "created_at", "pk")
    )


def board_notes_shown(activity: Activity) -> list[Note]:
    """The notes as the board shows them, each with `promotion_list`: the promotions come in
    one query for the whole board, which for hundreds of notes is far cheaper than
    prefetch_related's per-note bookkeeping (the board is fetched by everyone at once after a
    phase change)."""
    notes = list(
        Note.objects.filter(activity=activity)
        .select_related("zone", "cluster")
        .annotate(vote_count=Count("votes"))
        .order_by("zone__order", "cluster_id", "created_at", "pk")
    )
    promotions: dict[int, list[Promotion]] = {}
    for promotion in Promotion.objects.filter(note__activity=activity).order_by("created_at", "pk"):
        promotions.setdefault(promotion.note_id, []).append(promotion)
    for note in notes:
        note.promotion_list = promotions.get(note.pk, [])
    return notes


def board_zones(activity: Activity) -> list[Zone]:
    return list(activity.zones.all())


def board_clusters(activity: Activity) -> list[Cluster]:
    return list(activity.clusters.annotate(note_count=Count("notes")))


def note_get(*, activity: Activity, note_id: int) -> Note:
    """Raises Note.DoesNotExist for a note on another board."""
    note = (
        Note.objects.select_related("zone", "cluster", "author")
        .annotate(vote_count=Count("votes"))
        .get(activity=activity, pk=note_id)
    )
    note.activity = activity
    return note


def my_votes(*, activity: Activity, participant: Participant | None) -> dict[int, int]:
    """How many of the participant's votes each note of the board holds."""
    if participant is None:
        return {}
    counts: dict[int, int] = {}
    for note_id in Vote.objects.filter(
        participant=participant, note__activity=activity
    ).values_list("note_id", flat=True):
        counts[note_id] = counts.get(note_id, 0) + 1
    return counts


def open_actions(*, organisation: Organisation, before: Workshop) -> list[Note]:
    """Actions written in the next-steps activity of the organisation's earlier workshops and
    not yet marked done: shown when its next workshop starts."""
    return list(
        Note.objects.filter(
            activity__workshop__organisation=organisation,
            activity__key="next_steps",
            zone__order=0,
            done_at__isnull=True,
            activity__workshop__created_at__lt=before.created_at,
        )
        .exclude(activity__workshop=before)
        .select_related("activity__workshop")
        .prefetch_related(Prefetch("promotions"))
        .order_by("created_at")
    )
