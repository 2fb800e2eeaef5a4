"""Writes for workshops: agendas, preparation, joining, and everything done on a board.

Every write takes the actor. Board writes run in one transaction with the live event that
tells everyone else (workshops/broadcast.py), so an event is never seen for a write that did
not commit. Edits and moves name the version their author saw and raise `Conflict` when the
note moved on meanwhile; adding a note never conflicts.
"""

from dataclasses import dataclass
from datetime import date, time, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from champions import okr
from champions import services as champions_services
from champions.models import SOURCE_LABEL_MAX, Milestone, Objective, UseCase
from journey import canvas as canvas_content
from journey.models import JourneyStep
from journey.services import canvas_save
from kernel.throttle import Throttle, Throttled
from kernel.versioned import Conflict, versioned_update
from organisations.access import Actor
from organisations.models import GuestGrant, Organisation
from organisations.roles import Action, GuestKind, can
from organisations.services import guest_grant_issue, guest_grant_revoke

from . import broadcast, rules
from .models import (
    Activity,
    ActivityTemplate,
    AgendaTemplate,
    ChecklistItem,
    Cluster,
    Note,
    Participant,
    Promotion,
    Vote,
    Workshop,
    Zone,
)

# A participant adds at most this many notes a minute: plenty for a burst of ideas, not a flood.
NOTE_THROTTLE = Throttle("workshop-note", limit=20, window=60)

DEFAULT_CHECKLIST = [
    (ChecklistItem.Group.MATERIALS, "Sticky notes and pens for everyone (in the room)"),
    (ChecklistItem.Group.MATERIALS, "Every activity's board ready, with its instructions"),
    (ChecklistItem.Group.MATERIALS, "Everyone can reach the video call and the boards"),
    (ChecklistItem.Group.MATERIALS, "Room booked, or time blocked in every calendar"),
    (ChecklistItem.Group.AUDIENCE, "Intro e-mail sent: the goal, what came before and after"),
    (ChecklistItem.Group.AUDIENCE, "Reading links shared"),
    (ChecklistItem.Group.AUDIENCE, "One-on-ones held with those new to data mesh"),
    (ChecklistItem.Group.AGENDA, "Agenda published to participants"),
    (ChecklistItem.Group.AGENDA, "Agenda adapted to this organisation"),
]


