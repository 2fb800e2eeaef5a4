"""Acme Health part way through its journey: steps 1-4 done, 5 and 6 under way, step 17 set
aside, several canvases filled in. Runs after the organisations builder (kernel.demo); adds
nothing to a journey that has been written to already."""

from dataclasses import dataclass
from datetime import date, timedelta

from kernel.demo import Demo
from organisations.access import Actor
from organisations.models import Membership
from organisations.roles import Role

from .models import CanvasRevision, JourneyStep
from .selectors import journey_steps
from .services import canvas_save, step_plan, step_set_status

Status = JourneyStep.Status


@dataclass(frozen=True)
class StepPlan:
    status: str
    owner: Role | None = None
    due_in_days: int | None = None
    reason: str = ""


# Due dates are relative to the day the demo is loaded, so the demo never looks stale.
STEP_PLANS: dict[int, StepPlan] = {
    1: StepPlan(Status.DONE, Role.OWNER, -70),
    2: StepPlan(Status.DONE, Role.FACILITATOR, -56),
    3: StepPlan(Status.DONE, Role.CHAMPION, -35),
    4: StepPlan(Status.DONE, Role.OWNER, -14),
    5: StepPlan(Status.IN_PROGRESS, Role.CHAMPION, 10),
    6: StepPlan(Status.IN_PROGRESS, Role.FACILITATOR, 24),
    7: StepPlan(Status.NOT_STARTED, Role.CHAMPION, 45),
    8: StepPlan(Status.NOT_STARTED, Role.OWNER, 60),
    9: StepPlan(Status.NOT_STARTED, Role.FACILITATOR, 75),
    11: StepPlan(Status.NOT_STARTED, Role.CHAMPION, 90),
    17: StepPlan(
        Status.NOT_APPLICABLE,
        reason="The platform team already records what stays out of the mesh in its "
        "architecture decision log; we will not keep a second list.",
    ),
}

WIKI = "https://wiki.acme.example/data-mesh"


