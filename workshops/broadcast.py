"""The live events a board write sends: out-of-band fragments, rendered once per audience.

Called by the services inside their transaction (kernel.live.publish numbers and stores the
event there, so it is seen only if the write commits). Audiences are published from the
widest to the narrowest ("all", then "facilitators", then the author), so a viewer in several
keeps the fragment meant most closely for them.
"""

import re

from django.template.loader import render_to_string

from kernel import live
from organisations.models import Membership
from organisations.roles import Action, can

from . import board, rules, selectors
from .board import ALL, FACILITATORS, WATCHERS, Viewer, participant_audience
from .models import Activity, Cluster, Note, Participant, Vote, Workshop, Zone

PAGE = board.PAGE


# A textarea's text is the person's own, every space of it; elsewhere in a fragment a line's
# indentation and the blank lines the template's tags leave are only bytes on the wire (each
# line of an event costs "data: " more), 200 times over.
_TEXTAREA = re.compile(r"(<textarea\b.*?</textarea>)", re.DOTALL)
_INDENT = re.compile(r"\n\s+")


def _compact(html: str) -> str:
    parts = _TEXTAREA.split(html)
    # split() with a group: the textareas are at the odd places, left as they are.
    return "".join(p if i % 2 else _INDENT.sub("\n", p) for i, p in enumerate(parts))


def _render(partial: str, context: dict) -> str:
    return _compact(render_to_string(f"{PAGE}#{partial}", context))


def _publish(activity: Activity, data: str, audience: str = ALL, event: str = "message") -> None:
    live.publish(board.channel(activity), data=data, audience=audience, event=event)


def _current(activity: Activity) -> Activity:
    """Lock the board's channel, then read again what its fragments' look depends on.

    The writer loaded the activity before its transaction; a phase change committed since
    would otherwise have the writer's fragments, rendered for the old phase, numbered after
    the board pushed for the new one, and replace it on every page.
    """
    live.hold(board.channel(activity))
    fresh = (
        Activity.objects.filter(pk=activity.pk)
        .values_list(
            "phase",
            "private_writing",
            "votes_revealed",
            "votes_per_person",
            "workshop__status",
            "workshop__names_shown",
        )
        .first()
    )
    if fresh is not None:
        (
            activity.phase,
            activity.private_writing,
            activity.votes_revealed,
            activity.votes_per_person,
            activity.workshop.status,
            activity.workshop.names_shown,
        ) = fresh
    return activity


def _personal(participant: Participant, runners: set[int], my_votes: dict[int, int]) -> Viewer:
    """A fragment for one participant: as they see notes (as a facilitator when their role
    runs workshops, see _runners), with their votes."""
    return Viewer(
        participant=participant,
        is_facilitator=participant.pk in runners,
        can_contribute=True,
        broadcast=True,
        my_votes=my_votes,
    )


def _note_fragments(note: Note, activity: Activity, *, place: str) -> list[tuple[str, str]]:
    """(audience, fragment) for every audience that sees this note, widest first.

    `place` is "replace" (the note stays where it is) or "append" (it goes to the end of its
    zone, removed first from wherever it was, so a repeated event never shows it twice).
    Everyone taking part gets the note with what they may do with it (vote, group); members
    watching without taking part, the facilitators, its author and those who voted on it
    each get their own copy after that one.
    """
    private = activity.private_writing and activity.phase == "write"
    votes: dict[int, int] = {}
    for participant_id in Vote.objects.filter(note=note).values_list("participant_id", flat=True):
        votes[participant_id] = votes.get(participant_id, 0) + 1
    viewers: list[tuple[str, Viewer]] = []
    if not private:
        viewers.append((ALL, board.PARTICIPANT_AUDIENCE))
        viewers.append((WATCHERS, board.EVERYONE))
    viewers.append((FACILITATORS, board.FACILITATOR_AUDIENCE))
    # Its author, then (unless private) those who voted on it.
    people = [note.author] if note.author is not None else []
    if not private:
        people += Participant.objects.filter(pk__in=set(votes) - {note.author_id}).order_by("pk")
    runners = _runners(activity.workshop, people)
    viewers += [
        (
            participant_audience(person.pk),
            _personal(person, runners, {note.pk: votes[person.pk]} if person.pk in votes else {}),
        )
        for person in people
    ]
    fragments = []
    steps = board.step_choices()
    lists = {"zones": selectors.board_zones(activity), "clusters": list(activity.clusters.all())}
    for audience, viewer in viewers:
        context = board.note_context(
            note,
            activity,
            viewer,
            oob="true" if place == "replace" else "",
            steps=steps if viewer.is_facilitator else [],
            **lists,
        )
        partial = "note-append" if place == "append" else "note"
        fragments.append((audience, _render(partial, {"n": context})))
    return fragments


