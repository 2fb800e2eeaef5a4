"""The live board: notes, groups, phases, votes and the timer, by plain requests and by htmx,
and the live events each write sends to its audiences."""

import pytest
from django.test import Client

from kernel.models import LiveEvent
from organisations.roles import Role
from tests.conftest import HTMX
from workshops import services
from workshops.board import channel
from workshops.models import Activity, Cluster, Note, Vote
from workshops.testing import join_as_guest, plan_workshop, start


@pytest.fixture
def workshop(organisation, members):
    return plan_workshop(organisation, by=members[Role.FACILITATOR])


@pytest.fixture
def activity(workshop):
    return start(workshop)


@pytest.fixture
def kim(workshop, activity):
    return join_as_guest(workshop, "Kim")


@pytest.fixture
def rob(workshop, activity):
    return join_as_guest(workshop, "Rob")


@pytest.fixture
def facilitator(members, client_as):
    return client_as(members[Role.FACILITATOR])


def _url(activity: Activity, tail: str = "") -> str:
    workshop = activity.workshop
    return f"/o/{workshop.organisation.slug}/workshops/{workshop.pk}/board/{activity.pk}/{tail}"


def _add(client: Client, activity: Activity, text: str, zone=None, **extra):
    zone = zone or activity.zones.first()
    return client.post(_url(activity, "notes/"), {"zone": zone.pk, "text": text}, **extra)


def _phase(activity: Activity, phase: str) -> Activity:
    activity.refresh_from_db()
    return services.phase_set(activity=activity, phase=phase, base_version=activity.version)


def _events(activity: Activity) -> list[LiveEvent]:
    return list(LiveEvent.objects.filter(channel__name=channel(activity)).order_by("seq"))


# --- the page ----------------------------------------------------------------------------------


def test_it_shows_the_board_with_its_zones(kim, activity):
    client, _ = kim

    response = client.get(_url(activity))

    assert response.status_code == 200
    assert b"Hopes" in response.content and b"Concerns" in response.content
    assert b"sse-connect" in response.content
    assert b"Vary" not in response.content
    assert "HX-Request" in response["Vary"]


def test_it_sends_only_the_live_part_to_htmx(kim, activity):
    client, _ = kim

    response = client.get(_url(activity), **HTMX)

    assert response.status_code == 200
    assert response.content.lstrip().startswith(b'<div id="board"')
    assert "HX-Request" in response["Vary"]


def test_it_lets_an_executive_watch_without_writing(activity, members, client_as):
    client = client_as(members[Role.EXECUTIVE])

    page = client.get(_url(activity))

    assert page.status_code == 200
    assert b"Add note" not in page.content
    assert _add(client, activity, "hello").status_code == 403


def test_it_hides_the_board_from_an_outsider(activity, outsider, client_as):
    assert client_as(outsider).get(_url(activity)).status_code == 404


def test_it_hides_another_workshops_board_from_a_participant(organisation, members, kim):
    client, _ = kim
    other = plan_workshop(organisation, by=members[Role.FACILITATOR], title="Other")
    other_activity = start(other)

    assert client.get(_url(other_activity)).status_code == 404
    assert _add(client, other_activity, "sneaky").status_code == 404
    assert not other_activity.notes.exists()


def test_it_refuses_an_activity_of_another_workshop_under_this_workshops_address(
    organisation, members, workshop, kim
):
    client, _ = kim
    other = plan_workshop(organisation, by=members[Role.FACILITATOR], title="Other")
    foreign = other.activities.first()
    url = f"/o/acme/workshops/{workshop.pk}/board/{foreign.pk}/"

    assert client.get(url).status_code == 404
    assert (
        client.post(url + "notes/", {"zone": foreign.zones.first().pk, "text": "x"}).status_code
        == 404
    )


