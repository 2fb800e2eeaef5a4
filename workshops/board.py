"""What a board shows to one viewer: one context builder per partial of workshops/board.html,
used by the full page, by the htmx swaps and by the fragments sent live to each audience.

A live fragment is rendered once per audience, not per person: "all" (someone who neither
wrote the note nor runs the workshop), "facilitators", and "participant:<id>" for the author.
A viewer belongs to "all" and to their own audience; the stream delivers events in order, so
the later, more specific fragment is the one that stays on their page.
"""

from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from journey.models import StepDefinition
from kernel import live

from . import rules, selectors
from .models import Activity, Cluster, Note, Participant, Workshop, Zone

ALL = "all"
FACILITATORS = "facilitators"
# Members looking at a board they have not joined: what is pushed to "all" is not quite theirs.
WATCHERS = "watchers"


def participant_audience(participant_id: int) -> str:
    return f"participant:{participant_id}"


def channel(activity: Activity) -> str:
    return f"workshop-board:{activity.pk}"


@dataclass(frozen=True)
class Viewer:
    """Who a board is rendered for. `participant` is None for a watcher who has not joined."""

    participant: Participant | None = None
    is_facilitator: bool = False
    can_contribute: bool = False
    # A fragment for a whole audience carries no CSRF field: htmx sends the header from <body>.
    broadcast: bool = False
    my_votes: dict[int, int] = field(default_factory=dict)
    # For a page: the request's CSRF token, put into the notes shared between viewers.
    csrf_token: str = ""

    @property
    def participant_id(self) -> int | None:
        return self.participant.pk if self.participant else None

    def audiences(self) -> set[str]:
        found = {ALL}
        if self.is_facilitator:
            found.add(FACILITATORS)
        elif self.participant is None and not self.broadcast:
            found.add(WATCHERS)
        if self.participant is not None:
            found.add(participant_audience(self.participant.pk))
        return found


EVERYONE = Viewer(broadcast=True)
FACILITATOR_AUDIENCE = Viewer(is_facilitator=True, can_contribute=True, broadcast=True)
# Someone taking part, on the notes they neither wrote nor voted on: the board pushed to "all"
# when its phase changes. Those watching without taking part get it too, then fetch their own.
PARTICIPANT_AUDIENCE = Viewer(can_contribute=True, broadcast=True)


def _is_author(note: Note, viewer: Viewer) -> bool:
    return viewer.participant_id is not None and note.author_id == viewer.participant_id


def _may(action: str, activity: Activity, viewer: Viewer, *, is_author: bool) -> bool:
    if not (viewer.can_contribute or viewer.is_facilitator):
        return False
    if not viewer.is_facilitator and viewer.participant is None and not viewer.broadcast:
        # A member who has not joined yet: the first note makes them a participant.
        return action == rules.ADD and activity.workshop.status == Workshop.Status.LIVE
    return not rules.refusal(
        action,
        phase=activity.phase,
        workshop_status=activity.workshop.status,
        is_facilitator=viewer.is_facilitator,
        is_author=is_author,
    )


def note_context(
    note: Note,
    activity: Activity,
    viewer: Viewer,
    *,
    oob: str = "",
    zones: list[Zone] | None = None,
    clusters: list[Cluster] | None = None,
    steps: list[tuple[int, str]] | None = None,
) -> dict:
    workshop = activity.workshop
    is_author = _is_author(note, viewer)
    visible = rules.note_visible(
        private_writing=activity.private_writing,
        phase=activity.phase,
        is_author=is_author,
        is_facilitator=viewer.is_facilitator,
    )
    total = getattr(note, "vote_count", None)
    if total is None:
        total = note.votes.count()
    # "0 votes" on every note while people are still writing is noise.
    show_total = (activity.votes_revealed or viewer.is_facilitator) and (
        total or activity.phase in (rules.VOTE, rules.DISCUSS)
    )
    return {
        "note": note,
        "activity": activity,
        "workshop": workshop,
        "promotions": _promotions(note),
        "visible": visible,
        "is_author": is_author,
        "author_shown": workshop.names_shown and note.author_name,
        "may_edit": _may(rules.EDIT, activity, viewer, is_author=is_author),
        "may_move": _may(rules.MOVE, activity, viewer, is_author=is_author),
        "may_group": _may(rules.GROUP_NOTES, activity, viewer, is_author=is_author),
        "may_vote": _may(rules.VOTE_NOTES, activity, viewer, is_author=is_author)
        and activity.votes_per_person > 0,
        "may_promote": viewer.is_facilitator,
        "step_options": _step_options(
            tuple(steps if steps is not None else (step_choices() if viewer.is_facilitator else []))
        ),
        "url": note_url(activity, note),
        "total_votes": total if show_total else None,
        "mine": viewer.my_votes.get(note.pk, 0),
        "zones": zones if zones is not None else list(activity.zones.all()),
        "clusters": clusters if clusters is not None else list(activity.clusters.all()),
        "colours": Note.Colour.choices,
        "broadcast": viewer.broadcast,
        "oob": oob,
    }


