"""The champions' pages: normal and htmx requests, bad input, other organisations' objects,
version conflicts and query counts that do not grow with the data."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from champions import okr, services
from champions.models import (
    CheckIn,
    CurveSnapshot,
    KeyResult,
    KeyResultRevision,
    LvtNode,
    Milestone,
    Objective,
    RoiMeasurement,
    UseCaseScore,
)
from champions.testing import champions_world
from organisations.roles import Role
from tests.conftest import HTMX, member_actor


@pytest.fixture
def client(champion, client_as):
    return client_as(champion)


@pytest.fixture
def elsewhere(other_organisation, outsider) -> dict[str, int]:
    """The same objects in Globex: their ids must mean nothing under /o/acme/."""
    return champions_world(member_actor(outsider, other_organisation))


def url(name: str, *args) -> str:
    return reverse(f"champions:{name}", args=["acme", *args])


SCORES = dict(
    business_value=5, time_criticality=4, risk_reduction=4, reach=3, impact=4, confidence=5
)


# --- pages ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["home", "milestones", "period", "use_cases", "tree", "roi", "curve"]
)
def test_it_shows_every_page_to_an_executive_without_forms(name, ids, members, client_as):
    response = client_as(members[Role.EXECUTIVE]).get(url(name))

    assert response.status_code == 200
    assert b'method="post"' not in response.content.split(b"<main")[1]


def test_it_shows_an_objective_with_its_check_ins_and_chart(ids, actor, client):
    key_result = KeyResult.objects.get(pk=ids["key_result"])
    services.check_in_add(
        key_result=key_result,
        actor=actor,
        value=Decimal(3),
        confidence=4,
        what_changed="Two wards joined.",
        what_next="Train the rest.",
    )

    response = client.get(url("objective", ids["objective"]))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Two wards joined." in body and "Train the rest." in body
    assert "30 %" in body
    assert "At risk" in body and "confidence is 4 out of 10" in body
    assert 'class="line-target"' in body
    assert 'id="chart-kr-' in body


def test_it_hides_another_organisations_objective(ids, elsewhere, client):
    assert client.get(url("objective", elsewhere["objective"])).status_code == 404


def test_it_gives_the_period_overview_as_a_partial_to_htmx(ids, client):
    response = client.get(url("period"), **HTMX)

    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b'id="overview"' in response.content
    assert "HX-Request" in response["Vary"]
    assert "HX-Request" in client.get(url("period"))["Vary"]


def test_it_shows_another_quarter(ids, client, actor, organisation):
    last = okr.quarter_of(okr.quarter_of(timezone.localdate()).start - timedelta(days=1))
    services.objective_create(
        organisation=organisation,
        actor=actor,
        title="Last quarter's aim",
        period_start=last.start,
        period_end=last.end,
    )

    now = client.get(url("period")).content.decode()
    then = client.get(url("period") + f"?period={last.key}").content.decode()

    assert "Last quarter&#x27;s aim" not in now
    assert "Last quarter&#x27;s aim" in then


def _many(actor, count: int) -> None:
    today = timezone.localdate()
    quarter = okr.quarter_of(today)
    for n in range(count):
        objective = services.objective_create(
            organisation=actor.organisation,
            actor=actor,
            title=f"Aim {n}",
            period_start=quarter.start,
            period_end=quarter.end,
        )
        for k in range(2):
            kr = services.key_result_add(
                objective=objective,
                actor=actor,
                title=f"KR {n}.{k}",
                kind=okr.NUMERIC,
                baseline=Decimal(0),
                target=Decimal(10),
            )
            services.check_in_add(key_result=kr, actor=actor, value=Decimal(k), confidence=3)
        services.milestone_create(
            organisation=actor.organisation,
            actor=actor,
            title=f"M {n}",
            target_date=today + timedelta(days=n - count // 2),
        )


@pytest.mark.parametrize("name", ["period", "home"])
def test_it_reads_the_same_number_of_queries_whatever_the_data(
    name, ids, actor, client, django_assert_max_num_queries
):
    _many(actor, 2)
    client.get(url(name))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(url(name))
    _many(actor, 25)

    with django_assert_max_num_queries(len(small)):
        response = client.get(url(name))

    assert response.status_code == 200


# --- milestones -------------------------------------------------------------------------------


def test_it_adds_a_milestone_without_javascript(ids, client):
    response = client.post(
        url("milestone_add"),
        {"title": "Catalogue live", "target_date": "2030-01-31", "status": "planned"},
    )

    assert response.status_code == 302
    assert Milestone.objects.filter(title="Catalogue live").exists()


def test_it_asks_for_evidence_before_a_milestone_is_done(ids, client):
    response = client.post(
        url("milestone_add"),
        {"title": "Catalogue live", "target_date": "2030-01-31", "status": "done"},
    )

    assert response.status_code == 400
    assert "Say what shows this milestone is done." in response.content.decode()
    assert 'value="Catalogue live"' in response.content.decode()
    assert not Milestone.objects.filter(title="Catalogue live").exists()


def test_it_refuses_an_owner_from_another_organisation(ids, client, outsider):
    response = client.post(
        url("milestone_add"),
        {"title": "X", "target_date": "2030-01-31", "status": "planned", "owner": outsider.pk},
    )

    assert response.status_code == 400
    assert "not in this organisation" in response.content.decode()


def _milestone_data(milestone: Milestone, **changes) -> dict:
    data = {
        "title": milestone.title,
        "target_date": milestone.target_date.isoformat(),
        "status": milestone.status,
        "owner": "",
        "step": "",
        "evidence": "",
        "version": milestone.version,
        **changes,
    }
    return {f"m{milestone.pk}-{key}": value for key, value in data.items()}


def test_it_marks_a_milestone_done_in_place_and_moves_the_curve(
    ids, client, django_capture_on_commit_callbacks
):
    milestone = Milestone.objects.get(pk=ids["milestone"])
    Milestone.objects.filter(pk=milestone.pk).update(step=7)
    milestone.refresh_from_db()
    before = client.get(url("curve")).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("milestone_edit", milestone.pk),
            _milestone_data(milestone, status="done", evidence="It runs.", step=7),
            **HTMX,
        )

    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b"Saved." in response.content
    milestone.refresh_from_db()
    assert milestone.status == "done" and milestone.done_on == timezone.localdate()
    after = client.get(url("curve")).content.decode()
    assert "1 of 1 milestones on those steps are done." in after
    assert "1 of 1 milestones" not in before
    assert CurveSnapshot.objects.filter(organisation__slug="acme").exists()


def test_it_keeps_what_was_typed_when_a_milestone_changed_meanwhile(ids, client):
    milestone = Milestone.objects.get(pk=ids["milestone"])
    data = _milestone_data(milestone, title="My new title")
    Milestone.objects.filter(pk=milestone.pk).update(version=milestone.version + 1)

    response = client.post(url("milestone_edit", milestone.pk), data, **HTMX)

    assert response.status_code == 409
    assert "Someone saved this milestone while you were editing" in response.content.decode()
    assert 'value="My new title"' in response.content.decode()


def test_it_hides_another_organisations_milestone(ids, elsewhere, client):
    response = client.post(url("milestone_edit", elsewhere["milestone"]), {})

    assert response.status_code == 404


# --- objectives, key results and check-ins ------------------------------------------------------


def test_it_refuses_a_period_that_ends_before_it_starts(ids, client):
    response = client.post(
        url("objective_add"),
        {"title": "Backwards", "period_start": "2026-12-31", "period_end": "2026-10-01"},
    )

    assert response.status_code == 400
    assert "The period must end on or after the day it starts." in response.content.decode()
    assert not Objective.objects.filter(title="Backwards").exists()


def test_it_refuses_a_bet_of_another_organisation(ids, elsewhere, client):
    response = client.post(
        url("objective_add"),
        {
            "title": "Borrowed bet",
            "period_start": "2026-10-01",
            "period_end": "2026-12-31",
            "lvt_node": elsewhere["bet"],
        },
    )

    assert response.status_code == 400
    assert "not in this organisation" in response.content.decode()


def test_it_creates_an_objective_under_a_bet(ids, client):
    response = client.post(
        url("objective_add"),
        {
            "title": "New aim",
            "period_start": "2026-10-01",
            "period_end": "2026-12-31",
            "lvt_node": ids["bet"],
        },
    )

    objective = Objective.objects.get(title="New aim")
    assert response.status_code == 302
    assert response.url == url("objective", objective.pk)
    assert objective.lvt_node_id == ids["bet"]


@pytest.mark.parametrize(
    ("baseline", "target", "direction", "message"),
    [
        ("5", "5", "increase", "The target must differ from the baseline"),
        ("10", "5", "increase", "To increase, the target must be above the baseline."),
        ("", "5", "increase", "A numeric key result needs a baseline."),
    ],
)
def test_it_refuses_a_target_that_cannot_be_reached(
    baseline, target, direction, message, ids, client
):
    response = client.post(
        url("key_result_add", ids["objective"]),
        {
            "title": "Stuck",
            "kind": "numeric",
            "baseline": baseline,
            "target": target,
            "direction": direction,
            "weight": 1,
        },
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not KeyResult.objects.filter(title="Stuck").exists()


def test_it_adds_a_graded_key_result_without_numbers(ids, client):
    response = client.post(
        url("key_result_add", ids["objective"]),
        {"title": "Demo given", "kind": "graded", "direction": "increase", "weight": 2},
    )

    assert response.status_code == 302
    assert KeyResult.objects.get(title="Demo given").baseline is None


@pytest.mark.parametrize("confidence", ["11", "-1", ""])
def test_it_refuses_confidence_outside_zero_to_ten(confidence, ids, client):
    key_result = ids["key_result"]
    response = client.post(
        url("check_in", key_result),
        {f"kr{key_result}-value": "2", f"kr{key_result}-confidence": confidence},
        **HTMX,
    )

    assert response.status_code == 400
    assert b"<html" not in response.content
    body = response.content.decode()
    assert "Confidence runs from 0 to 10." in body or "This field is required." in body
    assert not CheckIn.objects.exists()


def test_it_checks_in_with_htmx_and_swaps_the_key_result(ids, client):
    key_result = ids["key_result"]
    response = client.post(
        url("check_in", key_result),
        {f"kr{key_result}-value": "5", f"kr{key_result}-confidence": "8"},
        **HTMX,
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert f'id="kr-{key_result}"' in body and "<html" not in body
    assert "Check-in saved." in body
    assert "50 %" in body
    check_in = CheckIn.objects.get()
    assert check_in.author_name == "Champion Person"


def test_it_checks_in_without_javascript(ids, client):
    key_result = ids["key_result"]
    response = client.post(
        url("check_in", key_result),
        {f"kr{key_result}-value": "5", f"kr{key_result}-confidence": "8"},
    )

    assert response.status_code == 302
    assert response.url == url("objective", ids["objective"]) + f"#kr-{key_result}"


def test_it_refuses_a_check_in_on_another_organisations_key_result(ids, elsewhere, client):
    response = client.post(url("check_in", elsewhere["key_result"]), {})

    assert response.status_code == 404


def test_it_keeps_the_earlier_definition_when_a_key_result_changes(ids, client):
    key_result = KeyResult.objects.get(pk=ids["key_result"])
    prefix = f"edit{key_result.pk}"
    data = {
        "title": "Wards publishing daily",
        "unit": "wards",
        "baseline": "0",
        "target": "12",
        "direction": "increase",
        "weight": "3",
        "version": key_result.version,
    }

    response = client.post(
        url("key_result_edit", key_result.pk), {f"{prefix}-{k}": v for k, v in data.items()}
    )

    assert response.status_code == 302
    key_result.refresh_from_db()
    assert (key_result.title, key_result.target, key_result.weight) == (
        "Wards publishing daily",
        12,
        3,
    )
    revision = KeyResultRevision.objects.get(key_result=key_result)
    assert revision.snapshot["title"] == "Wards publishing"
    assert revision.snapshot["target"] == "10.00"
    page = client.get(url("objective", ids["objective"])).content.decode()
    assert "Earlier versions (1)" in page


# --- use cases --------------------------------------------------------------------------------


def _score_data(use_case_id: int, **scores) -> dict:
    return {f"uc{use_case_id}-{key}": value for key, value in {**SCORES, **scores}.items()}


def test_it_refuses_a_score_outside_zero_to_five(ids, client):
    response = client.post(
        url("use_case_score", ids["use_case"]), _score_data(ids["use_case"], effort=6), **HTMX
    )

    assert response.status_code == 400
    assert "Scores run from 0 to 5." in response.content.decode()
    assert not UseCaseScore.objects.exists()


def test_it_ranks_use_cases_by_their_scores(ids, client, actor, organisation):
    stories = {"HCP 360": (5, 5), "Engagement": (5, 4), "Next best action": (4, 3)}
    made = {}
    for title in stories:
        made[title] = services.use_case_create(
            organisation=organisation,
            actor=actor,
            title=title,
            as_a="a",
            i_want="b",
            so_that="c",
        )
    for title, (impact, effort) in stories.items():
        response = client.post(
            url("use_case_score", made[title].pk),
            _score_data(made[title].pk, impact=impact, effort=effort),
            **HTMX,
        )
        assert response.status_code == 200

    body = response.content.decode()
    assert '<section id="ranking"' in body and "<html" not in body
    positions = [body.index(f'<h3 class="use-case__title">{t}</h3>') for t in stories]
    assert positions == sorted(positions)
    assert "Bed dashboard" in body
    assert "not scored" in body


# --- the value tree ---------------------------------------------------------------------------


def _node_data(node: LvtNode, **changes) -> dict:
    data = {
        "title": node.title,
        "measures": node.measures,
        "status": node.status,
        "parent": node.parent_id or "",
        "version": node.version,
        **changes,
    }
    return {f"node{node.pk}-{key}": value for key, value in data.items()}


def test_it_refuses_a_loop_in_the_tree(ids, client):
    goal = LvtNode.objects.get(pk=ids["goal"])

    response = client.post(url("tree_edit", goal.pk), _node_data(goal, parent=ids["bet"]), **HTMX)

    assert response.status_code == 400
    assert "cannot go under itself or under one of its own children" in response.content.decode()
    goal.refresh_from_db()
    assert goal.parent_id == ids["vision"]


def test_it_keeps_bets_under_goals(ids, client):
    bet = LvtNode.objects.get(pk=ids["bet"])

    response = client.post(url("tree_edit", bet.pk), _node_data(bet, parent=ids["vision"]))

    assert response.status_code == 400
    assert "A bet belongs under a goal." in response.content.decode()


def test_it_marks_a_bet_validated_in_place(ids, client):
    bet = LvtNode.objects.get(pk=ids["bet"])

    response = client.post(url("tree_edit", bet.pk), _node_data(bet, status="validated"), **HTMX)

    assert response.status_code == 200
    assert 'id="tree"' in response.content.decode()
    bet.refresh_from_db()
    assert bet.status == "validated"


def test_it_adds_a_bet_under_a_goal(ids, client):
    response = client.post(
        url("tree_add"), {"parent": ids["goal"], "title": "Second bet", "measures": "One"}
    )

    assert response.status_code == 302
    assert LvtNode.objects.get(title="Second bet").tier == "bet"


def test_it_refuses_a_second_vision_and_a_child_of_a_bet(ids, client):
    second = client.post(url("tree_add"), {"title": "Another vision"})
    under_bet = client.post(url("tree_add"), {"title": "Too deep", "parent": ids["bet"]})

    assert second.status_code == under_bet.status_code == 400
    assert "already has its vision" in second.content.decode()
    assert "nothing can go under it" in under_bet.content.decode()


def test_it_refuses_a_parent_from_another_organisation(ids, elsewhere, client):
    response = client.post(url("tree_add"), {"title": "Adopted", "parent": elsewhere["goal"]})

    assert response.status_code == 400
    assert not LvtNode.objects.filter(title="Adopted").exists()


# --- ROI --------------------------------------------------------------------------------------


def test_it_refuses_a_negative_amount(ids, client):
    response = client.post(
        url("roi_measurement_add"),
        {"measure": ids["measure"], "period_end": "2026-10-31", "amount": "-5"},
    )

    assert response.status_code == 400
    assert "Enter the amount as a positive number." in response.content.decode()
    assert not RoiMeasurement.objects.exists()


def test_it_draws_value_against_investment(ids, client, actor, organisation):
    cost = services.roi_measure_add(
        organisation=organisation, actor=actor, name="Team", kind="cost", unit="EUR"
    )
    client.post(
        url("roi_measurement_add"),
        {"measure": ids["measure"], "period_end": "2026-10-31", "amount": "300"},
    )
    client.post(
        url("roi_measurement_add"),
        {"measure": cost.pk, "period_end": "2026-10-31", "amount": "100"},
    )

    body = client.get(url("roi")).content.decode()

    assert "Value delivered (cumulative)" in body and "Investment (cumulative)" in body
    assert "returned <strong>3.00</strong>" in body or "returned <strong>3</strong>" in body


def test_it_shows_why_a_node_was_not_added_by_its_field(ids, client):
    response = client.post(url("tree_add"), {"parent": ids["goal"], "title": ""}, **HTMX)

    body = response.content.decode()
    assert response.status_code == 400
    assert f'id="add-title-{ids["goal"]}-error"' in body
    assert "This field is required." in body


def test_it_keeps_what_was_typed_when_a_key_result_changed_meanwhile(ids, client):
    key_result = KeyResult.objects.get(pk=ids["key_result"])
    prefix = f"edit{key_result.pk}"
    data = {
        "title": "My better title",
        "unit": "wards",
        "baseline": "0",
        "target": "10",
        "direction": "increase",
        "weight": "1",
        "version": key_result.version,
    }
    KeyResult.objects.filter(pk=key_result.pk).update(version=key_result.version + 1)

    response = client.post(
        url("key_result_edit", key_result.pk),
        {f"{prefix}-{k}": v for k, v in data.items()},
        **HTMX,
    )

    body = response.content.decode()
    assert response.status_code == 409
    assert "Someone saved this key result while you were editing" in body
    assert 'value="My better title"' in body
    assert not KeyResultRevision.objects.exists()


def test_it_lists_open_actions_from_workshops_on_the_home_page(ids, client, organisation, owner):
    from workshops.testing import workshop_world

    workshop_world(organisation, owner)

    body = client.get(url("home")).content.decode()

    assert "Name a data product owner" in body
    assert "from <a href=" in body


def _objective_data(objective: Objective, **changes) -> dict:
    data = {
        "title": objective.title,
        "period_start": objective.period_start.isoformat(),
        "period_end": objective.period_end.isoformat(),
        "lvt_node": objective.lvt_node_id or "",
        "owner": "",
        "version": objective.version,
        **changes,
    }
    return {f"objective-{key}": value for key, value in data.items()}


def test_it_changes_an_objective_and_refuses_a_backwards_period(ids, client):
    objective = Objective.objects.get(pk=ids["objective"])

    refused = client.post(
        url("objective_edit", objective.pk),
        _objective_data(objective, period_start="2026-12-31", period_end="2026-01-01"),
    )
    changed = client.post(
        url("objective_edit", objective.pk), _objective_data(objective, title="Wards own it all")
    )

    assert refused.status_code == 400
    assert "The period must end on or after the day it starts." in refused.content.decode()
    assert changed.status_code == 302
    objective.refresh_from_db()
    assert objective.title == "Wards own it all" and objective.version == 2


def test_it_refuses_to_link_an_objective_to_another_organisations_goal(ids, elsewhere, client):
    objective = Objective.objects.get(pk=ids["objective"])

    response = client.post(
        url("objective_edit", objective.pk), _objective_data(objective, lvt_node=elsewhere["goal"])
    )

    assert response.status_code == 400
    assert "not in this organisation" in response.content.decode()
    objective.refresh_from_db()
    assert objective.lvt_node_id == ids["bet"]