def test_it_refuses_a_stream_to_someone_without_a_grant(activity, client, outsider, client_as):
    anonymous = client.get(_url(activity, "stream/"))
    stranger = client_as(outsider).get(_url(activity, "stream/"))
    polled = client.get(_url(activity, "poll/"))

    assert anonymous.status_code == 302
    assert anonymous.url.startswith("/accounts/login/")
    assert stranger.status_code == 404
    assert polled.status_code == 302


def test_it_streams_the_board_to_a_participant(kim, activity):
    client, _ = kim

    response = client.get(_url(activity, "poll/") + "?after=0")

    assert response.status_code == 200
    assert "Live-Seq" in response


# --- notes -------------------------------------------------------------------------------------


def test_it_adds_a_note_and_goes_back_to_the_board(kim, activity):
    client, participant = kim

    response = _add(client, activity, "Faster answers for the business")

    assert response.status_code == 302
    assert response.url == _url(activity)
    note = activity.notes.get()
    assert note.text == "Faster answers for the business"
    assert note.author == participant


def test_it_adds_a_note_under_htmx_as_an_out_of_band_fragment(kim, activity):
    client, _ = kim

    response = _add(client, activity, "Less waiting", **HTMX)

    assert response.status_code == 200
    note = activity.notes.get()
    body = response.content.decode()
    assert f'hx-swap-oob="beforeend:#zone-notes-{note.zone_id}"' in body
    assert "Less waiting" in body
    assert "Note added." in body


def test_it_shows_html_in_a_note_as_text(kim, rob, activity, facilitator):
    client, _ = kim
    _phase(activity, "reveal")
    _add(client, activity, '<script>alert("x")</script><b>bold</b>')

    for viewer in (client, rob[0], facilitator):
        page = viewer.get(_url(activity)).content.decode()
        assert "<script>alert" not in page
        assert "&lt;script&gt;alert" in page
    fragments = "".join(e.data for e in _events(activity))
    assert "<script>alert" not in fragments
    assert "&lt;b&gt;bold&lt;/b&gt;" in fragments


def test_it_refuses_a_note_over_the_limit_and_keeps_the_text(kim, activity):
    client, _ = kim
    long = "word " * 60

    response = _add(client, activity, long)

    assert response.status_code == 400
    assert "at most 280 characters" in response.content.decode()
    assert long.strip() in response.content.decode()
    assert not activity.notes.exists()


def test_it_refuses_an_empty_note(kim, activity):
    client, _ = kim

    response = _add(client, activity, "   ", **HTMX)

    assert response.status_code == 400
    assert b"Write something" in response.content


def test_it_refuses_a_note_in_a_zone_of_another_board(kim, workshop, activity):
    client, _ = kim
    other_zone = workshop.activities.exclude(pk=activity.pk).first().zones.first()

    response = _add(client, activity, "Misplaced", zone=other_zone)

    assert response.status_code == 400
    assert not Note.objects.exists()


def test_it_slows_down_a_flood_of_notes_with_a_429(kim, activity):
    client, _ = kim

    statuses = [_add(client, activity, f"idea {n}").status_code for n in range(25)]

    assert statuses[:20] == [302] * 20
    assert statuses[-1] == 429
    last = _add(client, activity, "one more")
    assert "faster than anyone can read" in last.content.decode()
    assert "one more" in last.content.decode()
    assert last["Retry-After"]
    assert activity.notes.count() == 20


def test_it_lets_the_author_edit_their_note(kim, activity):
    client, _ = kim
    _add(client, activity, "Draft")
    note = activity.notes.get()

    response = client.post(
        _url(activity, f"notes/{note.pk}/"),
        {"text": "Final", "colour": "pink", "version": note.version},
        **HTMX,
    )

    assert response.status_code == 200
    note.refresh_from_db()
    assert (note.text, note.colour, note.version) == ("Final", "pink", 2)