# --- notes as most people see them, rendered once per state of the board ----------------------
# A phase change makes every open page fetch its board again: 200 people at once, each with a
# few notes of their own among hundreds they did not write. A note someone neither wrote nor
# voted on looks the same to everyone of their kind, so each worker renders it once per state
# of the board and shares the HTML; only the CSRF token differs, and goes in per page. The
# state is the board's live sequence number (every change to a board publishes an event)
# plus what the notes' look depends on, so a change anywhere starts a fresh set.

PAGE = "workshops/board.html"
SHARED_CSRF = "sharedcsrftokenplaceholder"
_SHARED_BOARDS = 32
_shared: OrderedDict[int, tuple[tuple, dict[tuple, tuple[bool, SafeString]]]] = OrderedDict()


def _shared_notes(activity: Activity, state: tuple) -> dict[tuple, tuple[bool, SafeString]]:
    entry = _shared.get(activity.pk)
    if entry is None or entry[0] != state:
        entry = (state, {})
        _shared[activity.pk] = entry
        while len(_shared) > _SHARED_BOARDS:
            _shared.popitem(last=False)
    else:
        _shared.move_to_end(activity.pk)
    return entry[1]


def _board_state(
    activity: Activity, viewer: Viewer, seq: int, zones: list[Zone], clusters: list[Cluster]
) -> tuple | None:
    """What a shared note's look depends on besides the note, or None when this viewer's
    notes are their own to render (facilitators, and fragments sent live)."""
    if viewer.is_facilitator or viewer.broadcast:
        return None
    workshop = activity.workshop
    return (
        seq,
        workshop.pk,
        workshop.organisation.slug,
        viewer.participant is None,
        viewer.can_contribute,
        activity.phase,
        activity.private_writing,
        activity.votes_revealed,
        activity.votes_per_person,
        workshop.status,
        workshop.names_shown,
        tuple((z.pk, z.name) for z in zones),
        tuple((c.pk, c.name) for c in clusters),
    )


def _promotions(note: Note) -> list:
    found = getattr(note, "promotion_list", None)
    return found if found is not None else list(note.promotions.all())


def _note_key(note: Note) -> tuple:
    cluster = note.cluster.name if note.cluster_id else ""
    promotions = tuple(p.pk for p in _promotions(note))
    votes = getattr(note, "vote_count", None)
    return (note.pk, note.version, note.zone_id, note.colour, note.text, cluster, votes, promotions)


def _shared_note(
    note: Note, activity: Activity, viewer: Viewer, shared: dict, **lists
) -> dict | None:
    """A shared note's context for the zone partial ({"html": ..., "visible": ...}), or None
    when this viewer sees the note as only they do (wrote it, voted on it)."""
    if _is_author(note, viewer) or viewer.my_votes.get(note.pk):
        return None
    key = _note_key(note)
    found = shared.get(key)
    if found is None:
        n = note_context(note, activity, viewer, **lists)
        html = render_to_string(f"{PAGE}#note", {"n": n, "csrf_token": SHARED_CSRF})
        found = shared[key] = (n["visible"], SafeString(html))
    visible, html = found
    return {"visible": visible, "html": SafeString(html.replace(SHARED_CSRF, viewer.csrf_token))}


def _note_html(n: dict, viewer: Viewer) -> str:
    if "html" in n:
        return n["html"]
    return render_to_string(f"{PAGE}#note", {"n": n, "csrf_token": viewer.csrf_token or None})


def zone_context(
    zone: Zone,
    notes: list[Note],
    activity: Activity,
    viewer: Viewer,
    *,
    zones: list[Zone] | None = None,
    clusters: list[Cluster] | None = None,
    steps: list[tuple[int, str]] | None = None,
    shared: dict | None = None,
) -> dict:
    lists = {"zones": zones, "clusters": clusters, "steps": steps}
    shown = [
        (shared is not None and _shared_note(n, activity, viewer, shared, **lists))
        or note_context(n, activity, viewer, **lists)
        for n in notes
    ]
    visible = [c for c in shown if c["visible"]]
    return {
        "zone": zone,
        "activity": activity,
        "notes": visible,
        # Joined here rather than looped over in the template: a board has hundreds of notes.
        "notes_html": SafeString("".join(_note_html(c, viewer) for c in visible)),
        "written": len(notes),
        "private": activity.private_writing and activity.phase == rules.WRITE,
        "may_add": _may(rules.ADD, activity, viewer, is_author=True),
        "colours": Note.Colour.choices,
        "broadcast": viewer.broadcast,
    }


