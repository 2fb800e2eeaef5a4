"""Joining a workshop by its code or link: outside /o/<slug>/, for people without an account."""

import pytest
from django.test import Client

from organisations.access import SESSION_GRANTS
from organisations.models import GuestGrant
from organisations.roles import GuestKind, Role
from workshops import services
from workshops.models import Participant
from workshops.testing import join_as_guest, plan_workshop, start


@pytest.fixture
def workshop(organisation, members):
    return plan_workshop(organisation, by=members[Role.FACILITATOR])


def _board_url(workshop, activity) -> str:
    return f"/o/{workshop.organisation.slug}/workshops/{workshop.pk}/board/{activity.pk}/"


def test_it_asks_for_a_code(client, db):
    response = client.get("/join/")

    assert response.status_code == 200
    assert b"Workshop code" in response.content


def test_it_accepts_a_code_however_it_is_typed(client, workshop):
    typed = workshop.join_code[:4].lower() + " - " + workshop.join_code[4:].lower()

    response = client.post("/join/", {"code": typed})

    assert response.status_code == 302
    assert response.url == f"/join/{workshop.join_code}/"


def test_it_says_when_no_workshop_has_the_code_and_keeps_what_was_typed(client, workshop):
    response = client.post("/join/", {"code": "QQQQ-QQQQ"})

    assert response.status_code == 400
    assert b"No workshop has this code" in response.content
    assert b'value="QQQQ-QQQQ"' in response.content


def test_it_refuses_a_code_of_the_wrong_length_next_to_the_field(client, db):
    response = client.post("/join/", {"code": "abc"})

    assert response.status_code == 400
    assert b"eight letters and numbers" in response.content


@pytest.mark.parametrize("code", ["nope", "%00", "x" * 300, "ABCDEFGH"])
def test_it_answers_an_unknown_link_with_a_clear_404(client, workshop, code):
    response = client.get(f"/join/{code}/")

    assert response.status_code == 404
    assert b"No workshop has this code" in response.content


def test_it_lets_a_guest_join_by_name_and_holds_their_grant(workshop):
    activity = start(workshop)
    client = Client()

    response = client.post(f"/join/{workshop.join_code}/", {"display_name": "  Kim   Lee "})

    assert response.status_code == 302
    assert response.url == _board_url(workshop, activity)
    participant = workshop.participants.get(display_name="Kim Lee")
    assert participant.user is None
    assert participant.grant.kind == GuestKind.WORKSHOP_PARTICIPANT
    assert participant.grant.target_id == workshop.pk
    assert client.session[SESSION_GRANTS] == [participant.grant_id]
    page = client.get(response.url)
    assert page.status_code == 200
    assert b"Taking part as" in page.content


def test_it_sends_people_to_the_lobby_until_an_activity_starts(workshop):
    client, _participant = join_as_guest(workshop, "Kim")
    lobby = f"/o/acme/workshops/{workshop.pk}/lobby/"

    assert client.get(lobby).status_code == 200
    activity = start(workshop)
    response = client.get(lobby)
    assert response.status_code == 302
    assert response.url == _board_url(workshop, activity)


def test_it_asks_for_a_name(client, workshop):
    response = client.post(f"/join/{workshop.join_code}/", {"display_name": "  "})

    assert response.status_code == 400
    assert b"This field is required" in response.content
    assert not workshop.participants.exists()


def test_it_asks_for_the_passcode_and_keeps_the_name(organisation, members):
    workshop = plan_workshop(organisation, by=members[Role.FACILITATOR], passcode="tulip")
    client = Client()

    wrong = client.post(f"/join/{workshop.join_code}/", {"display_name": "Kim", "passcode": "rose"})
    right = client.post(
        f"/join/{workshop.join_code}/", {"display_name": "Kim", "passcode": "tulip"}
    )

    assert wrong.status_code == 400
    assert b"passcode is not right" in wrong.content
    assert b'value="Kim"' in wrong.content
    assert right.status_code == 302


def test_it_makes_a_guest_wait_until_a_facilitator_lets_them_in(organisation, members, client_as):
    workshop = plan_workshop(organisation, by=members[Role.FACILITATOR], admit_by_facilitator=True)
    activity = start(workshop)
    client, participant = join_as_guest(workshop, "Kim")

    assert not participant.admitted
    waiting = client.get(_board_url(workshop, activity))
    assert waiting.status_code == 302
    assert client.get(waiting.url).content.count(b"waiting room") == 1
    refused = client.post(
        _board_url(workshop, activity) + "notes/",
        {"zone": activity.zones.first().pk, "text": "Hello"},
    )
    assert refused.status_code == 403

    facilitator = client_as(members[Role.FACILITATOR])
    admitted = facilitator.post(f"/o/acme/workshops/{workshop.pk}/people/{participant.pk}/admit/")
    assert admitted.status_code == 302
    assert client.get(_board_url(workshop, activity)).status_code == 200