def test_it_refuses_to_edit_someone_elses_note(kim, rob, activity):
    _add(kim[0], activity, "Kim's")
    note = activity.notes.get()

    response = rob[0].post(
        _url(activity, f"notes/{note.pk}/"), {"text": "Rob's now", "version": note.version}
    )

    assert response.status_code == 400
    assert b"only your own notes" in response.content
    note.refresh_from_db()
    assert note.text == "Kim's"


def test_it_never_silently_overwrites_a_note(kim, activity, facilitator):
    client, _ = kim
    _add(client, activity, "First")
    note = activity.notes.get()
    facilitator.post(
        _url(activity, f"notes/{note.pk}/"), {"text": "Tidied", "version": note.version}
    )

    response = client.post(
        _url(activity, f"notes/{note.pk}/"), {"text": "Mine", "version": note.version}, **HTMX
    )

    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone changed this note" in body
    assert "Tidied" in body
    note.refresh_from_db()
    assert note.text == "Tidied"
    # The board's forms swap nothing themselves: the notice and the note come out of band,
    # the note at its new version with the menu open and the person's text in the edit box.
    assert 'id="board-notice" class="board-notice board-notice--problem"' in body
    assert body.count('hx-swap-oob="true"') == 2
    assert '<details class="note__menu" open>' in body
    assert f'name="version" value="{note.version}"' in body
    assert ">Mine</textarea>" in body


def test_a_conflict_without_htmx_keeps_the_text_on_the_page(kim, activity, facilitator):
    client, _ = kim
    _add(client, activity, "First")
    note = activity.notes.get()
    facilitator.post(
        _url(activity, f"notes/{note.pk}/"), {"text": "Tidied", "version": note.version}
    )

    response = client.post(
        _url(activity, f"notes/{note.pk}/"), {"text": "Mine", "version": note.version}
    )

    assert response.status_code == 409
    body = response.content.decode()
    assert "What you wrote, to copy: <q>Mine</q>" in body
    assert "<!doctype html>" in body


def test_a_refusal_under_htmx_shows_its_notice_out_of_band(kim, rob, activity):
    client, _ = kim
    _add(rob[0], activity, "Rob's")
    note = activity.notes.get()

    response = client.post(
        _url(activity, f"notes/{note.pk}/"), {"text": "Not mine", "version": note.version}, **HTMX
    )

    assert response.status_code == 400
    assert response["HX-Reswap"] == "none"
    body = response.content.decode()
    assert body.strip().startswith('<div id="board-notice"')
    assert 'hx-swap-oob="true"' in body
    assert "only your own notes" in body


def test_it_moves_a_note_to_another_zone(kim, activity):
    client, _ = kim
    _add(client, activity, "Worry")
    note = activity.notes.get()
    concerns = activity.zones.get(name="Concerns")

    response = client.post(
        _url(activity, f"notes/{note.pk}/move/"), {"zone": concerns.pk, "version": note.version}
    )

    assert response.status_code == 302
    note.refresh_from_db()
    assert note.zone == concerns


def test_it_deletes_only_at_the_version_seen(kim, activity):
    client, _ = kim
    _add(client, activity, "Oops")
    note = activity.notes.get()

    stale = client.post(_url(activity, f"notes/{note.pk}/delete/"), {"version": 0})
    fresh = client.post(_url(activity, f"notes/{note.pk}/delete/"), {"version": note.version})

    assert stale.status_code == 409
    assert fresh.status_code == 302
    assert not activity.notes.exists()


def test_it_lets_a_facilitator_move_merge_and_delete_anyones_note(kim, activity, facilitator):
    client, _ = kim
    _add(client, activity, "Data quality")
    _add(client, activity, "Quality of data")
    first, second = activity.notes.order_by("pk")

    merged = facilitator.post(_url(activity, f"notes/{second.pk}/merge/"), {"into": first.pk})
    deleted = facilitator.post(
        _url(activity, f"notes/{first.pk}/delete/"), {"version": first.version + 1}
    )

    assert merged.status_code == 302
    assert deleted.status_code == 302
    assert not activity.notes.exists()


