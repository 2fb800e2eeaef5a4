"""A small set of champions' objects in one organisation, for tests that need real ids."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from organisations.access import Actor

from . import okr, services


def champions_world(actor: Actor) -> dict[str, int]:
    """Vision, goal and bet; an objective of this quarter under the bet with a numeric key
    result; a milestone; a use case; a benefit measure. Returns their ids by name."""
    organisation = actor.organisation
    today = timezone.localdate()
    quarter = okr.quarter_of(today)
    vision = services.lvt_node_add(
        organisation=organisation, actor=actor, parent=None, title="Data everyone trusts"
    )
    goal = services.lvt_node_add(
        organisation=organisation, actor=actor, parent=vision, title="Faster reports"
    )
    bet = services.lvt_node_add(
        organisation=organisation,
        actor=actor,
        parent=goal,
        title="Ward-owned data",
        measures="Reports in 2 days",
    )
    objective = services.objective_create(
        organisation=organisation,
        actor=actor,
        title="Wards own their data",
        period_start=quarter.start,
        period_end=quarter.end,
        lvt_node=bet,
    )
    key_result = services.key_result_add(
        objective=objective,
        actor=actor,
        title="Wards publishing",
        kind=okr.NUMERIC,
        unit="wards",
        baseline=Decimal(0),
        target=Decimal(10),
    )
    milestone = services.milestone_create(
        organisation=organisation,
        actor=actor,
        title="First ward live",
        target_date=today + timedelta(days=10),
    )
    use_case = services.use_case_create(
        organisation=organisation,
        actor=actor,
        title="Bed dashboard",
        as_a="planner",
        i_want="today's free beds",
        so_that="patients wait less",
    )
    measure = services.roi_measure_add(
        organisation=organisation, actor=actor, name="Hours saved", kind="benefit", unit="EUR"
    )
    return {
        "vision": vision.pk,
        "goal": goal.pk,
        "bet": bet.pk,
        "objective": objective.pk,
        "key_result": key_result.pk,
        "milestone": milestone.pk,
        "use_case": use_case.pk,
        "measure": measure.pk,
    }