def test_it_lets_a_member_join_as_themselves_without_a_grant(workshop, members, client_as):
    start(workshop)
    member = members[Role.MEMBER]
    client = client_as(member)

    form = client.get(f"/join/{workshop.join_code}/")
    response = client.post(f"/join/{workshop.join_code}/", {})

    assert member.name.encode() in form.content
    assert response.status_code == 302
    participant = workshop.participants.get(user=member)
    assert participant.display_name == member.name
    assert participant.grant is None
    assert client.session.get(SESSION_GRANTS, []) == []


def test_it_gives_an_executive_who_joins_a_grant_to_write_on_that_workshop_only(
    organisation, workshop, members, client_as
):
    activity = start(workshop)
    other = plan_workshop(organisation, by=members[Role.FACILITATOR], title="Another")
    other_activity = start(other)
    executive = client_as(members[Role.EXECUTIVE])
    zone = activity.zones.first()

    before = executive.post(
        _board_url(workshop, activity) + "notes/", {"zone": zone.pk, "text": "x"}
    )
    executive.post(f"/join/{workshop.join_code}/", {})
    after = executive.post(
        _board_url(workshop, activity) + "notes/", {"zone": zone.pk, "text": "x"}
    )
    elsewhere = executive.post(
        _board_url(other, other_activity) + "notes/",
        {"zone": other_activity.zones.first().pk, "text": "x"},
    )

    assert before.status_code == 403
    assert after.status_code == 302
    assert elsewhere.status_code == 403
    assert activity.notes.get().author.user == members[Role.EXECUTIVE]


def test_it_joins_a_member_once_however_often_they_follow_the_link(workshop, members, client_as):
    client = client_as(members[Role.CHAMPION])

    for _ in range(3):
        client.post(f"/join/{workshop.join_code}/", {})

    assert Participant.objects.filter(workshop=workshop, user=members[Role.CHAMPION]).count() == 1


def test_it_says_a_workshop_has_ended_with_a_410(workshop, client):
    services.workshop_end(workshop=workshop)

    get = client.get(f"/join/{workshop.join_code}/")
    post = client.post(f"/join/{workshop.join_code}/", {"display_name": "Kim"})

    assert get.status_code == post.status_code == 410
    assert b"This workshop has ended" in get.content
    assert not workshop.participants.exists()


def test_it_tells_a_guest_whose_workshop_ended_instead_of_asking_them_to_sign_in(workshop):
    activity = start(workshop)
    client, participant = join_as_guest(workshop, "Kim")

    services.workshop_end(workshop=workshop)
    response = client.get(_board_url(workshop, activity))

    assert response.status_code == 410
    assert b"This workshop has ended" in response.content
    assert GuestGrant.objects.get(pk=participant.grant_id).revoked_at is not None


def test_it_throttles_guessing_codes_from_one_address(workshop):
    client = Client()

    statuses = [client.post("/join/", {"code": f"QQQQQQ{n:02d}"}).status_code for n in range(25)]

    assert statuses[0] == 400
    assert statuses[-1] == 429
    assert set(statuses) == {400, 429}


def test_it_throttles_guessing_links_from_one_address(workshop):
    client = Client()

    statuses = [client.get(f"/join/QQQQQQ{n:02d}/").status_code for n in range(25)]

    assert statuses[-1] == 429
    assert set(statuses) == {404, 429}


def test_it_does_not_count_opening_a_valid_link_against_an_address(workshop):
    client = Client()

    statuses = {client.get(f"/join/{workshop.join_code}/").status_code for _ in range(30)}

    assert statuses == {200}


def test_an_arrival_tells_facilitators_with_the_phase_bar_not_a_whole_board(organisation, members):
    from kernel.models import LiveEvent
    from workshops.board import FACILITATORS, channel

    workshop = plan_workshop(organisation, by=members[Role.FACILITATOR], admit_by_facilitator=True)
    activity = start(workshop)
    seen = LiveEvent.objects.filter(channel__name=channel(activity)).count()

    join_as_guest(workshop, "Kim")

    sent = list(LiveEvent.objects.filter(channel__name=channel(activity)).order_by("seq")[seen:])
    assert [(e.event, e.audience) for e in sent] == [("message", FACILITATORS)]
    assert 'id="phasebar"' in sent[0].data
    assert 'hx-swap-oob="true"' in sent[0].data
    assert "1 person is waiting to be let in" in sent[0].data
    assert "csrfmiddlewaretoken" not in sent[0].data