def test_it_groups_notes_in_the_group_phase(kim, rob, activity):
    _add(kim[0], activity, "Speed")
    _add(rob[0], activity, "Faster")
    speed, faster = activity.notes.order_by("pk")
    too_early = kim[0].post(
        _url(activity, f"notes/{speed.pk}/group/"), {"new_name": "Pace", "version": speed.version}
    )
    _phase(activity, "group")

    kim[0].post(
        _url(activity, f"notes/{speed.pk}/group/"), {"new_name": "Pace", "version": speed.version}
    )
    cluster = Cluster.objects.get(activity=activity)
    rob[0].post(
        _url(activity, f"notes/{faster.pk}/group/"),
        {"cluster": cluster.pk, "version": faster.version},
    )

    assert too_early.status_code == 400
    assert list(cluster.notes.order_by("pk")) == [speed, faster]


def test_it_refuses_a_change_the_phase_does_not_allow(kim, activity):
    client, _ = kim
    _phase(activity, "discuss")

    response = _add(client, activity, "Late idea")

    assert response.status_code == 400
    assert b"discuss" in response.content
    assert "Late idea" in response.content.decode()
    assert not activity.notes.exists()


def test_it_refuses_every_change_once_the_workshop_ended(kim, activity, facilitator, workshop):
    _add(kim[0], activity, "Before the end")
    note = activity.notes.get()
    services.workshop_end(workshop=workshop)

    edit = facilitator.post(
        _url(activity, f"notes/{note.pk}/"), {"text": "After", "version": note.version}
    )
    phase = facilitator.post(_url(activity, "phase/"), {"phase": "vote", "version": 1})

    assert edit.status_code == 400
    assert b"has ended" in edit.content
    assert phase.status_code == 400
    note.refresh_from_db()
    assert note.text == "Before the end"


# --- private writing and hidden votes ----------------------------------------------------------


def test_it_keeps_notes_private_while_writing(kim, rob, activity, facilitator):
    _add(kim[0], activity, "My secret hope")

    own = kim[0].get(_url(activity)).content.decode()
    other = rob[0].get(_url(activity)).content.decode()
    running = facilitator.get(_url(activity)).content.decode()

    assert "My secret hope" in own
    assert "My secret hope" not in other
    assert "1 note written so far" in other
    assert "My secret hope" in running


def test_it_sends_a_private_note_only_to_its_author_and_the_facilitators(kim, activity):
    _add(kim[0], activity, "Only for us")
    participant = kim[1]

    audiences = {e.audience for e in _events(activity) if "Only for us" in e.data}
    counts = [e for e in _events(activity) if "written so far" in e.data]

    assert audiences == {"facilitators", f"participant:{participant.pk}"}
    assert [e.audience for e in counts] == ["all"]


def test_it_sends_a_revealed_note_to_everyone(kim, activity):
    _phase(activity, "reveal")
    _add(kim[0], activity, "Out in the open")

    audiences = [e.audience for e in _events(activity) if "Out in the open" in e.data]

    assert audiences[0] == "all"


def _after(activity: Activity) -> list[LiveEvent]:
    """The events of the last board change: from its first "all" message on."""
    events = _events(activity)
    last = max(i for i, e in enumerate(events) if e.audience == "all" and e.event == "message")
    return events[last:]


