"""Champions' demo data for Acme Health: a value tree, milestones (one late), objectives with
check-ins (one key result at risk), the three use cases of the worked example scored by two
people, ROI figures for five months and a few earlier positions on the maturity curve.

Runs after the organisations and journey builders (kernel.demo). Each part is created only
when the organisation has none of it yet, so loading twice adds nothing and keeps changes.
"""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from journey.models import StepDefinition
from kernel.demo import Demo
from organisations.access import Actor
from organisations.models import Membership
from organisations.roles import Role

from . import curve, okr, selectors, services
from .models import (
    CheckIn,
    CurveSnapshot,
    LvtNode,
    Milestone,
    Objective,
    RoiMeasure,
    UseCase,
)


def _actor(demo: Demo, role: Role) -> Actor:
    membership = Membership.objects.select_related("user", "organisation").get(
        organisation=demo.organisation, user=demo.people[role]
    )
    return Actor(organisation=demo.organisation, membership=membership)


def _tree(demo: Demo, actor: Actor) -> dict[str, LvtNode]:
    existing = LvtNode.objects.filter(organisation=demo.organisation)
    if existing.exists():
        return {node.title: node for node in existing}
    add = services.lvt_node_add
    org = demo.organisation
    vision = add(
        organisation=org,
        actor=actor,
        parent=None,
        title="Every care team decides on data it can trust and find by itself",
    )
    flow = add(organisation=org, actor=actor, parent=vision, title="Faster insight for operations")
    cost = add(organisation=org, actor=actor, parent=vision, title="Less effort per data question")
    bets = [
        (
            flow,
            "Patient-flow data owned by the wards cuts report waiting time",
            "Report waiting time under 2 days\nWard managers use it weekly",
            "open",
        ),
        (
            flow,
            "A bed-capacity data product lets planners act the same day",
            "Planners act on same-day data in 8 of 10 weeks",
            "validated",
        ),
        (
            cost,
            "A self-serve platform halves the time to publish a data product",
            "Time to first output port under 3 weeks",
            "open",
        ),
        (
            cost,
            "One central KPI glossary removes duplicate definitions",
            "Duplicate KPI definitions down by half",
            "dropped",
        ),
    ]
    nodes = {n.title: n for n in (vision, flow, cost)}
    for goal, title, measures, status in bets:
        bet = add(organisation=org, actor=actor, parent=goal, title=title, measures=measures)
        if status != "open":
            bet = services.lvt_node_update(
                node=bet,
                actor=actor,
                base_version=bet.version,
                title=bet.title,
                measures=bet.measures,
                status=status,
                parent=goal,
            )
        nodes[title] = bet
    return nodes


MILESTONES = [
    # title, days from today, status, step, evidence, owner role
    (
        "Benefits signed off by the steering group",
        -40,
        "done",
        6,
        "Minutes of the steering meeting; benefits list v3 on the wiki.",
        Role.OWNER,
    ),
    (
        "First domain team named for patient flow",
        -25,
        "done",
        3,
        "Ward operations team agreed in the stakeholder workshop.",
        Role.CHAMPION,
    ),
    (
        "Compliance agrees how data products are classified",
        -20,
        "done",
        4,
        "Classification guide approved by the compliance office.",
        Role.OWNER,
    ),
    ("ROI baseline measured", -6, "in_progress", 8, "", Role.OWNER),
    ("Patient-flow data product published", 12, "planned", 7, "", Role.CHAMPION),
    ("Platform team picks the catalogue tool", 26, "planned", 12, "", Role.FACILITATOR),
    ("MVP scope agreed with the champion team", 50, "planned", 11, "", Role.CHAMPION),
]


def _milestones(demo: Demo, actor: Actor) -> None:
    if Milestone.objects.filter(organisation=demo.organisation).exists():
        return
    steps = {d.number: d for d in StepDefinition.objects.all()}
    for title, days, status, step, evidence, owner in MILESTONES:
        milestone = services.milestone_create(
            organisation=demo.organisation,
            actor=actor,
            title=title,
            target_date=demo.today + timedelta(days=days),
            owner=demo.people[owner],
            step=steps.get(step),
            status=status,
            evidence=evidence,
        )
        if status == "done":
            Milestone.objects.filter(pk=milestone.pk).update(
                done_on=demo.today + timedelta(days=days)
            )


