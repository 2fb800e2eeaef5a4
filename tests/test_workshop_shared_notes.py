"""Notes that look the same to many participants are rendered once per state of the board and
shared between their pages (workshops/board.py): what each person sees must stay exactly
what they would see without the sharing."""

import re

import pytest

from organisations.roles import Role
from workshops import board, services
from workshops.models import Activity, Workshop
from workshops.testing import join_as_guest, plan_workshop, start


@pytest.fixture
def activity(organisation, members):
    workshop = plan_workshop(organisation, by=members[Role.FACILITATOR])
    activity = start(workshop)
    Activity.objects.filter(pk=activity.pk).update(private_writing=False)
    activity.refresh_from_db()
    return activity


def _url(activity: Activity, tail: str = "") -> str:
    workshop = activity.workshop
    return f"/o/{workshop.organisation.slug}/workshops/{workshop.pk}/board/{activity.pk}/{tail}"


def _add(client, activity, text):
    zone = activity.zones.first()
    response = client.post(_url(activity, "notes/"), {"zone": zone.pk, "text": text})
    assert response.status_code == 302
    return activity.notes.get(text=text)


def _note_html(page: str, note_id: int) -> str:
    found = re.search(rf'<li id="note-{note_id}".*?</li>', page, re.S)
    assert found, f"note {note_id} not on the page"
    return found.group(0)


def _csrf(page: str) -> set[str]:
    return set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page))


def _phase(activity: Activity, phase: str) -> None:
    activity.refresh_from_db()
    services.phase_set(activity=activity, phase=phase, base_version=activity.version)


def test_two_people_see_a_note_neither_wrote_alike_each_with_their_own_token(activity):
    (ann, _), (bob, _), (cat, _) = (join_as_guest(activity.workshop, n) for n in "ABC")
    note = _add(cat, activity, "Shared by many")
    _phase(activity, "vote")

    ann_page = ann.get(_url(activity)).content.decode()
    renders_before = len(board._shared[activity.pk][1])
    bob_page = bob.get(_url(activity)).content.decode()

    # Bob's page took the note Ann's page rendered: nothing new was rendered for it.
    assert len(board._shared[activity.pk][1]) == renders_before == 1
    ann_note, bob_note = _note_html(ann_page, note.pk), _note_html(bob_page, note.pk)
    assert "Vote" in ann_note
    assert board.SHARED_CSRF not in ann_page + bob_page
    # The same note apart from the token, and each token is the one of that page's forms.
    assert _csrf(ann_note) and _csrf(ann_note) == _csrf(ann_page)
    assert _csrf(bob_note) == _csrf(bob_page)
    token = re.compile(r'value="[^"]+" name="csrf|name="csrfmiddlewaretoken" value="[^"]+"')
    assert token.sub("", ann_note) == token.sub("", bob_note)


def test_a_persons_own_note_and_the_notes_they_voted_on_stay_their_own(activity):
    (ann, _), (bob, _) = (join_as_guest(activity.workshop, n) for n in "AB")
    mine = _add(ann, activity, "Ann's own")
    theirs = _add(bob, activity, "Bob's")
    _phase(activity, "vote")
    ann.post(_url(activity, f"notes/{theirs.pk}/vote/"))

    page = ann.get(_url(activity)).content.decode()

    assert "note--mine" in _note_html(page, mine.pk)
    assert "You voted." in _note_html(page, theirs.pk)
    bob_page = bob.get(_url(activity)).content.decode()
    assert "You voted." not in _note_html(bob_page, theirs.pk)
    assert "note--mine" not in _note_html(bob_page, mine.pk)


def test_a_change_to_the_note_or_the_board_is_seen_at_once(activity):
    (ann, _), (bob, _) = (join_as_guest(activity.workshop, n) for n in "AB")
    note = _add(bob, activity, "First words")
    assert "First words" in ann.get(_url(activity)).content.decode()

    bob.post(_url(activity, f"notes/{note.pk}/"), {"text": "Second words", "version": 1})
    page = ann.get(_url(activity)).content.decode()
    assert "Second words" in _note_html(page, note.pk)

    # A setting changed without any live event (straight in the database) is seen too.
    Workshop.objects.filter(pk=activity.workshop_id).update(names_shown=True)
    page = ann.get(_url(activity)).content.decode()
    assert "note__author" in _note_html(page, note.pk)


def test_facilitators_see_their_own_board_not_the_shared_notes(activity, members, client_as):
    (bob, _) = join_as_guest(activity.workshop, "B")
    note = _add(bob, activity, "Tidy me")
    facilitator = client_as(members[Role.FACILITATOR])

    page = facilitator.get(_url(activity)).content.decode()

    assert "Add to the journey" in _note_html(page, note.pk)


def test_the_board_says_which_event_it_is_as_new_as(activity):
    (bob, _) = join_as_guest(activity.workshop, "B")
    _add(bob, activity, "One")
    from kernel import live

    context = board.board_context(activity, board.Viewer())

    assert context["after"] == live.latest_seq(board.channel(activity)) > 0