def test_it_pushes_the_board_to_each_audience_when_the_phase_changes(
    kim, rob, activity, facilitator
):
    _add(kim[0], activity, "Kim's hope")
    note = activity.notes.get()

    response = facilitator.post(
        _url(activity, "phase/"), {"phase": "reveal", "version": activity.version}, **HTMX
    )

    assert response.status_code == 200
    # The facilitator's own answer: the notice and their phase bar, at once; the board comes
    # by the stream, rendered once for all facilitators.
    answer = response.content.decode()
    assert response["HX-Reswap"] == "none"
    assert "now in the reveal phase" in answer
    assert 'aria-current="step">Reveal' in answer and "csrfmiddlewaretoken" in answer
    assert "board-zones" not in answer
    events = _after(activity)
    assert [(e.event, e.audience) for e in events] == [
        ("message", "all"),
        ("message", "facilitators"),
        ("reset", "watchers"),
        ("message", f"participant:{kim[1].pk}"),
    ]
    everyone, facilitators, _, own = (e.data for e in events)
    # Everyone: the phase, the groups and every zone, as anyone taking part sees them.
    assert "now in the reveal phase" in everyone
    assert 'id="board-zones"' in everyone and "Kim&#x27;s hope" in everyone
    assert 'aria-current="step">Reveal' in everyone
    assert "Change phase" not in everyone
    assert f'action="{_url(activity, f"notes/{note.pk}/")}"' not in everyone
    assert "Change phase" in facilitators
    # Kim's own note comes to her alone, with what she may do with it, in place.
    assert own.count('data-note hx-swap-oob="true"') == 1
    assert "note--mine" in own and f'action="{_url(activity, f"notes/{note.pk}/")}"' in own
    # Nothing carries a CSRF token: it would be one person's, shown to all.
    assert not any("csrfmiddlewaretoken" in e.data for e in events)


def test_it_keeps_private_notes_private_when_the_board_is_pushed(kim, rob, activity):
    _phase(activity, "reveal")
    _add(kim[0], activity, "Kim, in the open")
    _phase(activity, "write")
    _add(kim[0], activity, "Kim, still private")
    _add(rob[0], activity, "Rob, still private")

    _phase(activity, "write")  # pushed again, say after a group was renamed
    events = {e.audience: e.data for e in _after(activity)}

    assert "still private" not in events["all"]
    assert "Kim, in the open" not in events["all"]
    assert "3 notes written so far" in events["all"]
    assert "Kim, still private" in events["facilitators"]
    assert "Rob, still private" in events["facilitators"]
    kims = events[f"participant:{kim[1].pk}"]
    assert "Kim, still private" in kims and "Kim, in the open" in kims
    assert "Rob" not in kims
    # Not on her page (everyone's board hides it): added to its zone, not replaced.
    assert kims.count('hx-swap-oob="beforeend:#zone-notes-') == 2
    assert "Kim" not in events[f"participant:{rob[1].pk}"]


def test_it_pushes_each_voters_votes_and_what_they_have_left(kim, rob, activity, facilitator):
    _add(rob[0], activity, "Popular")
    note = activity.notes.get()
    _phase(activity, "vote")
    kim[0].post(_url(activity, f"notes/{note.pk}/vote/"))

    facilitator.post(_url(activity, "reveal-votes/"), {"revealed": "1"}, **HTMX)
    events = {e.audience: e.data for e in _after(activity)}

    assert "Votes are now shown to everyone" in events["all"]
    # Anyone who has not voted has the full allowance; Kim, who voted, is told hers.
    assert "You have <strong>3</strong> votes left" in events["all"]
    assert "1 vote" in events["all"] and "You voted" not in events["all"]
    kims = events[f"participant:{kim[1].pk}"]
    assert "You voted." in kims and "You have <strong>2</strong> votes left" in kims
    # Rob wrote the note: his copy is his, without Kim's vote on it.
    robs = events[f"participant:{rob[1].pk}"]
    assert "note--mine" in robs and "You voted" not in robs


