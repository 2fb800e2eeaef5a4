"""Acme Health's workshops: a remote Accelerate workshop finished last month, its boards full of
notes, groups and votes, and the next one, in a room, planned for the coming weeks. Runs after
the organisations and journey builders (kernel.demo); a workshop whose title exists already is
left as it is.
"""

from datetime import time, timedelta

from django.utils import timezone

from journey.selectors import journey_steps
from kernel.demo import Demo
from organisations.access import Actor
from organisations.roles import Role

from . import rules, services
from .models import ActivityTemplate, Cluster, Note, Participant, Vote, Workshop
from .services import WorkshopDetails

FINISHED = "Accelerate, autumn"
SCHEDULED = "Accelerate, winter (in the room)"
GUESTS = ("Nadia Farouk", "Tom Becker", "Lucía Ortega", "Kwame Mensah", "Hannah Vogel", "Ravi Iyer")

# activity key -> zone name -> [(text, group or "", votes)]
BOARDS: dict[str, dict[str, list[tuple[str, str, int]]]] = {
    "kick_off": {
        "Expectations": [
            ("Leave with a plan we believe in", "A plan", 4),
            ("Understand what data mesh asks of my team", "Understanding", 3),
            ("Agree on a first use case", "A plan", 3),
            ("Hear what worries the others", "Understanding", 1),
        ],
    },
    "hopes_and_concerns": {
        "Hopes": [
            ("Answers in days, not months", "Speed", 5),
            ("Teams own the data they know best", "Ownership", 4),
            ("Fewer copies of the same patient data", "Quality", 2),
            ("Data people can trust without asking around", "Quality", 3),
        ],
        "Concerns": [
            ("Domain teams have no time for more work", "Capacity", 6),
            ("We build a platform nobody uses", "Platform", 4),
            ("Governance turns into a committee", "Governance", 3),
            ("Privacy rules differ per hospital", "Governance", 2),
        ],
    },
    "business_goals": {
        "Vision": [("Every care decision can draw on trusted data the same week", "", 0)],
        "Goals": [
            ("Shorter waiting lists for planned surgery", "", 3),
            ("Fewer readmissions within 30 days", "", 2),
        ],
        "Bets": [
            ("A bed occupancy product for the planners", "", 4),
            ("Discharge summaries as data, not PDFs", "", 2),
        ],
        "Measures of success": [("Planners use the product every day within 3 months", "", 1)],
    },
    "use_cases": {
        "Use-case cards": [
            ("As a planner I want tomorrow's free beds so that I can book surgery", "Beds", 6),
            ("As a nurse lead I want readmission risk so that I can call patients", "Care", 3),
            ("As finance I want cost per pathway so that we can fund what works", "Money", 1),
        ],
    },
    "platform_principles": {
        "Properties": [
            ("Self-service: a new data product in a day", "Self-service", 5),
            ("Secure by default", "Trust", 3),
        ],
        "Tools": [("One catalogue everyone can search", "Self-service", 2)],
        "Process": [("Data contracts reviewed like code", "Trust", 3)],
        "People": [("A platform team that treats domains as customers", "Self-service", 2)],
    },
    "next_steps": {
        "Action": [
            ("Name an owner for the bed occupancy product", "", 0),
            ("Draft the first data contract with the planners", "", 0),
            ("Book the data product inception for January", "", 0),
        ],
        "Owner": [("Ana (product), Ben (platform)", "", 0)],
        "Due date": [("Before the winter workshop", "", 0)],
    },
    "check_out": {
        "Keep": [("Short afternoons kept everyone fresh", "", 0), ("Private writing first", "", 0)],
        "Change": [("More time for use cases", "", 0)],
    },
}


def _actor(demo: Demo, role: str) -> Actor:
    membership = demo.organisation.memberships.select_related("user").get(user=demo.people[role])
    return Actor(organisation=demo.organisation, membership=membership)