def _check_ins(key_result, actor: Actor, rows, today: date) -> None:
    """rows: (days ago, value or grade, confidence, what changed, what next)."""
    for days_ago, value, confidence, changed, what_next in rows:
        numeric = key_result.is_numeric
        check_in = services.check_in_add(
            key_result=key_result,
            actor=actor,
            confidence=confidence,
            value=Decimal(value) if numeric else None,
            grade="" if numeric else value,
            what_changed=changed,
            what_next=what_next,
        )
        when = timezone.now() - timedelta(days=days_ago)
        CheckIn.objects.filter(pk=check_in.pk).update(created_at=when)


def _objectives(demo: Demo, actor: Actor, tree: dict[str, LvtNode]) -> None:
    if Objective.objects.filter(organisation=demo.organisation).exists():
        return
    org, today = demo.organisation, demo.today
    quarter = okr.quarter_of(today)
    previous = okr.quarter_of(quarter.start - timedelta(days=1))
    bet_flow = tree.get("Patient-flow data owned by the wards cuts report waiting time")
    bet_platform = tree.get("A self-serve platform halves the time to publish a data product")
    elapsed = (today - quarter.start).days

    flow = services.objective_create(
        organisation=org,
        actor=actor,
        title="Ward teams own their patient-flow data",
        period_start=quarter.start,
        period_end=quarter.end,
        lvt_node=bet_flow,
        owner=demo.people[Role.CHAMPION],
    )
    wait = services.key_result_add(
        objective=flow,
        actor=actor,
        title="Days from question to patient-flow report",
        kind="numeric",
        unit="days",
        baseline=Decimal(10),
        target=Decimal(2),
        direction="decrease",
        weight=2,
    )
    _check_ins(
        wait,
        actor,
        [
            (max(elapsed - 7, 1), "9", 7, "First ward pilot started.", "Add two more wards."),
            (max(elapsed // 2, 1), "6", 7, "Three wards publish daily.", "Automate the refresh."),
        ],
        today,
    )
    wards = services.key_result_add(
        objective=flow,
        actor=actor,
        title="Wards publishing their own data",
        kind="numeric",
        unit="wards",
        baseline=Decimal(0),
        target=Decimal(12),
        weight=1,
    )
    _check_ins(
        wards,
        actor,
        [
            (max(elapsed - 5, 1), "1", 6, "Pilot ward live.", "Train two more wards."),
            (1, "3", 4, "Two wards waiting for platform access.", "Escalate the access request."),
        ],
        today,
    )

    platform = services.objective_create(
        organisation=org,
        actor=actor,
        title="Publishing a data product takes weeks, not months",
        period_start=quarter.start,
        period_end=quarter.end,
        lvt_node=bet_platform,
        owner=demo.people[Role.FACILITATOR],
    )
    weeks = services.key_result_add(
        objective=platform,
        actor=actor,
        title="Weeks to a first output port",
        kind="numeric",
        unit="weeks",
        baseline=Decimal(12),
        target=Decimal(3),
        direction="decrease",
    )
    _check_ins(
        weeks, actor, [(max(elapsed // 2, 1), "7", 8, "Templates ready.", "Pilot them.")], today
    )
    adoption = services.key_result_add(
        objective=platform,
        actor=actor,
        title="Platform team runs a self-service demo",
        kind="graded",
    )
    _check_ins(adoption, actor, [(3, "commit", 7, "Demo booked.", "Rehearse it.")], today)

    earlier = services.objective_create(
        organisation=org,
        actor=actor,
        title="The case for data mesh is agreed",
        period_start=previous.start,
        period_end=previous.end,
        owner=demo.people[Role.OWNER],
    )
    benefits = services.key_result_add(
        objective=earlier,
        actor=actor,
        title="Benefits written and signed off",
        kind="graded",
    )
    _check_ins(
        benefits, actor, [(elapsed + 20, "target", 9, "Signed off.", "Plan milestones.")], today
    )


SCORES = {
    "HCP 360 dashboard": ((5, 4, 4, 3, 4, 5, 5), (5, 4, 4, 1, 4, 5, 4)),
    "Digital customer engagement dashboard": ((5, 5, 5, 5, 5, 5, 4), (4, 5, 5, 5, 4, 5, 4)),
    "Next best action": ((4, 4, 4, 4, 4, 4, 3), (4, 3, 4, 4, 4, 3, 3)),
}
STORIES = {
    "HCP 360 dashboard": (
        "field representative",
        "to review a clinician's engagement history before a visit",
        "the meeting starts from what the clinician already knows",
        "Better prepared visits",
        "Share of visits prepared with the dashboard",
    ),
    "Digital customer engagement dashboard": (
        "marketing director",
        "to compare a campaign's open, click and bounce rates with earlier ones",
        "we stop spending on channels that do not work",
        "Campaign spend moved to what works",
        "Cost per engaged contact",
    ),
    "Next best action": (
        "key account manager",
        "a suggestion for the next step with each customer",
        "fewer customers go quiet",
        "Customers kept",
        "Share of accounts with a contact each month",
    ),
}


def _use_cases(demo: Demo, champion: Actor, facilitator: Actor, tree) -> None:
    if UseCase.objects.filter(organisation=demo.organisation).exists():
        return
    from . import usecases

    for title, (as_a, want, so_that, value, measured) in STORIES.items():
        use_case = services.use_case_create(
            organisation=demo.organisation,
            actor=champion,
            title=title,
            as_a=as_a,
            i_want=want,
            so_that=so_that,
            intended_value=value,
            how_measured=measured,
            bet=tree.get("Patient-flow data owned by the wards cuts report waiting time")
            if title == "HCP 360 dashboard"
            else None,
        )
        for actor, values in zip((champion, facilitator), SCORES[title], strict=True):
            scores = dict(zip(usecases.CRITERION_KEYS, values, strict=True))
            services.use_case_score(use_case=use_case, actor=actor, scores=scores)


def _roi(demo: Demo, actor: Actor) -> None:
    if RoiMeasure.objects.filter(organisation=demo.organisation).exists():
        return
    benefit = services.roi_measure_add(
        organisation=demo.organisation,
        actor=actor,
        name="Analyst hours saved, valued",
        kind="benefit",
        unit="EUR",
        how_measured="Hours saved per report times the hourly rate.",
    )
    cost = services.roi_measure_add(
        organisation=demo.organisation,
        actor=actor,
        name="Platform and team cost",
        kind="cost",
        unit="EUR",
        how_measured="Invoices and time sheets of the platform team.",
    )
    month_end = demo.today.replace(day=1) - timedelta(days=1)
    ends = []
    for _ in range(5):
        ends.insert(0, month_end)
        month_end = month_end.replace(day=1) - timedelta(days=1)
    for index, end in enumerate(ends):
        services.roi_measurement_record(
            measure=cost, actor=actor, period_end=end, amount=Decimal(30000 - 2000 * index)
        )
        services.roi_measurement_record(
            measure=benefit, actor=actor, period_end=end, amount=Decimal(4000 + 9000 * index)
        )


def _curve_history(demo: Demo) -> None:
    """Earlier positions: today's evidence with only the milestones done by then."""
    if CurveSnapshot.objects.filter(organisation=demo.organisation).exists():
        return
    evidence = selectors.curve_evidence(organisation=demo.organisation, today=demo.today)
    done_on = dict(
        Milestone.objects.filter(organisation=demo.organisation).values_list(
            "step__number", "done_on"
        )
    )
    for days_ago in (60, 30, 14):
        day = demo.today - timedelta(days=days_ago)
        then = replace(
            evidence,
            milestones=[
                (number, done and done_on.get(number) is not None and done_on[number] <= day)
                for number, done in evidence.milestones
            ],
            okr_progress=None,
        )
        position = curve.place(then)
        CurveSnapshot.objects.create(
            organisation=demo.organisation,
            taken_on=day,
            position=position.position,
            principles={p.key: p.position for p in position.principles},
        )
    services.curve_record(organisation=demo.organisation, today=demo.today)


def build(demo: Demo) -> None:
    champion = _actor(demo, Role.CHAMPION)
    facilitator = _actor(demo, Role.FACILITATOR)
    tree = _tree(demo, champion)
    _milestones(demo, champion)
    _objectives(demo, champion, tree)
    _use_cases(demo, champion, facilitator, tree)
    _roi(demo, champion)
    _curve_history(demo)
    demo.report.append("Champions: value tree, milestones, objectives, use cases, ROI, curve.")