def test_it_offers_a_new_group_in_every_menu_without_sending_the_board(kim, activity, facilitator):
    _add(kim[0], activity, "To group")
    note = activity.notes.get()
    _phase(activity, "group")
    before = _events(activity)[-1].seq

    kim[0].post(
        _url(activity, f"notes/{note.pk}/group/"), {"version": note.version, "new_name": "Pace"}
    )
    events = [e for e in _events(activity) if e.seq > before]
    cluster = Cluster.objects.get(name="Pace")

    # One option for every note's group menu on every page, the groups list, the note.
    added = events[0]
    assert (added.audience, added.event) == ("all", "message")
    assert 'hx-swap-oob="beforeend:select[data-note-group]"' in added.data
    assert f'<option value="{cluster.pk}" data-cluster-name="{cluster.pk}">Pace</option>' in (
        added.data
    )
    assert not any('id="board-zones"' in e.data or e.event == "reset" for e in events)
    assert any('id="clusters"' in e.data for e in events)
    assert any(f'id="note-{note.pk}"' in e.data and "Pace" in e.data for e in events)

    before = events[-1].seq
    facilitator.post(_url(activity, f"groups/{cluster.pk}/"), {"name": "Tempo"})
    renamed = [e for e in _events(activity) if e.seq > before]

    # The new name wherever the pages show it: on its notes and in every group menu.
    assert renamed[0].audience == "all"
    assert f"innerHTML:[data-cluster-name='{cluster.pk}']\">Tempo</span>" in renamed[0].data
    assert not any('id="board-zones"' in e.data for e in renamed)
    page = kim[0].get(_url(activity)).content.decode()
    assert f'<span data-cluster-name="{cluster.pk}">Tempo</span>' in page
    assert f'data-cluster-name="{cluster.pk}" selected>Tempo</option>' in page


def test_a_changed_note_keeps_what_each_kind_of_viewer_may_do_with_it(
    kim, rob, activity, facilitator
):
    _add(rob[0], activity, "Rob's idea")
    note = activity.notes.get()
    _phase(activity, "vote")
    kim[0].post(_url(activity, f"notes/{note.pk}/vote/"))

    def copies(change) -> dict[str, str]:
        before = _events(activity)[-1].seq
        change()
        return {
            e.audience: e.data
            for e in _events(activity)
            if e.seq > before and f'id="note-{note.pk}"' in e.data
        }

    note.refresh_from_db()
    edited = copies(
        lambda: facilitator.post(
            _url(activity, f"notes/{note.pk}/"),
            {"version": note.version, "text": "Rob's idea, tidied"},
        )
    )
    # Anyone taking part may still vote on it, someone only watching may not; Kim voted on
    # it and her copy still says so; Rob's is his own.
    assert "data-note-vote" in edited["all"] and "You voted" not in edited["all"]
    assert "data-note-vote" not in edited["watchers"]
    assert "You voted." in edited[f"participant:{kim[1].pk}"]
    assert "note--mine" in edited[f"participant:{rob[1].pk}"]
    assert list(edited)[:3] == ["all", "watchers", "facilitators"]

    _phase(activity, "group")
    note.refresh_from_db()
    grouped = copies(
        lambda: facilitator.post(
            _url(activity, f"notes/{note.pk}/group/"), {"version": note.version, "new_name": "Pace"}
        )
    )
    assert "data-note-group" in grouped["all"]
    assert "data-note-group" not in grouped["watchers"]


def test_live_copies_lose_the_templates_indentation_but_not_a_notes_own(kim, activity):
    _phase(activity, "reveal")
    text = "Two things:\n\n    indented, on purpose"

    _add(kim[0], activity, text)
    own = [e.data for e in _events(activity) if e.audience == f"participant:{kim[1].pk}"][-1]

    assert f">{text}</textarea>" in own
    assert "\n  " not in own.replace(text, "")


def test_a_member_watching_without_taking_part_fetches_their_own_board():
    from workshops.board import FACILITATOR_AUDIENCE, PARTICIPANT_AUDIENCE, Viewer

    assert Viewer().audiences() == {"all", "watchers"}
    assert Viewer(is_facilitator=True).audiences() == {"all", "facilitators"}
    assert "watchers" not in PARTICIPANT_AUDIENCE.audiences()
    assert "watchers" not in FACILITATOR_AUDIENCE.audiences()


