"""Acme Health's readiness assessments: a closed round in spring and one in autumn, a dozen
people each, and a round open now with a few answers in. Runs after the organisations builder
(kernel.demo); a round whose title exists already is left as it is.

People disagree on executive support in spring and on domain ownership and early adoption in
autumn, with comments, so the results page has something to explain.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from kernel.demo import Demo
from organisations.access import Actor
from organisations.roles import Role

from .models import Instrument, Respondent, Round
from .services import AxisAnswer, Outsider, respondents_add, response_save, round_close

AXES = (
    "organisational_complexity",
    "data_strategy",
    "executive_support",
    "data_technology",
    "early_adopter",
    "modern_engineering",
    "domain_organisation",
    "long_term_commitment",
)
LEVELS = {"L": "low", "M": "medium", "H": "high", "?": "dont_know"}

# Seven colleagues without an account, asked by e-mail, after the five demo members.
OUTSIDERS = (
    Outsider("Nadia Farouk", "nadia.farouk@acme-health.example"),
    Outsider("Tom Becker", "tom.becker@acme-health.example"),
    Outsider("Lucía Ortega", "lucia.ortega@acme-health.example"),
    Outsider("Kwame Mensah", "kwame.mensah@acme-health.example"),
    Outsider("Hannah Vogel", "hannah.vogel@acme-health.example"),
    Outsider("Ravi Iyer", "ravi.iyer@acme-health.example"),
    Outsider("Julia Nowak", "julia.nowak@acme-health.example"),
)
MEMBERS = (Role.OWNER, Role.FACILITATOR, Role.CHAMPION, Role.EXECUTIVE, Role.MEMBER)


@dataclass(frozen=True)
class DemoRound:
    title: str
    opened_days_ago: int
    closed_days_ago: int | None
    closes_in_days: int | None
    # One string per axis, one letter per person (members first, then outsiders); a space
    # means that person has not answered (yet).
    answers: dict[str, str]
    # (person index, axis) -> comment
    comments: dict[tuple[int, str], str]


ROUNDS = (
    DemoRound(
        title="Readiness check, spring",
        opened_days_ago=200,
        closed_days_ago=180,
        closes_in_days=None,
        answers={
            "organisational_complexity": "HHMHMHHMHMMH",
            "data_strategy": "MMLMMLMMLM?M",
            "executive_support": "LHLHLLHMLH?L",
            "data_technology": "MMMLMMLMMMLM",
            "early_adopter": "LLMLLMLLLM?L",
            "modern_engineering": "MMMMLMMMHMMM",
            "domain_organisation": "LLLMLLLLML?L",
            "long_term_commitment": "MLMMMLMMLM?M",
        },
        comments={
            (0, "executive_support"): "The board approved the budget, but only for one year.",
            (1, "executive_support"): "Our CFO opens every quarterly review with data mesh.",
            (4, "executive_support"): "I have never heard a director mention it.",
            (6, "executive_support"): "The CEO sponsors it in person.",
            (2, "domain_organisation"): "Every analyst still reports to central IT.",
            (10, "data_strategy"): "Too new here to judge the strategy.",
        },
    ),
    DemoRound(
        title="Readiness check, autumn",
        opened_days_ago=90,
        closed_days_ago=70,
        closes_in_days=None,
        answers={
            "organisational_complexity": "HHHHMHHMHHMH",
            "data_strategy": "MMMHMMMMMHMM",
            "executive_support": "MHMHMMHMMHMM",
            "data_technology": "MMMMMMLMMMMM",
            "early_adopter": "LHMHLMHLMLHM",
            "modern_engineering": "MHMMMMMHHMMM",
            "domain_organisation": "LHLMLLHLMLLM",
            "long_term_commitment": "MMMHMMMMMHMM",
        },
        comments={
            (1, "domain_organisation"): "Claims and billing now have their own data engineers.",
            (4, "domain_organisation"): "Outside claims, nothing has changed for us.",
            (6, "domain_organisation"): "The new domain teams are staffed for three years.",
            (2, "early_adopter"): "We still wait for the vendor roadmap before we try anything.",
            (5, "early_adopter"): "The platform team ships a new experiment every sprint.",
            (3, "executive_support"): "The steering group now meets monthly.",
        },
    ),
    DemoRound(
        title="Readiness check, winter",
        opened_days_ago=6,
        closed_days_ago=None,
        closes_in_days=14,
        answers={
            "organisational_complexity": "HH H  M H   ",
            "data_strategy": "MH M  M M   ",
            "executive_support": "HH M  H M   ",
            "data_technology": "MM M  M M   ",
            "early_adopter": "MH L  M M   ",
            "modern_engineering": "MH M  M H   ",
            "domain_organisation": "MH L  M M   ",
            "long_term_commitment": "HH M  H M   ",
        },
        comments={
            (3, "domain_organisation"): "Two domains out of nine is not an organisation yet.",
        },
    ),
)


def _at(today: date, days_ago: int) -> datetime:
    return timezone.make_aware(datetime.combine(today - timedelta(days=days_ago), time(9, 30)))


def _build_round(demo: Demo, instrument: Instrument, plan: DemoRound) -> Round:
    organisation = demo.organisation
    round = Round.objects.create(
        organisation=organisation,
        instrument=instrument,
        title=plan.title,
        closes_on=demo.today + timedelta(days=plan.closes_in_days)
        if plan.closes_in_days is not None
        else None,
        opened_by=demo.people[Role.CHAMPION],
    )
    members = [demo.people[role] for role in MEMBERS]
    respondents_add(round=round, members=members, outsiders=list(OUTSIDERS))
    # Members first, then outsiders, in the order the answer strings use.
    people = list(round.respondents.select_related("grant"))
    order = {user.pk: n for n, user in enumerate(members)}
    order_out = {o.email: len(members) + n for n, o in enumerate(OUTSIDERS)}
    people.sort(key=lambda r: order[r.user_id] if r.user_id else order_out[r.email])
    for index, respondent in enumerate(people):
        answers = {
            axis: AxisAnswer(
                level=LEVELS[plan.answers[axis][index]],
                comment=plan.comments.get((index, axis), ""),
                base=0,
            )
            for axis in AXES
            if plan.answers[axis][index] != " "
        }
        if answers:
            # Each person answers through their own link, as they would.
            actor = Actor(organisation=organisation, grant=respondent.grant)
            response_save(respondent=respondent, actor=actor, answers=answers)
    Round.objects.filter(pk=round.pk).update(created=_at(demo.today, plan.opened_days_ago))
    Respondent.objects.filter(round=round).update(invited_at=_at(demo.today, plan.opened_days_ago))
    round.refresh_from_db()
    if plan.closed_days_ago is not None:
        round = round_close(round=round, base_version=round.version)
        Round.objects.filter(pk=round.pk).update(closed_at=_at(demo.today, plan.closed_days_ago))
    return round


def build(demo: Demo) -> None:
    instrument = Instrument.objects.filter(slug="readiness").order_by("-version").first()
    if instrument is None or demo.organisation is None:
        return
    existing = set(
        Round.objects.filter(organisation=demo.organisation).values_list("title", flat=True)
    )
    added = [
        _build_round(demo, instrument, plan).title for plan in ROUNDS if plan.title not in existing
    ]
    if added:
        demo.report.append(f"Assessment rounds: {', '.join(added)}.")