def _zone_counts(activity: Activity, *zones: Zone) -> list[tuple[str, str]]:
    """While writing is private, everyone sees how many notes each zone has."""
    if not (activity.private_writing and activity.phase == "write"):
        return []
    return [
        (ALL, _render("zone-count", {**board.zone_count_context(zone, n, activity), "oob": True}))
        for zone, n in ((zone, zone.notes.count()) for zone in zones)
    ]


def _publish_note_events(activity: Activity, events: list[tuple[str, str]]) -> None:
    live.publish_many(board.channel(activity), [(data, a, "message") for a, data in events])


def note_added(note: Note, activity: Activity) -> None:
    _current(activity)
    events = _note_fragments(note, activity, place="append") + _zone_counts(activity, note.zone)
    _publish_note_events(activity, events)


def note_changed(note: Note, activity: Activity) -> None:
    _current(activity)
    _publish_note_events(activity, _note_fragments(note, activity, place="replace"))


def note_moved(note: Note, activity: Activity, old_zone: Zone) -> None:
    _current(activity)
    events = _note_fragments(note, activity, place="append")
    _publish_note_events(activity, events + _zone_counts(activity, old_zone, note.zone))


def note_removed(note: Note, activity: Activity) -> None:
    _current(activity)
    fragment = _render("note-removed", {"note": note})
    if activity.private_writing and activity.phase == "write":
        # Only those who could see the note have it on their page.
        events = [(FACILITATORS, fragment)]
        if note.author_id:
            events.append((participant_audience(note.author_id), fragment))
    else:
        events = [(ALL, fragment)]
    _publish_note_events(activity, events + _zone_counts(activity, note.zone))


def votes_changed(note: Note, activity: Activity, participant: Participant) -> None:
    _current(activity)
    total = note.votes.count()
    total_fragment = _render("note-total", {"note": note, "total_votes": total, "oob": True})
    _publish(activity, total_fragment, ALL if activity.votes_revealed else FACILITATORS)
    viewer = Viewer(
        participant=participant,
        can_contribute=True,
        broadcast=True,
        my_votes=_my_votes(activity, participant),
    )
    mine = viewer.my_votes.get(note.pk, 0)
    fragment = _render(
        "note-mine",
        {"note": note, "mine": mine, "broadcast": True, "activity": activity, "oob": True},
    ) + _render("votes-left", {"votes_left": board.votes_left(activity, viewer), "oob": True})
    _publish(activity, fragment, participant_audience(participant.pk))


def _my_votes(activity: Activity, participant: Participant) -> dict[int, int]:
    return selectors.my_votes(activity=activity, participant=participant)


def clusters_changed(activity: Activity) -> None:
    _current(activity)
    _clusters(activity)


def cluster_added(cluster: Cluster, activity: Activity) -> None:
    """A new group: offered in every note's group menu, one small fragment for all pages."""
    _current(activity)
    _publish(activity, _render("cluster-added", {"cluster": cluster}))
    _clusters(activity)


def cluster_renamed(cluster: Cluster, activity: Activity) -> None:
    """A group's new name, on its notes and in every note's group menu."""
    _current(activity)
    _publish(activity, _render("cluster-renamed", {"cluster": cluster}))
    _clusters(activity)


def _clusters(activity: Activity) -> None:
    clusters = selectors.board_clusters(activity)
    for audience, viewer in ((ALL, board.EVERYONE), (FACILITATORS, board.FACILITATOR_AUDIENCE)):
        context = board.clusters_context(activity, clusters, viewer)
        _publish(activity, _render("clusters", {"cl": {**context, "oob": True}}), audience)


def timer_changed(activity: Activity) -> None:
    """The timer's end, sent once: each page counts down to it by itself."""
    _publish(activity, _render("timer", {"t": {**board.timer_context(activity), "oob": True}}))


