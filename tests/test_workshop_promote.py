"""A note made a milestone, an objective or a use case in the champions' tools: through their
own services, linked both ways, once per kind, by a form post or htmx, shown on the live board
and on the champions' pages; and earlier canvas promotions named and linked by the migration."""

from datetime import date, timedelta
from importlib import import_module

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command

from champions.models import Milestone, Objective, UseCase
from journey.selectors import journey_step
from kernel.models import LiveEvent
from organisations.roles import Role
from tests.conftest import HTMX
from workshops import services
from workshops.board import channel
from workshops.demo import FINISHED
from workshops.models import Activity, Note, Promotion
from workshops.services import WorkshopRefused
from workshops.testing import actor_for, join_as_guest, plan_workshop, start

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 20)
TEXT = "Name an owner for the bed occupancy product"


@pytest.fixture
def workshop(organisation, members):
    return plan_workshop(organisation, by=members[Role.FACILITATOR], title="Autumn")


@pytest.fixture
def activity(workshop) -> Activity:
    return start(workshop)


@pytest.fixture
def facilitator(members, organisation):
    return actor_for(members[Role.FACILITATOR], organisation)


def _note(activity: Activity, text: str = TEXT) -> Note:
    note = Note.objects.create(activity=activity, zone=activity.zones.first(), text=text)
    note.activity = activity
    return note


def _url(note: Note) -> str:
    activity = note.activity
    return (
        f"/o/{activity.workshop.organisation.slug}/workshops/{activity.workshop_id}"
        f"/board/{activity.pk}/notes/{note.pk}/promote/"
    )


def _board(note: Note) -> str:
    activity = note.activity
    return f"/o/acme/workshops/{activity.workshop_id}/board/{activity.pk}/"


# --- the service -------------------------------------------------------------------------------


def test_it_makes_a_note_a_milestone_due_in_three_months_linked_both_ways(activity, facilitator):
    note = _note(activity)

    promotion = services.note_promote_to_tool(
        note=note, kind="milestone", actor=facilitator, today=TODAY
    )

    milestone = Milestone.objects.get()
    assert milestone.title == TEXT
    assert milestone.organisation == activity.workshop.organisation
    assert milestone.target_date == TODAY + timedelta(days=91)
    assert milestone.status == Milestone.Status.PLANNED
    assert milestone.source_label == f"the workshop “Autumn”, note {note.pk}"
    assert milestone.source_url == f"{_board(note)}#note-{note.pk}"
    assert (promotion.kind, promotion.target_id) == ("milestone", milestone.pk)
    assert promotion.target_url == f"/o/acme/champions/milestones/#milestone-{milestone.pk}"
    assert promotion.summary == f"Milestone: {TEXT}"
    assert promotion.promoted_by_name == facilitator.display_name


def test_it_makes_a_note_an_objective_for_the_quarter_owned_by_who_promoted_it(
    activity, facilitator
):
    note = _note(activity, "Halve the time to publish a data product")

    promotion = services.note_promote_to_tool(
        note=note, kind="objective", actor=facilitator, today=TODAY
    )

    objective = Objective.objects.get()
    assert (objective.period_start, objective.period_end) == (date(2026, 10, 1), date(2026, 12, 31))
    assert objective.owner == facilitator.user
    assert objective.source_url.endswith(f"#note-{note.pk}")
    assert promotion.target_url == f"/o/acme/champions/objectives/{objective.pk}/"


def test_it_makes_a_note_a_use_case_that_wants_what_the_note_says(activity, facilitator):
    note = _note(activity, "As a planner I want tomorrow's free beds")

    promotion = services.note_promote_to_tool(note=note, kind="use_case", actor=facilitator)

    use_case = UseCase.objects.get()
    assert use_case.title == use_case.i_want == "As a planner I want tomorrow's free beds"
    assert (use_case.as_a, use_case.so_that) == ("", "")
    assert promotion.target_url == f"/o/acme/champions/use-cases/#use-case-{use_case.pk}"


def test_it_trims_a_long_note_to_the_title_the_champions_allow(activity, facilitator):
    note = _note(activity, "word " * 56)

    services.note_promote_to_tool(note=note, kind="milestone", actor=facilitator)

    title = Milestone.objects.get().title
    assert len(title) <= Milestone._meta.get_field("title").max_length
    assert title.endswith("…") and title.startswith("word word")