def _fill(workshop: Workshop, participants: list[Participant]) -> None:
    """Notes, groups and votes on the boards of the finished workshop."""
    for key, zones in BOARDS.items():
        activity = workshop.activities.get(key=key)
        voters = iter(participants * 20)
        for position, (zone_name, notes) in enumerate(zones.items()):
            zone = activity.zones.get(name=zone_name)
            for index, (text, group, votes) in enumerate(notes):
                author = participants[(position * 3 + index) % len(participants)]
                cluster = (
                    Cluster.objects.get_or_create(activity=activity, name=group)[0]
                    if group
                    else None
                )
                note = Note.objects.create(
                    activity=activity,
                    zone=zone,
                    text=text,
                    author=author,
                    author_name=author.display_name,
                    cluster=cluster,
                    colour=Note.Colour.values[(position + index) % 3],
                )
                Vote.objects.bulk_create(
                    Vote(note=note, participant=next(voters)) for _ in range(votes)
                )
        activity.phase = rules.DISCUSS
        activity.votes_revealed = True
        activity.save(update_fields=["phase", "votes_revealed"])


def _finished(demo: Demo) -> None:
    organisation = demo.organisation
    facilitator = _actor(demo, Role.FACILITATOR)
    first = demo.today - timedelta(days=40)
    workshop = services.workshop_create(
        organisation=organisation,
        actor=facilitator,
        details=WorkshopDetails(
            title=FINISHED,
            format=rules.REMOTE,
            session_dates=rules.default_dates(rules.REMOTE, first),
            starts_at=time(13, 30),
            ends_at=time(17, 0),
            time_zone="Europe/Amsterdam",
        ),
    )
    participants = [
        Participant.objects.create(workshop=workshop, user=user, display_name=user.name)
        for user in demo.people.values()
    ] + [Participant.objects.create(workshop=workshop, display_name=name) for name in GUESTS]
    _fill(workshop, participants)
    workshop.checklist.update(
        done_at=timezone.now() - timedelta(days=45), done_by_name=facilitator.display_name
    )
    concern = Note.objects.get(activity__workshop=workshop, text__startswith="Domain teams have no")
    step = next(iter(journey_steps(organisation)))
    services.note_promote(note=concern, step=step, section="risks", actor=facilitator)
    inception = Note.objects.get(activity__workshop=workshop, text__startswith="Book the data")
    services.note_promote_to_tool(
        note=inception, kind="milestone", actor=facilitator, today=demo.today
    )
    Workshop.objects.filter(pk=workshop.pk).update(
        status=Workshop.Status.ENDED, current_activity=workshop.activities.get(key="check_out")
    )
    notes = Note.objects.filter(activity__workshop=workshop).count()
    demo.report.append(f"Workshop “{FINISHED}”: ended, {notes} notes.")


def _scheduled(demo: Demo) -> None:
    first = demo.today + timedelta(days=21)
    workshop = services.workshop_create(
        organisation=demo.organisation,
        actor=_actor(demo, Role.FACILITATOR),
        details=WorkshopDetails(
            title=SCHEDULED,
            format=rules.IN_PERSON,
            session_dates=rules.default_dates(rules.IN_PERSON, first),
            starts_at=time(9, 0),
            ends_at=time(17, 0),
            time_zone="Europe/Amsterdam",
            passcode="tulip",
        ),
    )
    workshop.intro_email = (
        "Dear all, in January we meet for two days to turn last autumn's plan into our first "
        "data products. Please bring one question you want answered."
    )
    workshop.reading_links = (
        "Data mesh principles: https://martinfowler.com/articles/data-mesh-principles.html"
    )
    workshop.save(update_fields=["intro_email", "reading_links"])
    for item in workshop.checklist.all()[:3]:
        services.checklist_tick(item=item, done=True, actor=_actor(demo, Role.FACILITATOR))
    demo.report.append(
        f"Workshop “{SCHEDULED}”: join code {rules.display_code(workshop.join_code)}, "
        "passcode tulip."
    )


def build(demo: Demo) -> None:
    if demo.organisation is None or not ActivityTemplate.objects.filter(organisation=None).exists():
        return
    titles = set(demo.organisation.workshops.values_list("title", flat=True))
    if FINISHED not in titles:
        _finished(demo)
    if SCHEDULED not in titles:
        _scheduled(demo)
