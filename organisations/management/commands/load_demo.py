"""Load the demo organisation, Acme Health, part way through its journey.

Idempotent: the first run creates the organisation, its five members and the journey state;
later runs only add a missing demo account or membership and otherwise change nothing, so
whatever people did in the demo since is kept.

Every demo account signs in with DEMO_PASSWORD (also listed in README.md).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from journey.models import JourneyStep
from journey.selectors import journey_steps
from journey.services import canvas_save, step_plan, step_set_status
from organisations.models import Membership, Organisation, User
from organisations.roles import Role
from organisations.services import organisation_create

# A published, documented password for a local demo only: not a secret.
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105
DEMO_SLUG = "acme"
DEMO_NAME = "Acme Health"


@dataclass(frozen=True)
class DemoPerson:
    email: str
    name: str
    role: Role


OWNER = DemoPerson("owner@acme.example", "Priya Raman", Role.OWNER)
FACILITATOR = DemoPerson("facilitator@acme.example", "Elena Marsh", Role.FACILITATOR)
CHAMPION = DemoPerson("champion@acme.example", "David Okafor", Role.CHAMPION)
EXECUTIVE = DemoPerson("exec@acme.example", "Margaret Lindqvist", Role.EXECUTIVE)
MEMBER = DemoPerson("member@acme.example", "Sam Whitfield", Role.MEMBER)
PEOPLE = (OWNER, FACILITATOR, CHAMPION, EXECUTIVE, MEMBER)

Status = JourneyStep.Status


@dataclass(frozen=True)
class StepPlan:
    status: str
    owner: DemoPerson | None = None
    due_in_days: int | None = None
    reason: str = ""


# Due dates are relative to the day the demo is loaded, so the demo never looks stale.
STEP_PLANS: dict[int, StepPlan] = {
    1: StepPlan(Status.DONE, OWNER, -70),
    2: StepPlan(Status.DONE, FACILITATOR, -56),
    3: StepPlan(Status.DONE, CHAMPION, -35),
    4: StepPlan(Status.DONE, OWNER, -14),
    5: StepPlan(Status.IN_PROGRESS, CHAMPION, 10),
    6: StepPlan(Status.IN_PROGRESS, FACILITATOR, 24),
    7: StepPlan(Status.NOT_STARTED, CHAMPION, 45),
    8: StepPlan(Status.NOT_STARTED, OWNER, 60),
    9: StepPlan(Status.NOT_STARTED, FACILITATOR, 75),
    11: StepPlan(Status.NOT_STARTED, CHAMPION, 90),
    17: StepPlan(
        Status.NOT_APPLICABLE,
        reason="The platform team already records what stays out of the mesh in its "
        "architecture decision log; we will not keep a second list.",
    ),
}

WIKI = "https://wiki.acme.example/data-mesh"


def _canvases(today: date) -> dict[int, tuple[DemoPerson, dict]]:
    """Canvas content per step number, with the person who wrote it."""

    def due(days: int) -> str:
        return (today + timedelta(days=days)).isoformat()

    return {
        1: (
            OWNER,
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
                        "owner": OWNER.name,
                        "due": due(-72),
                    },
                ],
                "links": [
                    {"title": "Data request queue, last quarter", "url": f"{WIKI}/queue-report"},
                ],
            },
        ),
        2: (
            FACILITATOR,
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
                        "owner": CHAMPION.name,
                        "due": due(-50),
                    },
                ],
                "links": [{"title": "Assumptions register", "url": f"{WIKI}/assumptions"}],
            },
        ),
        3: (
            CHAMPION,
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
                        "owner": OWNER.name,
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
            OWNER,
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
                        "owner": FACILITATOR.name,
                        "due": due(7),
                    },
                ],
                "links": [{"title": "Data protection impact assessment", "url": f"{WIKI}/dpia"}],
            },
        ),
        5: (
            CHAMPION,
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
                        "owner": CHAMPION.name,
                        "due": due(10),
                    },
                ],
            },
        ),
        6: (
            FACILITATOR,
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
                        "owner": FACILITATOR.name,
                        "due": due(14),
                    },
                ],
            },
        ),
        11: (
            CHAMPION,
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


class Command(BaseCommand):
    help = "Create the Acme Health demo organisation, its members and its journey (idempotent)."

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            users = {person: self._user(person) for person in PEOPLE}
            organisation = Organisation.objects.filter(slug=DEMO_SLUG).first()
            created = organisation is None
            if organisation is None:
                organisation = organisation_create(
                    name=DEMO_NAME, owner=users[OWNER], slug=DEMO_SLUG
                )
            for person, user in users.items():
                Membership.objects.get_or_create(
                    organisation=organisation, user=user, defaults={"role": person.role}
                )
            if created:
                self._journey(organisation, users)
        if created:
            self.stdout.write(self.style.SUCCESS(f"Created the demo organisation {DEMO_NAME}."))
        else:
            self.stdout.write(f"The demo organisation {DEMO_NAME} already exists; kept as it is.")
        for person in PEOPLE:
            self.stdout.write(f"  {person.email:<28} {person.role.label}")
        self.stdout.write(f"Password for every demo account: {DEMO_PASSWORD}")

    def _user(self, person: DemoPerson) -> User:
        user = User.objects.filter(email__iexact=person.email).first()
        return user or User.objects.create_user(
            email=person.email, name=person.name, password=DEMO_PASSWORD
        )

    def _journey(self, organisation: Organisation, users: dict[DemoPerson, User]) -> None:
        today = timezone.localdate()
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
                    owner=users[plan.owner] if plan.owner else None,
                    due_date=(
                        today + timedelta(days=plan.due_in_days)
                        if plan.due_in_days is not None
                        else None
                    ),
                    base_version=step.version,
                )
        for number, (author, content) in _canvases(today).items():
            canvas = steps[number].canvas
            canvas_save(
                canvas=canvas, content=content, base_version=canvas.version, author=users[author]
            )
