"""Answering: a personal link /a/<token>/, the questionnaire /o/<org>/assessments/answer/<id>/
(one plain form) and its per-question saves /o/<org>/assessments/answer/<id>/<axis>/ (htmx)."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.models import Respondent, Response, Round
from assessments.services import AxisAnswer, response_save
from assessments.testing import (
    answer_path,
    axis_post,
    guest_client,
    link_path,
    manager_actor,
    open_round,
    readiness,
)
from organisations.access import Actor
from organisations.models import GuestGrant
from organisations.roles import Role
from organisations.services import guest_grant_revoke
from tests.conftest import HTMX

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_throttle_carried_over():
    # Link throttling counts in the cache, which outlives each test's database.
    cache.clear()


AXIS = "executive_support"


@pytest.fixture
def axes() -> list[str]:
    return readiness().axis_keys


@pytest.fixture
def champion(members):
    return members[Role.CHAMPION]


@pytest.fixture
def opened(organisation, champion, members):
    """A round asking Kim and Rob (no account) and the member; tokens by name."""
    return open_round(
        organisation,
        by=champion,
        members=[members[Role.MEMBER]],
        outsiders=[("Kim Lee", "kim@example.com"), ("Rob Stone", "rob@example.com")],
    )


@pytest.fixture
def round_(opened) -> Round:
    return opened[0]


@pytest.fixture
def tokens(opened) -> dict[str, str]:
    return opened[1]


@pytest.fixture
def kim(round_) -> Respondent:
    return round_.respondents.select_related("round__organisation").get(name="Kim Lee")


@pytest.fixture
def rob(round_) -> Respondent:
    return round_.respondents.select_related("round__organisation").get(name="Rob Stone")


@pytest.fixture
def kim_client(tokens) -> Client:
    return guest_client(tokens["Kim Lee"])


def _response(respondent: Respondent) -> Response | None:
    return Response.objects.filter(respondent=respondent).first()


def _everything(axes: list[str], level: str, base: int = 0) -> dict[str, str]:
    data: dict[str, str] = {}
    for axis in axes:
        data |= axis_post(axis, level, base=base)
    return data


# Following a personal link


def test_it_opens_the_questionnaire_from_a_personal_link(organisation, kim, tokens):
    client = Client()

    response = client.get(link_path(tokens["Kim Lee"]))

    assert response.status_code == 302
    assert response.url == answer_path(kim)
    page = client.get(response.url)
    body = page.content.decode()
    assert page.status_code == 200
    assert "Answering as <strong>Kim Lee</strong>" in body
    assert 'aria-label="Organisation"' not in body
    assert "Spring check" in body
    assert body.count('<fieldset class="axis-card') == 8


@pytest.mark.parametrize("token", ["not-a-real-token", "x" * 32])
def test_it_explains_a_link_that_opens_nothing(client, token):
    response = client.get(link_path(token))

    assert response.status_code == 404
    assert "This link does not open anything" in response.content.decode()


def test_it_explains_a_withdrawn_link(client, kim, tokens):
    guest_grant_revoke(grant=kim.grant)

    response = client.get(link_path(tokens["Kim Lee"]))

    assert response.status_code == 410
    assert "This link is no longer valid" in response.content.decode()


def test_it_explains_an_expired_link(client, kim, tokens):
    GuestGrant.objects.filter(pk=kim.grant_id).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )

    response = client.get(link_path(tokens["Kim Lee"]))

    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()


def test_it_explains_a_link_to_a_closed_round(client, round_, tokens):
    Round.objects.filter(pk=round_.pk).update(status=Round.Status.CLOSED)

    response = client.get(link_path(tokens["Kim Lee"]))

    assert response.status_code == 410
    assert "This survey is closed" in response.content.decode()


def test_it_throttles_a_flood_of_wrong_links(client):
    statuses = [client.get(link_path(f"guess-{n}")).status_code for n in range(40)]

    assert statuses[0] == 404
    assert statuses[-1] == 429


def test_it_lets_a_person_come_back_through_the_same_link(tokens):
    first, again = Client(), Client()

    assert first.get(link_path(tokens["Kim Lee"])).status_code == 302
    assert again.get(link_path(tokens["Kim Lee"])).status_code == 302


# What a guest may reach


def test_it_hides_another_respondent_of_the_same_organisation(kim_client, rob):
    assert kim_client.get(answer_path(rob)).status_code == 404
    assert kim_client.post(answer_path(rob, AXIS), axis_post(AXIS, "high")).status_code == 404
    assert _response(rob) is None


def test_it_hides_every_other_organisation_page_from_a_guest(organisation, kim_client, round_):
    for url in [
        reverse("assessments:rounds", args=[organisation.slug]),
        reverse("assessments:results", args=[organisation.slug, round_.pk]),
        reverse("journey:map", args=[organisation.slug]),
    ]:
        assert kim_client.get(url).status_code == 404, url


def test_it_refuses_a_link_of_one_round_for_another_round(organisation, champion, kim_client, kim):
    other, _ = open_round(organisation, by=champion, outsiders=[("Kim Lee", "kim@example.com")])
    kim_in_other = other.respondents.select_related("round__organisation").get()

    response = kim_client.post(answer_path(kim_in_other, AXIS), axis_post(AXIS, "low"))

    assert response.status_code == 404
    assert _response(kim_in_other) is None


def test_it_tells_a_guest_whose_link_was_withdrawn_meanwhile(kim_client, kim):
    guest_grant_revoke(grant=kim.grant)

    page = kim_client.get(answer_path(kim))
    swap = kim_client.post(answer_path(kim, AXIS), axis_post(AXIS, "high"), **HTMX)

    assert page.status_code == 410
    assert "This link is no longer valid" in page.content.decode()
    assert swap.status_code == 200
    assert swap["HX-Redirect"].startswith("/guest/ended/")
    assert _response(kim) is None


# Answering without JavaScript


def test_it_saves_every_answer_from_the_plain_form(kim_client, kim, axes):
    data = _everything(axes, "medium")
    data[f"{AXIS}-level"] = "dont_know"
    data[f"{AXIS}-comment"] = "  I have not met the board.  "

    response = kim_client.post(answer_path(kim), data)

    assert response.status_code == 302
    assert response.url == answer_path(kim)
    saved = _response(kim)
    assert saved.answers == {**dict.fromkeys(axes, "medium"), AXIS: "dont_know"}
    assert saved.comments == {AXIS: "I have not met the board."}
    assert saved.submitted_at is not None
    assert saved.version == 1


def test_it_lets_an_answer_change_while_the_round_is_open(kim_client, kim, axes):
    kim_client.post(answer_path(kim), _everything(axes, "medium"))

    response = kim_client.post(answer_path(kim), axis_post(AXIS, "high", base=1))

    assert response.status_code == 302
    saved = _response(kim)
    assert saved.answers[AXIS] == "high"
    assert saved.version == 2
    assert Response.objects.filter(respondent=kim).count() == 1


def test_it_refuses_an_answer_outside_the_scale(kim_client, kim):
    response = kim_client.post(answer_path(kim), axis_post(AXIS, "very high"))

    assert response.status_code == 400
    body = response.content.decode()
    assert "Nothing was saved" in body
    assert "Choose one of: low, medium, high, don&#x27;t know." in body
    assert _response(kim) is None


def test_it_refuses_an_empty_submission(kim_client, kim):
    response = kim_client.post(answer_path(kim), {})

    assert response.status_code == 400
    assert "Nothing was sent." in response.content.decode()


def test_it_refuses_a_comment_longer_than_the_limit(kim_client, kim):
    response = kim_client.post(answer_path(kim), axis_post(AXIS, "low", comment="x" * 2001))

    assert response.status_code == 400
    assert "at most 2000 characters" in response.content.decode()
    assert _response(kim) is None


def test_it_shows_a_closed_round_read_only_and_refuses_changes(kim_client, kim, round_):
    kim_client.post(answer_path(kim), axis_post(AXIS, "low"))
    Round.objects.filter(pk=round_.pk).update(status=Round.Status.CLOSED)

    page = kim_client.get(answer_path(kim))
    refused = kim_client.post(answer_path(kim), axis_post(AXIS, "high", base=1))

    assert "This round is closed" in page.content.decode()
    assert 'type="radio"' not in page.content.decode()
    assert refused.status_code == 400
    assert "answers can no longer change" in refused.content.decode()
    assert _response(kim).answers == {AXIS: "low"}


def test_it_refuses_answers_after_the_closing_date(kim_client, kim, round_):
    Round.objects.filter(pk=round_.pk).update(closes_on=timezone.localdate() - timedelta(days=1))

    response = kim_client.post(answer_path(kim, AXIS), axis_post(AXIS, "high"), **HTMX)

    assert response.status_code == 400
    assert "answers can no longer change" in response.content.decode()
    assert _response(kim) is None


# Saving as you go (htmx)


def test_it_saves_one_question_and_swaps_in_its_status(kim_client, kim):
    response = kim_client.post(answer_path(kim, AXIS), axis_post(AXIS, "high"), **HTMX)

    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    # Only the card's status comes back: the answers on the page are never replaced.
    assert body.lstrip().startswith(f'<input type="hidden" name="{AXIS}-base" value="1">')
    assert 'type="radio"' not in body
    assert '<p class="axis-card__saved">Saved</p>' in body
    assert 'id="answer-progress" class="answer-progress" hx-swap-oob="true">1 of 8' in body
    assert _response(kim).answers == {AXIS: "high"}


def test_it_saves_one_question_without_javascript_too(kim_client, kim):
    response = kim_client.post(answer_path(kim, AXIS), axis_post(AXIS, "high"))

    assert response.status_code == 302
    assert response.url == answer_path(kim)


def test_it_refuses_a_question_outside_the_scale_in_place(kim_client, kim):
    response = kim_client.post(answer_path(kim, AXIS), axis_post(AXIS, "maybe"), **HTMX)

    assert response.status_code == 400
    body = response.content.decode()
    assert "Choose one of: low, medium, high" in body
    assert '<ul class="errorlist">' in body
    assert "Saved" not in body
    assert _response(kim) is None


def test_it_refuses_a_question_the_assessment_does_not_have(kim_client, kim):
    response = kim_client.post(answer_path(kim, "happiness"), axis_post("happiness", "high"))

    assert response.status_code == 404


def test_it_keeps_two_tabs_from_silently_overwriting_one_answer(kim_client, kim):
    # Both tabs loaded the page at version 0; the first saves "high".
    kim_client.post(answer_path(kim, AXIS), axis_post(AXIS, "high", base=0), **HTMX)

    response = kim_client.post(
        answer_path(kim, AXIS), axis_post(AXIS, "low", base=0, comment="Mine"), **HTMX
    )

    body = response.content.decode()
    assert response.status_code == 409
    assert "changed elsewhere" in body
    assert "Saved there: <strong>High</strong>" in body
    assert "Keep my answer" in body
    # Based on their version now, so "Keep my answer" saves this person's choice over it.
    assert f'name="{AXIS}-base" value="1"' in body
    assert _response(kim).answers == {AXIS: "high"}


def test_it_saves_the_choice_again_after_a_conflict_was_seen(kim_client, kim):
    kim_client.post(answer_path(kim, AXIS), axis_post(AXIS, "high", base=0), **HTMX)

    response = kim_client.post(answer_path(kim, AXIS), axis_post(AXIS, "low", base=1), **HTMX)

    assert response.status_code == 200
    assert _response(kim).answers == {AXIS: "low"}


def test_it_lets_another_tab_save_a_different_question(kim_client, kim):
    kim_client.post(answer_path(kim, AXIS), axis_post(AXIS, "high", base=0), **HTMX)

    response = kim_client.post(
        answer_path(kim, "early_adopter"), axis_post("early_adopter", "low", base=0), **HTMX
    )

    assert response.status_code == 200
    assert _response(kim).answers == {AXIS: "high", "early_adopter": "low"}


def test_it_reports_a_conflict_on_the_plain_form_and_saves_nothing(kim_client, kim, axes):
    kim_client.post(answer_path(kim, AXIS), axis_post(AXIS, "high", base=0), **HTMX)

    response = kim_client.post(answer_path(kim), _everything(axes, "low", base=0))

    assert response.status_code == 409
    body = response.content.decode()
    assert "Nothing was saved" in body
    assert body.count("axis-card__conflict") == 1
    # Everything sent is still chosen on the page.
    assert body.count('value="low" checked') == 8
    assert _response(kim).answers == {AXIS: "high"}


def test_it_counts_the_same_answer_from_two_tabs_as_no_conflict(kim_client, kim):
    kim_client.post(answer_path(kim, AXIS), axis_post(AXIS, "high", base=0), **HTMX)

    response = kim_client.post(answer_path(kim, AXIS), axis_post(AXIS, "high", base=0), **HTMX)

    assert response.status_code == 200
    assert _response(kim).version == 1


# Members


def test_it_lets_a_member_answer_their_own_questionnaire(organisation, round_, members, client_as):
    member = members[Role.MEMBER]
    mine = round_.respondents.select_related("round__organisation").get(user=member)
    client = client_as(member)

    page = client.get(answer_path(mine))
    saved = client.post(answer_path(mine, AXIS), axis_post(AXIS, "low"), **HTMX)

    assert page.status_code == 200
    assert "Signed in as" in page.content.decode()
    assert saved.status_code == 200
    assert _response(mine).answers == {AXIS: "low"}


def test_it_hides_someone_elses_questionnaire_from_a_member(kim, members, client_as, champion):
    for user in (members[Role.MEMBER], champion):
        response = client_as(user).post(answer_path(kim, AXIS), axis_post(AXIS, "low"))
        assert response.status_code == 404
    assert _response(kim) is None


def test_it_lets_an_executive_answer_through_their_link(organisation, champion, members):
    executive = members[Role.EXECUTIVE]
    # Asked by a private address, so the row is not tied to their account: only the link is.
    round, tokens = open_round(
        organisation, by=champion, outsiders=[("Margaret at home", "margaret@home.example")]
    )
    respondent = round.respondents.select_related("round__organisation").get()
    assert respondent.user is None
    client = Client()
    client.force_login(executive)

    assert client.post(answer_path(respondent, AXIS), axis_post(AXIS, "high")).status_code == 404
    client.get(link_path(tokens["Margaret at home"]))
    response = client.post(answer_path(respondent, AXIS), axis_post(AXIS, "high"), **HTMX)

    assert response.status_code == 200
    assert _response(respondent).answers == {AXIS: "high"}


def test_it_lets_a_signed_in_outsider_answer_through_a_link(outsider, tokens, kim):
    client = Client()
    client.force_login(outsider)
    client.get(link_path(tokens["Kim Lee"]))

    response = client.post(answer_path(kim, AXIS), axis_post(AXIS, "medium"))

    assert response.status_code == 302
    assert _response(kim).answers == {AXIS: "medium"}


# The service on its own


def test_it_refuses_a_writer_who_is_not_the_respondent(organisation, kim, champion):
    from assessments.services import NotYourResponse

    with pytest.raises(NotYourResponse):
        response_save(
            respondent=kim,
            actor=manager_actor(champion, organisation),
            answers={AXIS: AxisAnswer(level="high", comment="", base=0)},
        )


def test_it_refuses_an_anonymous_actor(organisation, kim):
    from assessments.services import NotYourResponse

    with pytest.raises(NotYourResponse):
        response_save(
            respondent=kim,
            actor=Actor(organisation=organisation),
            answers={AXIS: AxisAnswer(level="high", comment="", base=0)},
        )


def test_it_tells_an_anonymous_round_apart_on_the_page(organisation, champion):
    round, tokens = open_round(
        organisation, by=champion, outsiders=[("Kim", "kim@example.com")], anonymous=True
    )
    client = guest_client(tokens["Kim"])

    body = client.get(answer_path(round.respondents.get())).content.decode()

    assert "This round is anonymous" in body


@pytest.mark.parametrize(
    "data",
    [
        {f"{AXIS}-level": "high", f"{AXIS}-base": "not a number"},
        {f"{AXIS}-level": "high"},
        {f"{AXIS}-level": "high", f"{AXIS}-base": "-1"},
        {f"{AXIS}-level": ["high", "low"], f"{AXIS}-base": "0", f"{AXIS}-comment": "\x00"},
    ],
)
def test_it_answers_malformed_input_with_a_400_and_saves_nothing(kim_client, kim, data):
    for path in (answer_path(kim), answer_path(kim, AXIS)):
        response = kim_client.post(path, data, **HTMX)
        assert response.status_code == 400, path
    assert _response(kim) is None