def test_it_refuses_a_phase_change_made_on_an_old_page(activity, facilitator):
    _phase(activity, "reveal")

    response = facilitator.post(_url(activity, "phase/"), {"phase": "vote", "version": 1}, **HTMX)

    assert response.status_code == 409
    activity.refresh_from_db()
    assert activity.phase == "reveal"
    # The phase form swaps the whole board on success; refused, it leaves the board in place
    # and says why in the notice.
    assert response["HX-Reswap"] == "none"
    assert 'id="board-notice"' in response.content.decode()
    assert "Another facilitator changed this board" in response.content.decode()


def test_it_counts_votes_against_the_allowance(kim, rob, activity):
    _add(rob[0], activity, "Good idea")
    note = activity.notes.get()
    _phase(activity, "vote")
    client, participant = kim

    statuses = [client.post(_url(activity, f"notes/{note.pk}/vote/")).status_code for _ in range(4)]

    # hopes and concerns: 3 votes each, several may go to one note
    assert statuses == [302, 302, 302, 400]
    assert Vote.objects.filter(participant=participant).count() == 3
    refused = client.post(_url(activity, f"notes/{note.pk}/vote/"), **HTMX)
    assert b"used all 3 of your votes" in refused.content


def test_it_takes_back_a_vote(kim, rob, activity):
    _add(rob[0], activity, "Good idea")
    note = activity.notes.get()
    _phase(activity, "vote")
    client, participant = kim
    client.post(_url(activity, f"notes/{note.pk}/vote/"))

    response = client.post(_url(activity, f"notes/{note.pk}/vote/"), {"take_back": "1"}, **HTMX)

    assert response.status_code == 200
    assert not Vote.objects.filter(participant=participant).exists()


def test_it_refuses_a_vote_outside_the_vote_phase(kim, rob, activity):
    _add(rob[0], activity, "Good idea")
    note = activity.notes.get()

    response = kim[0].post(_url(activity, f"notes/{note.pk}/vote/"))

    assert response.status_code == 400
    assert not Vote.objects.exists()


def test_it_hides_votes_until_the_facilitator_shows_them(kim, rob, activity, facilitator):
    _add(rob[0], activity, "Popular")
    note = activity.notes.get()
    _phase(activity, "vote")
    kim[0].post(_url(activity, f"notes/{note.pk}/vote/"))

    hidden = rob[0].get(_url(activity)).content.decode()
    vote_events = [
        e
        for e in _events(activity)
        if e.data.lstrip().startswith(f'<span id="note-total-{note.pk}"')
    ]
    facilitator.post(_url(activity, "reveal-votes/"), {"revealed": "1"})
    shown = rob[0].get(_url(activity)).content.decode()

    assert "1 vote" not in hidden
    assert [e.audience for e in vote_events] == ["facilitators"]
    assert "1 vote" in shown


def test_it_sends_the_timer_once_as_an_end_time(activity, facilitator):
    response = facilitator.post(_url(activity, "timer/"), {"minutes": "5"}, **HTMX)

    assert response.status_code == 200
    activity.refresh_from_db()
    timer_events = [e for e in _events(activity) if 'id="timer"' in e.data]
    assert len(timer_events) == 1
    assert activity.timer_ends_at.isoformat()[:16] in timer_events[0].data


def test_it_refuses_a_timer_out_of_range(activity, facilitator):
    response = facilitator.post(_url(activity, "timer/"), {"minutes": "999"})

    assert response.status_code == 400
    assert b"0 to 180 minutes" in response.content


def test_it_keeps_facilitator_controls_from_participants(kim, activity):
    client, _ = kim

    assert client.post(_url(activity, "phase/"), {"phase": "vote", "version": 1}).status_code == 404
    assert client.post(_url(activity, "timer/"), {"minutes": 5}).status_code == 404


