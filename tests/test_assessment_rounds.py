"""Rounds for managers: /o/<org>/assessments/ (list), new/, <round>/ (people and links),
<round>/status/ (close, reopen), <round>/people/ (ask more) and the per-person link actions."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from assessments.models import Respondent, Round
from assessments.testing import guest_client, link_path, open_round, readiness
from organisations.models import GuestGrant
from organisations.roles import Role
from tests.conftest import HTMX, add_member, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_throttle_carried_over():
    # Link throttling counts in the cache, which outlives each test's database.
    cache.clear()


@pytest.fixture
def champion(members):
    return members[Role.CHAMPION]


@pytest.fixture
def champion_client(champion, client_as):
    return client_as(champion)


@pytest.fixture
def round_(organisation, champion, members):
    round, _tokens = open_round(
        organisation,
        by=champion,
        members=[members[Role.EXECUTIVE], members[Role.MEMBER]],
        outsiders=[("Kim Lee", "kim@example.com")],
    )
    return round


def _url(name: str, organisation, **kwargs) -> str:
    return reverse(f"assessments:{name}", kwargs={"org_slug": organisation.slug, **kwargs})


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _new_round_data(**overrides) -> dict:
    return {
        "title": "Autumn check",
        "instrument": str(readiness().pk),
        "closes_on": "",
        "outsiders": "",
        "send_links": "on",
        **overrides,
    }


# The list


def test_it_lists_rounds_with_their_progress(organisation, round_, members, client_as):
    response = client_as(members[Role.FACILITATOR]).get(_url("rounds", organisation))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Spring check" in body
    assert "0 of 3 answered" in body
    assert "Open a new round" in body


def test_it_offers_a_member_their_own_questionnaire(organisation, round_, members, client_as):
    mine = round_.respondents.get(user=members[Role.MEMBER])

    response = client_as(members[Role.MEMBER]).get(_url("rounds", organisation))

    body = response.content.decode()
    assert _url("answer", organisation, respondent_id=mine.pk) in body
    assert "Answer now" in body
    assert "Open a new round" not in body


def test_it_shows_an_empty_list_to_an_executive(organisation, members, client_as):
    response = client_as(members[Role.EXECUTIVE]).get(_url("rounds", organisation))

    assert response.status_code == 200
    assert "No round yet." in response.content.decode()


# Opening a round


def test_it_shows_the_form_with_every_member_to_pick(organisation, members, champion_client):
    response = champion_client.get(_url("new", organisation))

    assert response.status_code == 200
    body = response.content.decode()
    for user in members.values():
        assert user.email in body


def test_it_opens_a_round_and_emails_each_person_their_link(organisation, members, champion_client):
    data = _new_round_data(
        members=[str(members[Role.EXECUTIVE].pk)],
        outsiders="Kim Lee, kim@example.com\nRob Stone <ROB@example.com>\n\n",
        anonymous="on",
    )

    response = champion_client.post(_url("new", organisation), data)

    round = Round.objects.get(title="Autumn check")
    assert response.status_code == 302
    assert response.url == _url("round", organisation, round_id=round.pk)
    assert round.anonymous
    assert round.opened_by == members[Role.CHAMPION]
    people = {(r.name, r.email, r.user_id) for r in round.respondents.all()}
    assert people == {
        ("Kim Lee", "kim@example.com", None),
        ("Rob Stone", "rob@example.com", None),
        (members[Role.EXECUTIVE].name, members[Role.EXECUTIVE].email, members[Role.EXECUTIVE].pk),
    }
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        ["kim@example.com", "rob@example.com", members[Role.EXECUTIVE].email]
    )
    assert all("/a/" in m.body for m in mail.outbox)
    assert "E-mailed 3 personal links." in _messages(response)


def test_it_shows_new_links_once_on_the_round_page(organisation, champion_client):
    champion_client.post(
        _url("new", organisation),
        _new_round_data(outsiders="Kim Lee, kim@example.com", send_links=""),
    )
    round = Round.objects.get()
    assert mail.outbox == []

    first = champion_client.get(_url("round", organisation, round_id=round.pk)).content.decode()
    again = champion_client.get(_url("round", organisation, round_id=round.pk)).content.decode()

    assert "http://testserver/a/" in first
    assert "http://testserver/a/" not in again


def test_it_asks_an_outsider_whose_address_is_a_members_as_that_member(
    organisation, members, champion_client
):
    member = members[Role.MEMBER]

    champion_client.post(
        _url("new", organisation),
        _new_round_data(outsiders=f"Someone Else, {member.email.upper()}"),
    )

    respondent = Respondent.objects.get()
    assert respondent.user == member
    assert respondent.name == member.name


@pytest.mark.parametrize(
    ("outsiders", "message"),
    [
        ("Kim Lee kim@example.com", "line 1 needs a name and a valid e-mail address"),
        (", kim@example.com", "line 1 has no name before the e-mail address"),
        ("Kim, kim@example.com\nKim again, KIM@example.com", "kim@example.com appears twice"),
    ],
)
def test_it_keeps_what_was_typed_when_a_line_cannot_be_read(
    organisation, champion_client, outsiders, message
):
    response = champion_client.post(_url("new", organisation), _new_round_data(outsiders=outsiders))

    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert "Autumn check" in body
    assert Round.objects.count() == 0


def test_it_refuses_a_round_without_anyone_to_ask(organisation, champion_client):
    response = champion_client.post(_url("new", organisation), _new_round_data())

    assert response.status_code == 400
    assert "Choose at least one member or add at least one person." in response.content.decode()
    assert Round.objects.count() == 0


def test_it_refuses_a_closing_date_in_the_past(organisation, champion_client):
    yesterday = timezone.localdate() - timedelta(days=1)
    data = _new_round_data(outsiders="Kim, kim@example.com", closes_on=yesterday.isoformat())

    response = champion_client.post(_url("new", organisation), data)

    assert response.status_code == 400
    assert "Choose today or a later day." in response.content.decode()


def test_it_refuses_a_member_of_another_organisation_as_a_pick(
    organisation, outsider, champion_client
):
    data = _new_round_data(members=[str(outsider.pk)])

    response = champion_client.post(_url("new", organisation), data)

    assert response.status_code == 400
    assert Round.objects.count() == 0


def test_it_refuses_opening_a_round_to_an_executive(organisation, members, client_as):
    response = client_as(members[Role.EXECUTIVE]).post(
        _url("new", organisation), _new_round_data(outsiders="Kim, kim@example.com")
    )

    assert response.status_code == 403
    assert Round.objects.count() == 0


# The round page


def test_it_shows_who_has_answered(organisation, round_, champion_client):
    response = champion_client.get(_url("round", organisation, round_id=round_.pk))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Kim Lee" in body
    assert "Not yet" in body
    assert "0 of 3 people have answered" in body


def test_it_shows_only_how_many_answered_in_an_anonymous_round(
    organisation, champion, champion_client
):
    round, _ = open_round(
        organisation, by=champion, outsiders=[("Kim Lee", "kim@example.com")], anonymous=True
    )

    body = champion_client.get(_url("round", organisation, round_id=round.pk)).content.decode()

    assert "0 of 1 person has answered" in body
    assert "Not yet" not in body
    assert "Answered</span>" not in body


def test_it_hides_a_round_of_another_organisation(
    organisation, other_organisation, champion_client
):
    stranger = other_organisation.memberships.get().user
    theirs, _ = open_round(other_organisation, by=stranger, outsiders=[("Al", "al@example.com")])

    response = champion_client.get(_url("round", organisation, round_id=theirs.pk))

    assert response.status_code == 404


def test_it_hides_the_round_page_from_an_outsider(organisation, round_, outsider, client_as):
    response = client_as(outsider).get(_url("round", organisation, round_id=round_.pk))

    assert response.status_code == 404


def test_it_refuses_the_round_page_to_a_member(organisation, round_, members, client_as):
    response = client_as(members[Role.MEMBER]).get(_url("round", organisation, round_id=round_.pk))

    assert response.status_code == 403


# Closing and reopening


def _status(round: Round, status: str, version: int | None = None) -> dict:
    return {"status": status, "version": str(round.version if version is None else version)}


def test_it_closes_a_round(organisation, round_, champion_client):
    response = champion_client.post(
        _url("status", organisation, round_id=round_.pk), _status(round_, "closed")
    )

    assert response.status_code == 302
    round_.refresh_from_db()
    assert round_.status == Round.Status.CLOSED
    assert round_.closed_at is not None
    assert round_.version == 2
    assert _messages(response) == ["The round is now closed."]


def test_it_swaps_in_the_round_status_for_htmx(organisation, round_, champion_client):
    response = champion_client.post(
        _url("status", organisation, round_id=round_.pk), _status(round_, "closed"), **HTMX
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert body.lstrip().startswith('<div id="round-status"')
    assert "Reopen the round" in body
    assert 'name="version" value="2"' in body


def test_it_does_not_reopen_a_round_someone_else_just_changed(
    organisation, round_, champion_client
):
    stale = round_.version
    champion_client.post(
        _url("status", organisation, round_id=round_.pk), _status(round_, "closed")
    )

    response = champion_client.post(
        _url("status", organisation, round_id=round_.pk),
        _status(round_, "closed", version=stale),
        **HTMX,
    )

    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else changed this round a moment ago; it is now closed." in body
    assert "Reopen the round" in body
    round_.refresh_from_db()
    assert round_.version == 2


def test_it_reports_a_conflict_without_javascript(organisation, round_, champion_client):
    Round.objects.filter(pk=round_.pk).update(version=5)

    response = champion_client.post(
        _url("status", organisation, round_id=round_.pk), _status(round_, "closed", version=1)
    )

    assert response.status_code == 302
    assert "Nothing was changed" in _messages(response)[0]
    round_.refresh_from_db()
    assert round_.status == Round.Status.OPEN


def test_it_reopens_a_round_and_drops_a_closing_date_that_has_passed(
    organisation, round_, champion_client
):
    Round.objects.filter(pk=round_.pk).update(
        status=Round.Status.CLOSED, closes_on=timezone.localdate() - timedelta(days=3)
    )
    round_.refresh_from_db()

    champion_client.post(_url("status", organisation, round_id=round_.pk), _status(round_, "open"))

    round_.refresh_from_db()
    assert round_.status == Round.Status.OPEN
    assert round_.closes_on is None
    assert round_.is_open()


def test_it_refuses_an_unreadable_status_change(organisation, round_, champion_client):
    response = champion_client.post(
        _url("status", organisation, round_id=round_.pk), {"status": "paused"}, **HTMX
    )

    assert response.status_code == 400
    assert "Nothing was changed" in response.content.decode()


def test_it_treats_a_round_past_its_closing_date_as_closed(organisation, champion):
    round, _ = open_round(organisation, by=champion, outsiders=[("Kim", "kim@example.com")])
    Round.objects.filter(pk=round.pk).update(closes_on=timezone.localdate() - timedelta(days=1))
    round.refresh_from_db()

    assert not round.is_open()
    assert round.date_passed


# Asking more people


def test_it_adds_people_to_a_round(organisation, round_, members, champion_client):
    data = {"members": [str(members[Role.FACILITATOR].pk)], "outsiders": "Ann Bell, ann@x.org"}

    response = champion_client.post(_url("add_people", organisation, round_id=round_.pk), data)

    assert response.status_code == 302
    assert round_.respondents.count() == 5
    assert "Added 2 people." in _messages(response)


def test_it_refuses_to_ask_the_same_person_twice(organisation, round_, champion_client):
    data = {"outsiders": "Kim Again, KIM@example.com", "send_links": "on"}

    response = champion_client.post(_url("add_people", organisation, round_id=round_.pk), data)

    assert response.status_code == 400
    body = response.content.decode()
    assert "Already asked in this round: kim@example.com" in body
    assert "Kim Again, KIM@example.com" in body
    assert round_.respondents.count() == 3
    assert mail.outbox == []


def test_it_offers_only_members_not_asked_yet(organisation, round_, members, champion_client):
    body = champion_client.get(_url("round", organisation, round_id=round_.pk)).content.decode()
    picker = body[body.index('id="add-heading"') :]

    assert members[Role.FACILITATOR].email in picker
    assert members[Role.EXECUTIVE].email not in picker


# Personal links


def _kim(round: Round) -> Respondent:
    return round.respondents.select_related("grant").get(email="kim@example.com")


def test_it_makes_a_new_link_to_copy_and_the_old_one_stops_working(
    organisation, champion, champion_client
):
    round, tokens = open_round(organisation, by=champion, outsiders=[("Kim Lee", "kim@x.org")])
    kim = round.respondents.get()
    old_grant = kim.grant

    response = champion_client.post(
        _url("respondent_link", organisation, round_id=round.pk, respondent_id=kim.pk),
        {"deliver": "copy"},
        **HTMX,
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith(f'<li class="person" id="respondent-{kim.pk}"')
    assert "http://testserver/a/" in body
    assert "copy it now, it is shown only once" in body
    kim.refresh_from_db()
    assert kim.grant != old_grant
    assert champion_client.get(link_path(tokens["Kim Lee"])).status_code == 410


def test_it_emails_a_new_link_without_javascript(organisation, round_, champion_client):
    kim = _kim(round_)

    response = champion_client.post(
        _url("respondent_link", organisation, round_id=round_.pk, respondent_id=kim.pk),
        {"deliver": "email"},
    )

    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["kim@example.com"]]
    link = next(line for line in mail.outbox[0].body.splitlines() if "/a/" in line)
    assert guest_client(link.removeprefix("http://testserver").split("/a/")[1].rstrip("/"))
    assert "A new link was e-mailed to kim@example.com" in _messages(response)[0]


def test_it_withdraws_a_link_and_keeps_the_answers(organisation, round_, champion_client):
    kim = _kim(round_)

    response = champion_client.post(
        _url("respondent_revoke", organisation, round_id=round_.pk, respondent_id=kim.pk), **HTMX
    )

    assert response.status_code == 200
    assert "Link withdrawn" in response.content.decode()
    kim.refresh_from_db()
    assert kim.grant.revoked_at is not None
    assert Respondent.objects.filter(pk=kim.pk).exists()


def test_it_hides_a_person_of_another_round(organisation, round_, champion, champion_client):
    other, _ = open_round(organisation, by=champion, outsiders=[("Al", "al@example.com")])
    al = other.respondents.get()

    response = champion_client.post(
        _url("respondent_revoke", organisation, round_id=round_.pk, respondent_id=al.pk)
    )

    assert response.status_code == 404
    assert GuestGrant.objects.get(pk=al.grant_id).revoked_at is None


def test_it_never_stores_a_link_in_readable_form(organisation, champion):
    round, tokens = open_round(organisation, by=champion, outsiders=[("Kim", "kim@example.com")])

    grant = round.respondents.get().grant
    assert tokens["Kim"] not in grant.token_hash
    assert grant.target_id == round.respondents.get().pk
    assert grant.display_name == "Kim"


def test_it_lets_a_new_member_be_asked_later(organisation, round_, champion_client):
    late = add_member(organisation, Role.MEMBER, make_user(name="Late Comer"))

    champion_client.post(
        _url("add_people", organisation, round_id=round_.pk), {"members": [str(late.pk)]}
    )

    assert round_.respondents.filter(user=late).exists()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("status", {"status": "closed", "version": "abc"}),
        ("status", {"status": "closed"}),
        ("add_people", {"members": ["not-an-id"]}),
        ("add_people", {"outsiders": "x" * 20_001}),
    ],
)
def test_it_refuses_malformed_changes_to_a_round_with_a_400(
    organisation, round_, champion_client, name, data
):
    response = champion_client.post(_url(name, organisation, round_id=round_.pk), data, **HTMX)

    assert response.status_code == 400
    round_.refresh_from_db()
    assert round_.version == 1
    assert round_.respondents.count() == 3


def test_it_refuses_an_unknown_instrument(organisation, champion_client):
    data = _new_round_data(instrument="999999", outsiders="Kim, kim@example.com")

    response = champion_client.post(_url("new", organisation), data)

    assert response.status_code == 400
    assert Round.objects.count() == 0


def test_it_hides_a_round_that_does_not_exist(organisation, champion_client):
    assert champion_client.get(_url("round", organisation, round_id=999999)).status_code == 404
    assert champion_client.get(_url("results", organisation, round_id=999999)).status_code == 404