def _canvases(today: date) -> dict[int, tuple[Role, dict]]:
    """Canvas content per step number, with the person who wrote it."""

    def due(days: int) -> str:
        return (today + timedelta(days=days)).isoformat()

    return {
        1: (
            Role.OWNER,
            {
                "today": (
                    "About 4,000 people in four business domains: Clinical Trials, Patient "
                    "Services, Supply Chain and Finance. One central data team of eleven runs "
                    "the warehouse and answers every request; the queue is nine weeks long. "
                    "We behave like a large enterprise: regulated, twenty years of systems, "
                    "and careful about patient data."
                ),
                "decisions": (
                    "Plan for an enterprise-sized start: a long alignment phase, paid for up "
                    "front. For us, scaling data means domains publishing their own data "
                    "products instead of queueing. No selling of data: we are after savings "
                    "and faster trial reporting."
                ),
                "assumptions": (
                    "Domains have people who know their data well enough to own it once "
                    "they are given time and tooling."
                ),
                "risks": (
                    "Change fatigue after last year's ERP migration. The central data team "
                    "may read the initiative as a threat to their jobs."
                ),
                "open_questions": "How do domains pay for their data work in year one?",
                "actions": [
                    {
                        "action": "Share the one-page summary with the leadership team",
                        "owner": Role.OWNER,
                        "due": due(-72),
                    },
                ],
                "links": [
                    {"title": "Data request queue, last quarter", "url": f"{WIKI}/queue-report"},
                ],
            },
        ),
        2: (
            Role.FACILITATOR,
            {
                "today": (
                    "Assumptions collected in two workshops with 18 people from all four "
                    "domains, then published on the wiki for two weeks of comments."
                ),
                "decisions": (
                    "Every assumption gets an owner and a date by which we check it. The "
                    "three riskiest are reviewed at each steering meeting."
                ),
                "assumptions": (
                    "1. Trial reporting delays come from data hand-offs, not from the "
                    "statistics work itself (risky).\n"
                    "2. Domain teams will accept accountability for data quality.\n"
                    "3. Our cloud platform contract can host self-serve tooling without a "
                    "new tender (risky).\n"
                    "4. Executives will wait a year for measurable returns (risky)."
                ),
                "risks": (
                    "If assumption 1 is wrong, the flagship benefit disappears and the "
                    "business case with it."
                ),
                "open_questions": "Who outside the steering group should challenge the list?",
                "actions": [
                    {
                        "action": "Time the hand-offs in the last two trial readouts",
                        "owner": Role.CHAMPION,
                        "due": due(-50),
                    },
                ],
                "links": [{"title": "Assumptions register", "url": f"{WIKI}/assumptions"}],
            },
        ),
        3: (
            Role.CHAMPION,
            {
                "today": (
                    "Interviews held with the heads of all four domains, the data governance "
                    "office, the central data team and IT."
                ),
                "decisions": (
                    "Clinical Trials and Supply Chain are the path of least resistance: both "
                    "already feel the pain and share a planning process. Finance joins once "
                    "the first data products exist."
                ),
                "risks": "Patient Services is short of staff this year and may drop out.",
                "open_questions": "Who speaks for the central data team in the steering group?",
                "actions": [
                    {
                        "action": "Invite the central data team lead to the steering group",
                        "owner": Role.OWNER,
                        "due": due(-30),
                    },
                ],
                "items": [
                    {
                        "who": "Clinical Trials (producer and consumer)",
                        "stance": "Strong support: reporting delays hurt every study",
                        "approach": "Co-design the first use case with their operations lead",
                    },
                    {
                        "who": "Supply Chain (producer)",
                        "stance": "Supportive, worried about extra work",
                        "approach": "Fund one data engineer in the domain for the MVP",
                    },
                    {
                        "who": "Patient Services (consumer)",
                        "stance": "Interested but stretched",
                        "approach": "Monthly update; join in the second phase",
                    },
                    {
                        "who": "Finance (consumer)",
                        "stance": "Neutral, wants numbers",
                        "approach": "Co-own the ROI measures in step 8",
                    },
                    {
                        "who": "Data governance office",
                        "stance": "Cautious about federated ownership",
                        "approach": "Write the global policies together with them",
                    },
                    {
                        "who": "Central data team and IT",
                        "stance": "Mixed: keen on the platform, uneasy about their role",
                        "approach": "Position them as the platform team",
                    },
                ],
            },
        ),
        4: (
            Role.OWNER,
            {
                "today": (
                    "Patient data falls under GDPR and national health-data law; trial data "
                    "must also meet good clinical practice and audit-trail rules."
                ),
                "decisions": (
                    "We are a regulated company, so risk, compliance and finance are in from "
                    "the start: the data protection officer sits on the steering group, and "
                    "Finance reviews the business case before step 5 closes."
                ),
                "assumptions": "Pseudonymised trial data can be shared between domains.",
                "risks": (
                    "A data product that exposes patient-level data by mistake would stop "
                    "the programme. Every data product needs an access policy before release."
                ),
                "open_questions": "Does the audit-trail rule apply to derived data products?",
                "actions": [
                    {
                        "action": "Ask Quality and Regulatory for an opinion on audit trails",
                        "owner": Role.FACILITATOR,
                        "due": due(7),
                    },
                ],
                "links": [{"title": "Data protection impact assessment", "url": f"{WIKI}/dpia"}],
            },
        ),
        5: (
            Role.CHAMPION,
            {
                "today": (
                    "Draft objectives agreed with the COO; go or no-go decision due at the "
                    "next steering meeting."
                ),
                "decisions": (
                    "Short term: halve the time from trial database lock to the first "
                    "readout. Long term: every domain publishes the data others need without "
                    "a central request."
                ),
                "assumptions": "A bigger central team would not fix the queue for long.",
                "risks": "Choosing data mesh because peers did, not because of our objectives.",
                "open_questions": (
                    "What would make us say no? Draft answer: if fewer than two domains can "
                    "staff a data product owner within six months."
                ),
                "actions": [
                    {
                        "action": "Prepare the go or no-go paper for the steering group",
                        "owner": Role.CHAMPION,
                        "due": due(10),
                    },
                ],
            },
        ),
        6: (
            Role.FACILITATOR,
            {
                "today": "First list of benefits drafted; Finance has not reviewed it yet.",
                "open_questions": "Can we put a value on faster trial readouts?",
                "items": [
                    {
                        "benefit": "Faster trial readouts",
                        "beneficiary": "Clinical Trials, and patients waiting for results",
                        "evidence": "Days from database lock to first readout",
                    },
                    {
                        "benefit": "Fewer stock-outs of trial medicine at sites",
                        "beneficiary": "Supply Chain and trial sites",
                        "evidence": "Stock-out incidents per quarter",
                    },
                    {
                        "benefit": "Shorter data request queue",
                        "beneficiary": "Every domain",
                        "evidence": "Weeks from request to delivery",
                    },
                ],
                "actions": [
                    {
                        "action": "Review the benefits with Finance",
                        "owner": Role.FACILITATOR,
                        "due": due(14),
                    },
                ],
            },
        ),
        11: (
            Role.CHAMPION,
            {
                "today": "Early draft, to be worked on with the champion team.",
                "decisions": (
                    "First use case: forecasting trial medicine supply for each site. It "
                    "touches two domains only, Clinical Trials (enrolment) and Supply Chain "
                    "(stock and shipments)."
                ),
                "assumptions": "Enrolment data is good enough to forecast from weekly.",
                "risks": "Patient Services and Finance will ask why they have to wait.",
                "open_questions": "Which two trials make a fair pilot?",
            },
        ),
    }


def build(demo: Demo) -> None:
    organisation = demo.organisation
    if CanvasRevision.objects.filter(canvas__step__organisation=organisation).exists():
        return
    steps = {step.number: step for step in journey_steps(organisation)}
    for number, plan in STEP_PLANS.items():
        step = steps[number]
        if plan.status != step.status:
            step = step_set_status(
                step=step,
                status=plan.status,
                not_applicable_reason=plan.reason,
                base_version=step.version,
            )
        if plan.owner or plan.due_in_days is not None:
            step_plan(
                step=step,
                owner=demo.people[plan.owner] if plan.owner else None,
                due_date=(
                    demo.today + timedelta(days=plan.due_in_days)
                    if plan.due_in_days is not None
                    else None
                ),
                base_version=step.version,
            )
    memberships = {
        m.role: m
        for m in Membership.objects.select_related("user").filter(
            organisation=organisation, user__in=demo.people.values()
        )
    }
    for number, (role, content) in _canvases(demo.today).items():
        # Next actions are owned by demo members, picked from the member list as in the form.
        for row in content.get("actions", []):
            person = demo.people[row["owner"]]
            row["owner"], row["owner_id"] = person.name, str(person.pk)
        canvas = steps[number].canvas
        canvas_save(
            canvas=canvas,
            content=content,
            base_version=canvas.version,
            actor=Actor(organisation=organisation, membership=memberships[role]),
        )
    demo.report.append("Journey: steps, owners, due dates and canvases filled in.")