def test_it_makes_one_note_a_milestone_and_an_objective_but_not_two_milestones(
    activity, facilitator
):
    note = _note(activity)
    services.note_promote_to_tool(note=note, kind="milestone", actor=facilitator)
    services.note_promote_to_tool(note=note, kind="objective", actor=facilitator)

    with pytest.raises(WorkshopRefused, match=f"already the milestone “{TEXT}”"):
        services.note_promote_to_tool(note=note, kind="milestone", actor=facilitator)

    assert Milestone.objects.count() == Objective.objects.count() == 1
    assert note.promotions.count() == 2


def test_it_keeps_nothing_of_a_second_milestone_made_at_the_same_moment(
    activity, facilitator, monkeypatch
):
    note = _note(activity)
    services.note_promote_to_tool(note=note, kind="milestone", actor=facilitator)
    real = services._earlier_promotion
    checks = []

    def too_early(note, kind):
        # The other facilitator's click checked before the first one's promotion was saved.
        checks.append(kind)
        return None if len(checks) == 1 else real(note, kind)

    monkeypatch.setattr(services, "_earlier_promotion", too_early)

    with pytest.raises(WorkshopRefused, match="already the milestone"):
        services.note_promote_to_tool(note=note, kind="milestone", actor=facilitator)

    assert checks == ["milestone", "milestone"]
    assert Milestone.objects.count() == 1
    assert note.promotions.count() == 1


@pytest.mark.parametrize("kind", ["canvas", "key_result", ""])
def test_it_refuses_what_is_not_a_champions_tool(activity, facilitator, kind):
    with pytest.raises(ValidationError, match="a milestone, an objective or a use case"):
        services.note_promote_to_tool(note=_note(activity), kind=kind, actor=facilitator)

    assert not Promotion.objects.exists()


def test_it_tells_the_live_board_where_the_note_went(activity, facilitator):
    note = _note(activity)
    before = LiveEvent.objects.filter(channel__name=channel(activity)).count()

    services.note_promote_to_tool(note=note, kind="milestone", actor=facilitator)

    events = LiveEvent.objects.filter(channel__name=channel(activity)).order_by("seq")
    assert events.count() > before
    assert f"Milestone: {TEXT}" in events.last().data


def test_it_records_where_a_canvas_promotion_went(activity, facilitator, organisation):
    note = _note(activity)
    step = journey_step(organisation, 3)

    promotion = services.note_promote(note=note, step=step, section="risks", actor=facilitator)

    assert promotion.kind == "canvas"
    assert promotion.target_id == step.canvas.pk
    assert promotion.target_url == "/o/acme/journey/3/"
    assert promotion.summary == f"In the journey: step 3, {step.definition.title}, as a risk"


def test_the_migration_names_and_links_earlier_canvas_promotions(activity, organisation):
    note = _note(activity)
    step = journey_step(organisation, 2)
    old = Promotion.objects.create(
        note=note,
        step_number=2,
        step_title=step.definition.title,
        section="decisions",
        canvas_version=4,
    )
    migration = import_module("workshops.migrations.0003_promotion_targets")

    migration.name_canvas_targets(apps, None)

    old.refresh_from_db()
    assert old.kind == "canvas"
    assert old.target_label == f"step 2, {step.definition.title}, as a decision"
    assert old.target_url == "/o/acme/journey/2/"
    assert old.target_id == step.canvas.pk


# --- the view ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "model", "said"),
    [
        ("milestone", Milestone, "Milestone “"),
        ("objective", Objective, "Objective “"),
        ("use_case", UseCase, "Use case “"),
    ],
)
def test_it_promotes_by_htmx_swapping_the_note_with_a_notice(
    activity, facilitator_client, kind, model, said
):
    note = _note(activity)

    response = facilitator_client.post(_url(note), {"kind": kind}, **HTMX)

    assert response.status_code == 200
    item = model.objects.get()
    promotion = note.promotions.get()
    html = response.content.decode()
    assert 'id="board-notice"' in html and said in html
    assert f'id="note-{note.pk}"' in html and 'hx-swap-oob="true"' in html
    assert f'<a href="{promotion.target_url}">{promotion.summary}</a>' in html
    assert item.source_url == f"{_board(note)}#note-{note.pk}"