def zone_count_context(zone: Zone, written: int, activity: Activity) -> dict:
    return {"zone": zone, "written": written, "activity": activity}


@lru_cache(maxsize=8)
def _step_options(steps: tuple[tuple[int, str], ...]) -> SafeString:
    # Rendered once per list of steps, not once per note: a board has hundreds of notes.
    return format_html_join("", '<option value="{}">{}. {}</option>', ((n, n, t) for n, t in steps))


def note_url(activity: Activity, note: Note) -> str:
    """The note's address; its actions (move/, vote/, ...) are below it (workshops/urls.py)."""
    return reverse(
        "workshops:note_edit",
        kwargs={
            "org_slug": activity.workshop.organisation.slug,
            "workshop_id": activity.workshop_id,
            "activity_id": activity.pk,
            "note_id": note.pk,
        },
    )


def step_choices() -> list[tuple[int, str]]:
    """The journey's steps a facilitator can promote a note into: (number, title)."""
    return list(StepDefinition.objects.order_by("number").values_list("number", "title"))


def timer_context(activity: Activity) -> dict:
    now = timezone.now()
    ends_at = activity.timer_ends_at
    remaining = int((ends_at - now).total_seconds()) if ends_at and ends_at > now else 0
    return {"activity": activity, "ends_at": ends_at, "remaining": remaining}


def phase_context(activity: Activity, viewer: Viewer, votes_left: int | None = None) -> dict:
    return {
        "activity": activity,
        "workshop": activity.workshop,
        "phases": Activity.Phase.choices,
        "phase_help": rules.PHASE_HELP.get(activity.phase, ""),
        "viewer": viewer,
        "votes_left": votes_left,
        "broadcast": viewer.broadcast,
        "waiting": activity.workshop.participants.filter(admitted=False).count()
        if viewer.is_facilitator
        else 0,
    }


def clusters_context(activity: Activity, clusters: list[Cluster], viewer: Viewer) -> dict:
    return {
        "activity": activity,
        "clusters": clusters,
        "may_group": viewer.is_facilitator
        or (viewer.can_contribute and activity.phase == rules.GROUP),
        "may_rename": viewer.is_facilitator and activity.workshop.status != "ended",
        "broadcast": viewer.broadcast,
    }


def votes_left(activity: Activity, viewer: Viewer) -> int | None:
    if viewer.participant is None or activity.votes_per_person == 0 or activity.phase != "vote":
        return None
    return max(0, activity.votes_per_person - sum(viewer.my_votes.values()))


def board_context(activity: Activity, viewer: Viewer) -> dict:
    """The whole board for one viewer: zones with their notes, groups, phase and timer, and
    `after`, the live sequence number it is as new as (read first: a change made while the
    board is read is then sent again, never missed)."""
    after = live.latest_seq(channel(activity))
    notes = selectors.board_notes_shown(activity)
    all_zones = selectors.board_zones(activity)
    clusters = selectors.board_clusters(activity)
    steps = step_choices() if viewer.is_facilitator else []
    state = _board_state(activity, viewer, after, all_zones, clusters)
    shared = _shared_notes(activity, state) if state is not None else None
    return {
        "activity": activity,
        "workshop": activity.workshop,
        "viewer": viewer,
        "zones": zones_context(
            activity, viewer, notes, all_zones, clusters, steps=steps, shared=shared
        ),
        "clusters": clusters_context(activity, clusters, viewer),
        "phase": phase_context(activity, viewer, votes_left(activity, viewer)),
        "timer": timer_context(activity),
        "after": after,
    }


def zones_context(
    activity: Activity,
    viewer: Viewer,
    notes: list[Note],
    zones: list[Zone],
    clusters: list[Cluster],
    *,
    steps: list[tuple[int, str]],
    shared: dict | None = None,
) -> list[dict]:
    """Every zone with its notes (in board order) as `viewer` sees them."""
    by_zone: dict[int, list[Note]] = {}
    for note in notes:
        by_zone.setdefault(note.zone_id, []).append(note)
    return [
        zone_context(
            zone,
            by_zone.get(zone.pk, []),
            activity,
            viewer,
            zones=zones,
            clusters=clusters,
            steps=steps,
            shared=shared,
        )
        for zone in zones
    ]