def board_changed(activity: Activity, notice: str = "") -> None:
    """The phase or the votes' visibility changed: every page gets its board pushed.

    Each page used to fetch its whole board again, 200 at once for a room full of people. Now
    the board is rendered once for everyone taking part (on notes they neither wrote nor
    voted on) and once for the facilitators, and each person who wrote or voted on notes
    gets just those notes as they see them, sent after: the stream delivers in order, so
    their own copy is the one that stays. Members watching without taking part fetch their
    own board (a reset to "watchers"): there are few of them.
    """
    # Locked first: a note written meanwhile waits, and is numbered after this board.
    live.hold(board.channel(activity))
    notes = selectors.board_notes_shown(activity)
    zones = selectors.board_zones(activity)
    clusters = selectors.board_clusters(activity)
    steps = board.step_choices()
    voting = activity.phase == rules.VOTE and activity.votes_per_person > 0
    notice_html = _render("notice", {"notice": notice, "oob": True}) if notice else ""
    events: list[tuple[str, str, str]] = []
    for audience, viewer, left in (
        (ALL, board.PARTICIPANT_AUDIENCE, activity.votes_per_person if voting else None),
        (FACILITATORS, board.FACILITATOR_AUDIENCE, None),
    ):
        parts = [
            notice_html,
            _render(
                "phasebar", {"p": {**board.phase_context(activity, viewer, left), "oob": True}}
            ),
            _render(
                "clusters",
                {"cl": {**board.clusters_context(activity, clusters, viewer), "oob": True}},
            ),
            _render(
                "zones",
                {
                    "zones": board.zones_context(
                        activity,
                        viewer,
                        notes,
                        zones,
                        clusters,
                        steps=steps if viewer.is_facilitator else [],
                    ),
                    "zones_oob": True,
                },
            ),
        ]
        events.append(("".join(parts), audience, "message"))
    events.append((_render("board-changed", {"activity": activity}), WATCHERS, "reset"))
    for audience, fragment in _own_notes(activity, notes, zones, clusters, steps, voting):
        events.append((fragment, audience, "message"))
    live.publish_many(board.channel(activity), events)


def _own_notes(
    activity: Activity,
    notes: list[Note],
    zones: list[Zone],
    clusters: list,
    steps: list[tuple[int, str]],
    voting: bool,
) -> list[tuple[str, str]]:
    """(audience, fragment) for each participant who wrote or voted on notes of the board:
    those notes as they see them, and in a vote how many votes they have left."""
    votes: dict[int, dict[int, int]] = {}
    for participant_id, note_id in Vote.objects.filter(note__activity=activity).values_list(
        "participant_id", "note_id"
    ):
        mine = votes.setdefault(participant_id, {})
        mine[note_id] = mine.get(note_id, 0) + 1
    ids = {n.author_id for n in notes if n.author_id} | set(votes)
    participants = {p.pk: p for p in Participant.objects.filter(pk__in=ids, admitted=True)}
    runners = _runners(activity.workshop, participants.values())
    private = activity.private_writing and activity.phase == rules.WRITE
    # Each participant's notes (written or voted on), in board order.
    voters: dict[int, set[int]] = {}
    for pk, mine in votes.items():
        for note_id in mine:
            voters.setdefault(note_id, set()).add(pk)
    theirs: dict[int, list[Note]] = {}
    for note in notes:
        for pk in ({note.author_id} | voters.get(note.pk, set())) - {None}:
            theirs.setdefault(pk, []).append(note)
    fragments = []
    for pk, participant in sorted(participants.items()):
        viewer = _personal(participant, runners, votes.get(pk, {}))
        parts = []
        for note in theirs.get(pk, []):
            # Hidden from everyone else while private: not on their board yet, so it is added.
            added = private and note.author_id == pk
            n = board.note_context(
                note,
                activity,
                viewer,
                oob="" if added else "true",
                zones=zones,
                clusters=clusters,
                steps=steps if viewer.is_facilitator else [],
            )
            if n["visible"]:
                parts.append(_render("note-append" if added else "note", {"n": n}))
        if voting and viewer.my_votes:
            left = board.votes_left(activity, viewer)
            parts.append(_render("votes-left", {"votes_left": left, "oob": True}))
        if parts:
            fragments.append((participant_audience(pk), "".join(parts)))
    return fragments


def _runners(workshop: Workshop, participants) -> set[int]:
    """The participants (members) whose role runs workshops: they see notes as facilitators."""
    users = {p.user_id: p.pk for p in participants if p.user_id is not None}
    if not users:
        return set()
    roles = Membership.objects.filter(
        organisation_id=workshop.organisation_id, user_id__in=users
    ).values_list("user_id", "role")
    return {users[user_id] for user_id, role in roles if can(role, Action.WORKSHOP_RUN)}


def board_reset(activity: Activity, audience: str = ALL) -> None:
    """The phase, the reveal or the zones changed: every page fetches its own board again.

    A streaming page re-fetches on the event itself; a page that fell back to polling reads
    the event's fragment instead, a notice with a link to reload.
    """
    _publish(activity, _render("board-changed", {"activity": activity}), audience, event="reset")


def moved_on(previous: Activity, current: Activity) -> None:
    """The facilitator started another activity: those still on this board get a link there."""
    _publish(previous, _render("moved-on", {"activity": previous, "current": current}))


def waiting_changed(workshop: Workshop) -> None:
    """Someone waits to be let in: the facilitators' board shows them."""
    activity = workshop.current_activity
    if activity is not None:
        activity.workshop = workshop
        # Only the phase bar shows who waits: a whole board fetched again per arrival would
        # cost a facilitator's page a second each with 200 people coming in.
        p = {**board.phase_context(activity, board.FACILITATOR_AUDIENCE), "oob": True}
        _publish(activity, _render("phasebar", {"p": p}), FACILITATORS)