class WorkshopRefused(Exception):
    """The action is not allowed now (ended workshop, wrong phase, not your note...)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- workshops and agendas ---------------------------------------------------------------------


@dataclass(frozen=True)
class WorkshopDetails:
    title: str
    format: str
    session_dates: list[date]
    starts_at: time
    ends_at: time
    time_zone: str
    passcode: str = ""
    admit_by_facilitator: bool = False
    names_shown: bool = False


def _template_values(template: ActivityTemplate) -> dict:
    return {
        "key": template.key,
        "name": template.name,
        "question": template.question,
        "outcome": template.outcome,
        "steps": list(template.steps),
        "zones": list(template.zones),
        "timebox_minutes": template.timebox_minutes,
        "session": template.session,
        "votes_per_person": template.votes_per_person,
        "several_votes_per_note": template.several_votes_per_note,
    }


def _activity_create(workshop: Workshop, values: dict, *, session: int, order: int) -> Activity:
    activity = Activity.objects.create(
        workshop=workshop,
        template_id=values.get("template_id"),
        key=values.get("key", ""),
        session=session,
        order=order,
        name=values["name"][:120],
        question=values.get("question", "")[:300],
        outcome=values.get("outcome", "")[:300],
        steps=list(values.get("steps", [])),
        timebox_minutes=values.get("timebox_minutes", 30),
        votes_per_person=values.get("votes_per_person", 3),
        several_votes_per_note=values.get("several_votes_per_note", False),
    )
    zones = values.get("zones") or ["Notes"]
    Zone.objects.bulk_create(
        Zone(activity=activity, order=i, name=name[:60]) for i, name in enumerate(zones)
    )
    return activity


def _unique_code() -> str:
    while True:
        code = rules.new_join_code()
        if not Workshop.objects.filter(join_code=code).exists():
            return code


@transaction.atomic
def workshop_create(
    *,
    organisation: Organisation,
    actor: Actor,
    details: WorkshopDetails,
    agenda: AgendaTemplate | None = None,
) -> Workshop:
    """A workshop with its default agenda (or an organisation's saved one) and checklist."""
    workshop = Workshop.objects.create(
        organisation=organisation,
        title=details.title,
        format=details.format,
        session_dates=[d.isoformat() for d in details.session_dates],
        starts_at=details.starts_at,
        ends_at=details.ends_at,
        time_zone=details.time_zone,
        passcode=details.passcode,
        admit_by_facilitator=details.admit_by_facilitator,
        names_shown=details.names_shown,
        join_code=_unique_code(),
        created_by=actor.user,
    )
    if agenda is not None:
        planned = list(agenda.activities)
    else:
        planned = []
        for template in ActivityTemplate.objects.filter(organisation=None):
            values = _template_values(template)
            values["template_id"] = template.pk
            values["session"] = rules.session_for(details.format, template.session)
            planned.append(values)
    last_session = rules.session_count(details.format)
    for order, values in enumerate(planned):
        session = min(last_session, max(1, int(values.get("session", 1))))
        _activity_create(workshop, values, session=session, order=order)
    ChecklistItem.objects.bulk_create(
        ChecklistItem(workshop=workshop, group=group, order=i, text=text)
        for i, (group, text) in enumerate(DEFAULT_CHECKLIST)
    )
    return workshop


def workshop_update(*, workshop: Workshop, base_version: int, **values) -> Workshop:
    return versioned_update(workshop, base_version=base_version, **values)


def activity_add(
    *, workshop: Workshop, session: int, template: ActivityTemplate | None = None, name: str = ""
) -> Activity:
    """An activity at the end of `session`, from a template or blank."""
    if workshop.is_ended:
        raise WorkshopRefused("This workshop has ended: its agenda no longer changes.")
    last = workshop.activities.aggregate(last=Max("order"))["last"]
    order = 0 if last is None else last + 1
    if template is not None:
        values = _template_values(template)
        values["template_id"] = template.pk
    else:
        values = {"name": name or "New activity", "zones": ["Notes"]}
    with transaction.atomic():
        return _activity_create(workshop, values, session=session, order=order)


def activity_update(
    *, activity: Activity, base_version: int, zones: list[str], **values
) -> Activity:
    """Change an activity's details and, before it has notes, its zones."""
    with transaction.atomic():
        activity = versioned_update(activity, base_version=base_version, **values)
        current = list(activity.zones.all())
        names = [z.strip()[:60] for z in zones if z.strip()]
        if names and [z.name for z in current] != names:
            for zone, name in zip(current, names, strict=False):
                if zone.name != name:
                    zone.name = name
                    zone.save(update_fields=["name"])
            for i, name in enumerate(names[len(current) :], start=len(current)):
                Zone.objects.create(activity=activity, order=i, name=name)
            for zone in current[len(names) :]:
                if zone.notes.exists():
                    raise ValidationError(
                        f"The column “{zone.name}” holds notes, so it cannot be removed."
                    )
                zone.delete()
        broadcast.board_reset(activity)
    return activity


def activity_move(*, activity: Activity, direction: int) -> None:
    """Move an activity one place earlier (-1) or later (+1) in the agenda; across the end of
    a session it moves into the neighbouring session."""
    workshop = activity.workshop
    with transaction.atomic():
        ordered = list(workshop.activities.select_for_update().order_by("session", "order", "pk"))
        index = next(i for i, a in enumerate(ordered) if a.pk == activity.pk)
        target = index + direction
        last_session = rules.session_count(workshop.format)
        current = ordered[index]
        if 0 <= target < len(ordered) and ordered[target].session == current.session:
            ordered[index], ordered[target] = ordered[target], ordered[index]
        else:
            session = current.session + direction
            if not 1 <= session <= last_session:
                return
            current.session = session
            ordered.pop(index)
            # Last of the earlier session, or first of the later one.
            same = [i for i, a in enumerate(ordered) if a.session == session]
            position = (
                (same[-1] + 1 if same else index) if direction < 0 else (same[0] if same else index)
            )
            ordered.insert(position, current)
        for order, item in enumerate(ordered):
            item.order = order
        Activity.objects.bulk_update(ordered, ["order", "session"])


def activity_remove(*, activity: Activity) -> None:
    if activity.workshop.is_ended:
        raise WorkshopRefused("This workshop has ended: its agenda no longer changes.")
    activity.delete()


def agenda_save_as_template(*, workshop: Workshop, name: str, actor: Actor) -> AgendaTemplate:
    activities = [
        {
            "key": a.key,
            "name": a.name,
            "question": a.question,
            "outcome": a.outcome,
            "steps": a.steps,
            "zones": [z.name for z in a.zones.all()],
            "timebox_minutes": a.timebox_minutes,
            "session": a.session,
            "votes_per_person": a.votes_per_person,
            "several_votes_per_note": a.several_votes_per_note,
        }
        for a in workshop.activities.prefetch_related("zones")
    ]
    return AgendaTemplate.objects.create(
        organisation=workshop.organisation,
        name=name,
        activities=activities,
        created_by_name=actor.display_name[:100],
    )


def checklist_tick(*, item: ChecklistItem, done: bool, actor: Actor) -> ChecklistItem:
    item.done_at = timezone.now() if done else None
    item.done_by_name = actor.display_name[:100] if done else ""
    item.save(update_fields=["done_at", "done_by_name"])
    return item


def checklist_add(*, workshop: Workshop, group: str, text: str) -> ChecklistItem:
    last = workshop.checklist.filter(group=group).aggregate(last=Max("order"))["last"]
    return ChecklistItem.objects.create(
        workshop=workshop, group=group, text=text, order=0 if last is None else last + 1
    )


# --- running the workshop ------------------------------------------------------------------------


def activity_start(*, activity: Activity) -> Activity:
    """Open this activity's board for everyone: the workshop is live and joiners land here."""
    workshop = activity.workshop
    if workshop.is_ended:
        raise WorkshopRefused("This workshop has ended. It cannot be started again.")
    previous = workshop.current_activity
    with transaction.atomic():
        Workshop.objects.filter(pk=workshop.pk).update(
            status=Workshop.Status.LIVE, current_activity=activity
        )
        workshop.status = Workshop.Status.LIVE
        workshop.current_activity = activity
        broadcast.board_reset(activity)
        if previous is not None and previous.pk != activity.pk:
            previous.workshop = workshop
            broadcast.moved_on(previous, activity)
    return activity


def workshop_end(*, workshop: Workshop) -> Workshop:
    """Close every board; guests' grants end with it, so their pages say the workshop ended."""
    with transaction.atomic():
        Workshop.objects.filter(pk=workshop.pk).update(status=Workshop.Status.ENDED)
        workshop.status = Workshop.Status.ENDED
        for participant in workshop.participants.exclude(grant=None).select_related("grant"):
            if participant.grant.revoked_at is None:
                guest_grant_revoke(grant=participant.grant)
        for activity in workshop.activities.all():
            activity.workshop = workshop
            broadcast.board_reset(activity)
    return workshop


def phase_set(*, activity: Activity, phase: str, base_version: int) -> Activity:
    if phase not in rules.PHASES:
        raise ValidationError("That is not a phase of this board.")
    if activity.workshop.is_ended:
        raise WorkshopRefused("This workshop has ended: its boards no longer change.")
    with transaction.atomic():
        activity = versioned_update(activity, base_version=base_version, phase=phase)
        broadcast.board_changed(
            activity,
            f"The board is now in the {activity.get_phase_display().lower()} phase.",
        )
    return activity


def votes_reveal(*, activity: Activity, revealed: bool = True) -> Activity:
    with transaction.atomic():
        Activity.objects.filter(pk=activity.pk).update(votes_revealed=revealed)
        activity.votes_revealed = revealed
        broadcast.board_changed(
            activity,
            "Votes are now shown to everyone." if revealed else "Votes are hidden again.",
        )
    return activity


def timer_set(*, activity: Activity, minutes: int) -> Activity:
    """Start (or with 0, stop) the board's timer: everyone gets its end time once."""
    if not 0 <= minutes <= 180:
        raise ValidationError("A timer runs for 1 to 180 minutes.")
    ends_at = timezone.now() + timedelta(minutes=minutes) if minutes else None
    with transaction.atomic():
        Activity.objects.filter(pk=activity.pk).update(timer_ends_at=ends_at)
        activity.timer_ends_at = ends_at
        broadcast.timer_changed(activity)
    return activity


# --- joining -----------------------------------------------------------------------------------


def participant_join(
    *, workshop: Workshop, actor_user, display_name: str, role: str | None
) -> tuple[Participant, GuestGrant | None]:
    """Join `workshop`: a member as themselves, anyone else by display name with a grant for
    this workshop alone. A member whose role cannot write on boards (an executive) gets a grant
    too: joining with the code is how the facilitator lets them take part."""
    if workshop.is_ended:
        raise WorkshopRefused("This workshop has ended.")
    admitted = not workshop.admit_by_facilitator or role is not None
    needs_grant = role is None or not can(role, Action.BOARD_CONTRIBUTE)
    with transaction.atomic():
        participant = None
        if actor_user is not None and role is not None:
            participant = Participant.objects.filter(workshop=workshop, user=actor_user).first()
        if participant is None:
            name = (
                actor_user.name if (actor_user is not None and role is not None) else display_name
            )
            try:
                with transaction.atomic():
                    participant = Participant.objects.create(
                        workshop=workshop,
                        user=actor_user if role is not None else None,
                        display_name=name[:60],
                        admitted=admitted,
                    )
            except IntegrityError:
                participant = Participant.objects.get(workshop=workshop, user=actor_user)
        grant = participant.grant if participant.grant and participant.grant.is_valid() else None
        if needs_grant and grant is None:
            grant, _token = guest_grant_issue(
                organisation=workshop.organisation,
                kind=GuestKind.WORKSHOP_PARTICIPANT,
                target_id=workshop.pk,
                display_name=participant.display_name,
                actions=[Action.WORKSHOP_VIEW, Action.BOARD_CONTRIBUTE],
            )
            participant.grant = grant
            participant.save(update_fields=["grant"])
        if not participant.admitted:
            broadcast.waiting_changed(workshop)
    return participant, grant


def participant_admit(*, participant: Participant) -> Participant:
    participant.admitted = True
    participant.save(update_fields=["admitted"])
    return participant


def participant_for_member(*, workshop: Workshop, actor: Actor) -> Participant:
    """A member with the right to write joins the board with their first note."""
    participant, _ = Participant.objects.get_or_create(
        workshop=workshop, user=actor.user, defaults={"display_name": actor.display_name[:60]}
    )
    return participant


# --- notes -------------------------------------------------------------------------------------


def _check(
    action: str, activity: Activity, *, is_facilitator: bool, is_author: bool = True
) -> None:
    message = rules.refusal(
        action,
        phase=activity.phase,
        workshop_status=activity.workshop.status,
        is_facilitator=is_facilitator,
        is_author=is_author,
    )
    if message:
        raise WorkshopRefused(message)


def _clean_text(text: str) -> str:
    text = " ".join(text.split()) if "\n" not in text else text.strip()
    if not text:
        raise ValidationError("Write something on the note first.")
    if len(text) > 280:
        raise ValidationError(
            f"A note holds at most 280 characters; this one has {len(text)}. Shorten it or "
            "split it into two notes."
        )
    return text


def note_add(
    *,
    activity: Activity,
    zone: Zone,
    participant: Participant,
    text: str,
    colour: str = Note.Colour.YELLOW,
    is_facilitator: bool = False,
) -> Note:
    """A new note in `zone`; throttled per participant. Never conflicts."""
    _check(rules.ADD, activity, is_facilitator=is_facilitator)
    text = _clean_text(text)
    if colour not in Note.Colour.values:
        colour = Note.Colour.YELLOW
    verdict = NOTE_THROTTLE.hit(str(participant.pk))
    if not verdict.allowed:
        raise Throttled(
            verdict.retry_after,
            "You are adding notes faster than anyone can read them. Wait a moment, then "
            "add the next one; what you typed is kept.",
        )
    with transaction.atomic():
        note = Note.objects.create(
            activity=activity,
            zone=zone,
            text=text,
            colour=colour,
            author=participant,
            author_name=participant.display_name,
        )
        note.vote_count = 0
        broadcast.note_added(note, activity)
    return note


def _author_check(
    note: Note, participant: Participant | None, is_facilitator: bool, action: str
) -> None:
    is_author = participant is not None and note.author_id == participant.pk
    _check(action, note.activity, is_facilitator=is_facilitator, is_author=is_author)


def note_edit(
    *,
    note: Note,
    base_version: int,
    text: str,
    colour: str,
    participant: Participant | None,
    is_facilitator: bool,
) -> Note:
    _author_check(note, participant, is_facilitator, rules.EDIT)
    text = _clean_text(text)
    if colour not in Note.Colour.values:
        colour = note.colour
    activity = note.activity
    with transaction.atomic():
        note = versioned_update(note, base_version=base_version, text=text, colour=colour)
        note.activity = activity
        broadcast.note_changed(note, activity)
    return note


def note_move(
    *,
    note: Note,
    base_version: int,
    zone: Zone,
    participant: Participant | None,
    is_facilitator: bool,
) -> Note:
    _author_check(note, participant, is_facilitator, rules.MOVE)
    activity = note.activity
    old_zone = note.zone
    with transaction.atomic():
        note = versioned_update(note, base_version=base_version, zone=zone)
        note.activity = activity
        broadcast.note_moved(note, activity, old_zone)
    return note


def note_delete(
    *, note: Note, base_version: int, participant: Participant | None, is_facilitator: bool
) -> None:
    _author_check(note, participant, is_facilitator, rules.DELETE)
    activity = note.activity
    with transaction.atomic():
        deleted, _ = Note.objects.filter(pk=note.pk, version=base_version).delete()
        if not deleted:
            current = Note.objects.filter(pk=note.pk).first()
            raise Conflict(current=current)
        broadcast.note_removed(note, activity)


def note_group(
    *,
    note: Note,
    base_version: int,
    cluster: Cluster | None,
    new_name: str,
    participant: Participant | None,
    is_facilitator: bool,
) -> Note:
    """Put a note in a group (an existing one, or a new one named `new_name`), or take it out."""
    _author_check(note, participant, is_facilitator, rules.GROUP_NOTES)
    activity = note.activity
    with transaction.atomic():
        created = False
        if new_name.strip():
            cluster, created = Cluster.objects.get_or_create(
                activity=activity, name=new_name.strip()[:60]
            )
        note = versioned_update(note, base_version=base_version, cluster=cluster)
        note.activity = activity
        if created:
            broadcast.cluster_added(cluster, activity)
        else:
            broadcast.clusters_changed(activity)
        broadcast.note_changed(note, activity)
    return note


def cluster_rename(*, cluster: Cluster, name: str) -> Cluster:
    name = name.strip()[:60]
    if not name:
        raise ValidationError("Give the group a name.")
    with transaction.atomic():
        cluster.name = name
        cluster.save(update_fields=["name"])
        broadcast.cluster_renamed(cluster, cluster.activity)
    return cluster


def notes_merge(*, target: Note, source: Note, base_version: int) -> Note:
    """A facilitator folds a duplicate into another note: texts joined, votes kept."""
    if target.pk == source.pk:
        raise ValidationError("Choose another note to merge this one into.")
    activity = target.activity
    _check(rules.EDIT, activity, is_facilitator=True)
    text = f"{target.text}\n{source.text}"[:280]
    with transaction.atomic():
        target = versioned_update(target, base_version=base_version, text=text)
        Vote.objects.filter(note=source).update(note=target)
        source_id = source.pk
        source.delete()
        # delete() clears the primary key; the pages still know the note by it.
        source.pk = source_id
        target.activity = activity
        target.vote_count = target.votes.count()
        broadcast.note_removed(source, activity)
        broadcast.note_changed(target, activity)
    return target


# --- votes -------------------------------------------------------------------------------------


def vote_cast(*, note: Note, participant: Participant, is_facilitator: bool = False) -> Vote:
    activity = note.activity
    is_author = note.author_id == participant.pk
    _check(rules.VOTE_NOTES, activity, is_facilitator=is_facilitator, is_author=is_author)
    with transaction.atomic():
        # One participant's votes are counted under their row's lock: two quick clicks can
        # never both take the last vote.
        Participant.objects.select_for_update().filter(pk=participant.pk).first()
        mine = Vote.objects.filter(participant=participant, note__activity=activity)
        message = rules.vote_refusal(
            allowance=activity.votes_per_person,
            used=mine.count(),
            on_this_note=mine.filter(note=note).count(),
            several_per_note=activity.several_votes_per_note,
        )
        if message:
            raise WorkshopRefused(message)
        vote = Vote.objects.create(participant=participant, note=note)
        broadcast.votes_changed(note, activity, participant)
    return vote


def vote_withdraw(*, note: Note, participant: Participant, is_facilitator: bool = False) -> None:
    activity = note.activity
    _check(rules.VOTE_NOTES, activity, is_facilitator=is_facilitator, is_author=False)
    with transaction.atomic():
        vote = Vote.objects.filter(participant=participant, note=note).order_by("-pk").first()
        if vote is None:
            raise WorkshopRefused("You have no vote on this note to take back.")
        vote.delete()
        broadcast.votes_changed(note, activity, participant)


def note_mark_done(*, note: Note, done: bool) -> Note:
    note.done_at = timezone.now() if done else None
    note.save(update_fields=["done_at"])
    return note


# --- into the journey ----------------------------------------------------------------------------

# How a note says the canvas section it went to: "as a risk".
SECTION_PHRASES = {
    Promotion.Section.ASSUMPTION: "an assumption",
    Promotion.Section.RISK: "a risk",
    Promotion.Section.DECISION: "a decision",
    Promotion.Section.ACTION: "a next action",
}
# A note gives a milestone no date: it is due in three months (so the notice says) until a
# champion changes it.
MILESTONE_DUE_IN = timedelta(days=91)
TOOL_KINDS = (Promotion.Kind.MILESTONE, Promotion.Kind.OBJECTIVE, Promotion.Kind.USE_CASE)


def _promoted_text(note: Note, workshop: Workshop, limit: int) -> str:
    marker = f" (from workshop note {note.pk}, “{workshop.title}”)"
    text = " ".join(note.text.split())
    if len(text) + len(marker) > limit:
        text = text[: max(0, limit - len(marker) - 1)] + "…"
    return text + marker


def note_promote(*, note: Note, step: JourneyStep, section: str, actor: Actor) -> Promotion:
    """Add the note to a step's canvas (through the canvas's own versioned save) and remember
    where it went. A canvas saved meanwhile by someone else is re-read and the note added to
    what they saved: nothing of theirs is overwritten."""
    if section not in Promotion.Section.values:
        raise ValidationError("Choose where on the canvas the note goes.")
    workshop = note.activity.workshop
    canvas = step.canvas
    for _attempt in range(3):
        canvas.refresh_from_db()
        # The canvas's own save normalises what it stores; here only the sections are needed.
        content = {**canvas_content.empty_content(), **(canvas.content or {})}
        if section == Promotion.Section.ACTION:
            line = _promoted_text(note, workshop, canvas_content.CELL_MAX)
            content["actions"] = [*content["actions"], {"action": line, "owner": "", "due": ""}]
            if len(content["actions"]) > canvas_content.ROWS_MAX:
                raise ValidationError("That canvas already has as many next actions as it holds.")
        else:
            line = "- " + _promoted_text(note, workshop, canvas_content.CELL_MAX)
            existing = content[section]
            content[section] = f"{existing.rstrip()}\n{line}" if existing.strip() else line
            if len(content[section]) > canvas_content.TEXT_MAX:
                raise ValidationError(
                    "That section of the canvas is full. Make room there first, or choose "
                    "another section."
                )
        try:
            with transaction.atomic():
                canvas_save(
                    canvas=canvas, content=content, base_version=canvas.version, actor=actor
                )
                number, title = step.definition.number, step.definition.title
                promotion = Promotion.objects.create(
                    note=note,
                    kind=Promotion.Kind.CANVAS,
                    target_id=canvas.pk,
                    target_label=f"step {number}, {title}, as {SECTION_PHRASES[section]}",
                    target_url=reverse(
                        "journey:step",
                        kwargs={"org_slug": workshop.organisation.slug, "number": number},
                    ),
                    step_number=number,
                    step_title=title,
                    section=section,
                    canvas_version=canvas.version,
                    promoted_by_name=actor.display_name[:100],
                )
                broadcast.note_changed(note, note.activity)
            return promotion
        except Conflict:
            continue
    raise WorkshopRefused(
        "The canvas kept changing while the note was being added. Try again in a moment."
    )


def _title(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _earlier_promotion(note: Note, kind: str) -> Promotion | None:
    return Promotion.objects.filter(note=note, kind=kind).first()


def _already(promotion: Promotion) -> WorkshopRefused:
    kind = promotion.get_kind_display().lower()
    return WorkshopRefused(
        f"This note is already the {kind} “{promotion.target_label}”. Change that one in the "
        "champions' tools, or write another note for another one."
    )


def _tool_item(
    kind: str, *, note: Note, organisation: Organisation, actor: Actor, today: date
) -> tuple[Milestone | Objective | UseCase, str]:
    """Create the milestone, objective or use case through the champions' own services, with
    what a note cannot say filled in; returns it and its address."""
    slug = organisation.slug
    if kind == Promotion.Kind.MILESTONE:
        item = champions_services.milestone_create(
            organisation=organisation,
            actor=actor,
            title=_title(note.text, Milestone._meta.get_field("title").max_length),
            target_date=today + MILESTONE_DUE_IN,
        )
        url = reverse("champions:milestones", kwargs={"org_slug": slug})
        return item, f"{url}#milestone-{item.pk}"
    if kind == Promotion.Kind.OBJECTIVE:
        quarter = okr.quarter_of(today)
        item = champions_services.objective_create(
            organisation=organisation,
            actor=actor,
            title=_title(note.text, Objective._meta.get_field("title").max_length),
            period_start=quarter.start,
            period_end=quarter.end,
        )
        url = reverse("champions:objective", kwargs={"org_slug": slug, "objective_id": item.pk})
        return item, url
    # The note is what someone wants; who and what for are for the champions to add.
    item = champions_services.use_case_create(
        organisation=organisation,
        actor=actor,
        title=_title(note.text, UseCase._meta.get_field("title").max_length),
        as_a="",
        i_want=_title(note.text, UseCase._meta.get_field("i_want").max_length),
        so_that="",
    )
    url = reverse("champions:use_cases", kwargs={"org_slug": slug})
    return item, f"{url}#use-case-{item.pk}"


def note_promote_to_tool(
    *, note: Note, kind: str, actor: Actor, today: date | None = None
) -> Promotion:
    """Make the note a new milestone, objective or use case in the champions' tools, which
    keeps a link back to the note; the note shows where it went.

    A note becomes each at most once: a second try is refused, naming the first (the unique
    constraint settles two facilitators clicking at the same moment).
    """
    if kind not in TOOL_KINDS:
        raise ValidationError(
            "Choose what the note becomes: a milestone, an objective or a use case."
        )
    if not note.text.strip():
        raise ValidationError("An empty note cannot become anything. Write something on it first.")
    earlier = _earlier_promotion(note, kind)
    if earlier is not None:
        raise _already(earlier)
    activity = note.activity
    workshop = activity.workshop
    organisation = workshop.organisation
    board = reverse(
        "workshops:board",
        kwargs={
            "org_slug": organisation.slug,
            "workshop_id": workshop.pk,
            "activity_id": activity.pk,
        },
    )
    try:
        with transaction.atomic():
            item, url = _tool_item(
                kind,
                note=note,
                organisation=organisation,
                actor=actor,
                today=today or timezone.localdate(),
            )
            item.source_label = _title(
                f"the workshop “{workshop.title}”, note {note.pk}", SOURCE_LABEL_MAX
            )
            item.source_url = f"{board}#note-{note.pk}"
            item.save(update_fields=["source_label", "source_url"])
            promotion = Promotion.objects.create(
                note=note,
                kind=kind,
                target_id=item.pk,
                target_label=_title(
                    item.title, Promotion._meta.get_field("target_label").max_length
                ),
                target_url=url,
                promoted_by_name=actor.display_name[:100],
            )
            broadcast.note_changed(note, activity)
    except IntegrityError:
        earlier = _earlier_promotion(note, kind)
        if earlier is None:
            raise
        raise _already(earlier) from None
    return promotion
