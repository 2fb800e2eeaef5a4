"""The journey map's cards, read as plain rows and written out as ready text (journey.views
._card_context): what each card shows, from the rows of journey.selectors.journey_map_rows."""

import re
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from journey.forms import _status_options, status_options
from journey.models import Canvas, JourneyStep
from journey.selectors import journey_map_rows, journey_steps
from organisations.roles import Role
from tests.conftest import PASSWORD, make_user


def _url(organisation) -> str:
    return reverse("journey:map", kwargs={"org_slug": organisation.slug})


def _card(body: str, number: int) -> str:
    start = body.index(f'id="step-{number}"')
    return body[start : body.index("</li>", start)]


def _plan(organisation, number: int, **fields) -> None:
    JourneyStep.objects.filter(organisation=organisation, definition__number=number).update(
        **fields
    )


@pytest.mark.django_db
def test_it_shows_the_owner_and_due_date_of_a_step(organisation, members, facilitator_client):
    facilitator_client.get(_url(organisation))
    _plan(organisation, 2, owner=members[Role.CHAMPION], due_date=date(2026, 1, 31))

    card = _card(facilitator_client.get(_url(organisation)).content.decode(), 2)

    assert f"<dt>Owner</dt><dd>{members[Role.CHAMPION].name}</dd>" in card
    assert '<time datetime="2026-01-31" class="overdue">31 Jan 2026</time>' in card


def test_it_names_an_owner_without_a_name_by_their_email(organisation, facilitator_client):
    facilitator_client.get(_url(organisation))
    nameless = make_user(email="nameless@example.com")
    nameless.name = ""
    nameless.save()
    _plan(organisation, 2, owner=nameless)

    card = _card(facilitator_client.get(_url(organisation)).content.decode(), 2)

    assert "<dd>nameless@example.com</dd>" in card


def test_it_shows_a_dash_for_no_owner_and_no_date(organisation, facilitator_client):
    card = _card(facilitator_client.get(_url(organisation)).content.decode(), 2)

    assert "<dt>Owner</dt><dd>—</dd>" in card
    assert "<dt>Due</dt><dd>—</dd>" in card


@pytest.mark.parametrize("status", ["done", "not_applicable"])
def test_it_does_not_mark_a_closed_steps_date_late(organisation, facilitator_client, status):
    facilitator_client.get(_url(organisation))
    _plan(organisation, 2, status=status, due_date=date(2000, 3, 5), not_applicable_reason="n/a")

    card = _card(facilitator_client.get(_url(organisation)).content.decode(), 2)

    assert '<time datetime="2000-03-05">5 Mar 2000</time>' in card


def test_it_shows_the_reason_only_while_a_step_does_not_apply(organisation, facilitator_client):
    facilitator_client.get(_url(organisation))
    _plan(organisation, 2, status="not_applicable", not_applicable_reason="We buy it in")
    _plan(organisation, 3, status="in_progress", not_applicable_reason="An old reason")

    body = facilitator_client.get(_url(organisation)).content.decode()

    assert '<p class="step-card__reason">We buy it in</p>' in _card(body, 2)
    assert "step-card__reason" not in _card(body, 3)


def test_it_escapes_what_people_typed(organisation, facilitator_client):
    facilitator_client.get(_url(organisation))
    person = make_user(name="<b>Bold</b> & co")
    reason = '<script>alert("x")</script>'
    _plan(organisation, 2, owner=person, status="not_applicable", not_applicable_reason=reason)

    body = facilitator_client.get(_url(organisation)).content.decode()

    assert "<script>alert" not in body
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; co" in _card(body, 2)
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in _card(body, 2)


def test_it_shows_a_step_whose_canvas_is_missing(organisation, facilitator_client):
    facilitator_client.get(_url(organisation))
    Canvas.objects.filter(step__organisation=organisation, step__definition__number=4).delete()

    response = facilitator_client.get(_url(organisation))

    assert response.status_code == 200
    assert response.content.decode().count('class="step-card ') == 17


def test_it_reads_the_rows_in_catalogue_order_with_the_actions_only(organisation):
    step = journey_steps(organisation).get(definition__number=5)
    step.canvas.content = {"risks": "Plenty", "actions": [{"action": "Ask", "due": "2026-01-02"}]}
    step.canvas.save()

    rows = journey_map_rows(organisation)

    assert [row["definition__number"] for row in rows] == list(range(1, 18))
    assert rows[4]["actions"] == [{"action": "Ask", "due": "2026-01-02"}]
    assert "canvas__content" not in rows[4]
    assert rows[5]["actions"] is None


def test_its_forms_carry_a_token_the_csrf_check_accepts(organisation, members):
    client = Client(enforce_csrf_checks=True)
    client.login(email=members[Role.FACILITATOR].email, password=PASSWORD)
    body = client.get(_url(organisation)).content.decode()
    card = _card(body, 3)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', card).group(1)
    version = re.search(r'name="step3-version" value="(\d+)"', card).group(1)

    response = client.post(
        reverse("journey:status", kwargs={"org_slug": organisation.slug, "number": 3}),
        {"csrfmiddlewaretoken": token, "step3-status": "done", "step3-version": version},
    )

    assert response.status_code == 302
    assert journey_steps(organisation).get(definition__number=3).status == "done"


def test_it_marks_the_chosen_status_in_the_options() -> None:
    options = status_options("in_progress")

    assert options.count("<option ") == 4
    assert options.count(" selected") == 1
    assert '<option value="in_progress" selected>In progress</option>' in options


def test_it_keeps_only_known_statuses_in_its_cache_of_options() -> None:
    for sent in ["bogus", "<script>", "x" * 500, "done", ""]:
        options = status_options(sent)
        assert sent == "done" or " selected" not in options

    assert _status_options.cache_info().currsize <= len(JourneyStep.Status.values) + 1
