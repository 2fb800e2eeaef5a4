"""The journey map's cards, read as plain rows and written out as ready text (journey.views
._card_context): what each card shows, from the rows of journey.selectors.journey_map_rows."""

import re
from datetime import UTC, date, datetime

import pytest
from django.template.defaultfilters import date as date_filter
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.timezone import template_localtime

from journey import views
from journey.forms import _status_options, status_options
from journey.models import Canvas, JourneyStep, StepDefinition
from journey.selectors import journey_map_rows, journey_step, journey_steps
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


def test_it_creates_the_steps_an_organisation_is_missing(organisation, django_assert_num_queries):
    journey_map_rows(organisation)
    JourneyStep.objects.filter(organisation=organisation, definition__number=17).delete()

    rows = journey_map_rows(organisation)

    assert [row["definition__number"] for row in rows] == list(range(1, 18))
    with django_assert_num_queries(1):
        journey_map_rows(organisation)


def test_it_reads_the_catalogue_size_with_a_step(organisation) -> None:
    step = journey_step(organisation, 3)

    assert step.steps_in_catalogue == StepDefinition.objects.count() == 17


def test_it_pages_to_the_next_step_after_a_conflicting_plan(organisation, facilitator_client):
    """A conflict reads the step again without the catalogue's size: the page counts it."""
    journey_step(organisation, 16)
    _plan(organisation, 16, version=5)
    url = reverse("journey:plan", kwargs={"org_slug": organisation.slug, "number": 16})

    response = facilitator_client.post(url, {"owner": "", "due_date": "", "version": "1"})

    assert response.status_code == 409
    body = response.content.decode()
    assert "Step 16 of 17" in body
    assert 'href="/o/acme/journey/17/">Step 17 →</a>' in body.replace(organisation.slug, "acme")


@pytest.mark.parametrize("zone", ["UTC", "Europe/London", "Pacific/Auckland", "America/St_Johns"])
@pytest.mark.parametrize("language", ["en-gb", "de", "fr"])
def test_it_writes_dates_as_the_date_filter_does(zone, language) -> None:
    moments = [
        datetime(2026, month, day, hour, minute, tzinfo=UTC)
        for month, day, hour, minute in [(1, 1, 0, 0), (3, 5, 23, 59), (10, 31, 9, 5)]
    ]
    with timezone.override(zone), translation.override(language):
        for moment in moments:
            expected = date_filter(template_localtime(moment), "j M Y, H:i")
            assert views._short_datetime(moment) == expected
            assert views._short_date(moment.date()) == date_filter(moment.date(), "j M Y")
    assert views._short_datetime(None) == ""