def test_it_lets_a_member_write_without_joining_first(activity, members, client_as):
    client = client_as(members[Role.MEMBER])

    response = _add(client, activity, "From a member")

    assert response.status_code == 302
    assert activity.notes.get().author.user == members[Role.MEMBER]


def test_it_lets_a_facilitator_rename_a_group(kim, activity, facilitator):
    _add(kim[0], activity, "Speed")
    note = activity.notes.get()
    _phase(activity, "group")
    kim[0].post(
        _url(activity, f"notes/{note.pk}/group/"), {"new_name": "Pace", "version": note.version}
    )
    cluster = Cluster.objects.get(activity=activity)

    page = facilitator.get(_url(activity)).content.decode()
    renamed = facilitator.post(_url(activity, f"groups/{cluster.pk}/"), {"name": "Tempo"})
    blank = facilitator.post(_url(activity, f"groups/{cluster.pk}/"), {"name": "  "})

    assert "Rename" in page
    assert renamed.status_code == 302
    assert blank.status_code == 400
    assert b"Give the group a name" in blank.content
    cluster.refresh_from_db()
    assert cluster.name == "Tempo"
    assert "Rename" not in kim[0].get(_url(activity)).content.decode()


def test_it_gives_a_polling_page_the_pushed_board(kim, activity, facilitator):
    client, _ = kim
    after = _events(activity)[-1].seq
    facilitator.post(_url(activity, "phase/"), {"phase": "reveal", "version": activity.version})

    polled = client.get(_url(activity, f"poll/?after={after}"))

    assert polled.status_code == 200
    assert 'id="board-zones" ' in polled.content.decode()
    assert "now in the reveal phase" in polled.content.decode()
    assert "Change phase" not in polled.content.decode()


def test_it_shows_the_facilitator_who_waits_to_be_let_in(organisation, members, facilitator):
    workshop = plan_workshop(organisation, by=members[Role.FACILITATOR], admit_by_facilitator=True)
    activity = start(workshop)
    join_as_guest(workshop, "Kim")

    page = facilitator.get(_url(activity)).content.decode()

    assert "1 person is waiting to be let in" in page
    assert _events(activity)[-1].audience == "facilitators"


def test_it_points_those_on_the_last_board_to_the_activity_started_next(workshop, activity):
    nutshell = workshop.activities.get(key="nutshell")

    services.activity_start(activity=nutshell)

    notice = _events(activity)[-1]
    assert notice.audience == "all"
    assert "Data mesh in a nutshell" in notice.data
    assert f'href="{_url(nutshell)}"' in notice.data


def test_it_keeps_the_votes_and_both_texts_when_notes_are_merged(kim, rob, activity, facilitator):
    _add(kim[0], activity, "Data quality")
    _add(rob[0], activity, "Quality of data")
    first, second = activity.notes.order_by("pk")
    _phase(activity, "vote")
    kim[0].post(_url(activity, f"notes/{second.pk}/vote/"))
    rob[0].post(_url(activity, f"notes/{first.pk}/vote/"))

    response = facilitator.post(
        _url(activity, f"notes/{second.pk}/merge/"), {"into": first.pk}, **HTMX
    )

    assert response.status_code == 200
    merged = activity.notes.get()
    assert merged.text == "Data quality\nQuality of data"
    assert merged.votes.count() == 2
    assert f'id="note-{second.pk}" class="note-gone" hidden' in response.content.decode()
    gone = [e for e in _events(activity) if f'id="note-{second.pk}" class="note-gone"' in e.data]
    assert [e.audience for e in gone] == ["all"]


def test_it_refuses_to_merge_a_note_into_itself(kim, activity, facilitator):
    _add(kim[0], activity, "Alone")
    note = activity.notes.get()

    response = facilitator.post(_url(activity, f"notes/{note.pk}/merge/"), {"into": note.pk})

    assert response.status_code == 400
    assert b"Choose another note" in response.content
    assert activity.notes.count() == 1