def test_it_promotes_by_a_plain_form_post_and_says_so_on_the_board(activity, facilitator_client):
    note = _note(activity)

    response = facilitator_client.post(_url(note), {"kind": "milestone"}, follow=True)

    milestone = Milestone.objects.get()
    assert response.redirect_chain[-1][0] == _board(note)
    html = response.content.decode()
    assert f"Milestone “{TEXT}” added, due in three months" in html
    assert f'<a href="/o/acme/champions/milestones/#milestone-{milestone.pk}">' in html


def test_it_still_promotes_into_a_canvas_when_no_kind_is_sent(activity, facilitator_client):
    note = _note(activity)

    response = facilitator_client.post(_url(note), {"step": "2", "section": "risks"}, **HTMX)

    assert response.status_code == 200
    assert note.promotions.get().kind == "canvas"
    assert b"Added to the journey: step 2" in response.content


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "key_result"}, "Choose what the note becomes"),
        ({"kind": "canvas"}, "Choose a step and where on its canvas the note goes."),
    ],
)
def test_it_refuses_bad_input_with_a_message(activity, facilitator_client, data, message):
    note = _note(activity)

    response = facilitator_client.post(_url(note), data, **HTMX)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Promotion.objects.exists() and not Milestone.objects.exists()


def test_it_refuses_a_second_milestone_naming_the_first(activity, facilitator_client):
    note = _note(activity)
    facilitator_client.post(_url(note), {"kind": "milestone"}, **HTMX)

    response = facilitator_client.post(_url(note), {"kind": "milestone"})

    assert response.status_code == 400
    assert f"This note is already the milestone “{TEXT}”" in response.content.decode()
    assert Milestone.objects.count() == 1


@pytest.mark.parametrize("role", [Role.CHAMPION, Role.EXECUTIVE, Role.MEMBER])
def test_it_refuses_members_who_do_not_run_workshops(activity, members, client_as, role):
    note = _note(activity)

    response = client_as(members[role]).post(_url(note), {"kind": "milestone"})

    assert response.status_code == 403
    assert not Milestone.objects.exists()


def test_it_does_not_exist_for_a_participant_guest(activity):
    client, _ = join_as_guest(activity.workshop, "Kim")
    note = _note(activity)

    response = client.post(_url(note), {"kind": "milestone"}, **HTMX)

    assert response.status_code == 404
    assert not Milestone.objects.exists()


def test_it_does_not_exist_for_an_outsider(activity, outsider, client_as):
    note = _note(activity)

    response = client_as(outsider).post(_url(note), {"kind": "milestone"})

    assert response.status_code == 404
    assert not Milestone.objects.exists()


def test_it_does_not_promote_a_note_of_another_board(
    activity, organisation, members, facilitator_client
):
    other = start(plan_workshop(organisation, by=members[Role.FACILITATOR], title="Other"))
    note = _note(other)
    note.activity = activity

    response = facilitator_client.post(_url(note), {"kind": "milestone"})

    assert response.status_code == 404
    assert not Milestone.objects.exists()


# --- where it came from, on the champions' pages -----------------------------------------------


@pytest.mark.parametrize(
    ("kind", "page"),
    [
        ("milestone", "/o/acme/champions/milestones/"),
        ("objective", None),
        ("use_case", "/o/acme/champions/use-cases/"),
    ],
)
def test_the_champions_pages_link_back_to_the_note(
    activity, facilitator, members, client_as, kind, page
):
    note = _note(activity)
    promotion = services.note_promote_to_tool(note=note, kind=kind, actor=facilitator)

    response = client_as(members[Role.EXECUTIVE]).get(page or promotion.target_url)

    assert response.status_code == 200
    link = (
        f'From <a href="{_board(note)}#note-{note.pk}">the workshop “Autumn”, note {note.pk}</a>.'
    )
    assert link in response.content.decode()


def test_the_demo_makes_an_action_of_the_finished_workshop_a_milestone():
    call_command("load_demo", verbosity=0)

    promotion = Promotion.objects.get(kind="milestone", note__activity__workshop__title=FINISHED)
    milestone = Milestone.objects.get(pk=promotion.target_id)
    assert milestone.title == promotion.note.text
    assert milestone.source_url.endswith(f"#note-{promotion.note_id}")
