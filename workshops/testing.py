"""Test helpers for workshops: a planned workshop, people who joined it, notes on a board."""

import json
from datetime import date, time
from pathlib import Path

from django.test import Client

from organisations.access import Actor
from organisations.models import Membership, Organisation, User

from . import services
from .models import Activity, ActivityTemplate, Participant, Workshop
from .services import WorkshopDetails

FROZEN_ACTIVITIES = Path(__file__).parent / "migrations" / "0002_accelerate_v1.json"


def ensure_templates() -> None:
    """The built-in activities, loaded again from the migration's frozen copy if a live-server
    test flushed the table."""
    if ActivityTemplate.objects.filter(organisation=None).exists():
        return
    data = json.loads(FROZEN_ACTIVITIES.read_text(encoding="utf-8"))
    for order, activity in enumerate(data["activities"]):
        ActivityTemplate.objects.create(
            organisation=None,
            source=f"{data['slug']}-v{data['version']}",
            order=order,
            **activity,
        )


def actor_for(user: User, organisation: Organisation) -> Actor:
    membership = Membership.objects.select_related("user", "organisation").get(
        user=user, organisation=organisation
    )
    return Actor(organisation=organisation, membership=membership)


def plan_workshop(
    organisation: Organisation,
    *,
    by: User,
    title: str = "Accelerate",
    format: str = "remote",
    **details,
) -> Workshop:
    values = {
        "title": title,
        "format": format,
        "session_dates": [date(2026, 12, 1 + i) for i in range(4 if format == "remote" else 2)],
        "starts_at": time(13, 30),
        "ends_at": time(17, 0),
        "time_zone": "Europe/London",
        **details,
    }
    ensure_templates()
    return services.workshop_create(
        organisation=organisation,
        actor=actor_for(by, organisation),
        details=WorkshopDetails(**values),
    )


def start(workshop: Workshop, key: str = "hopes_and_concerns") -> Activity:
    activity = workshop.activities.get(key=key)
    services.activity_start(activity=activity)
    activity.refresh_from_db()
    return activity


def join_as_guest(workshop: Workshop, name: str, passcode: str = "") -> tuple[Client, Participant]:
    """A browser without an account that joined by the workshop's code."""
    client = Client()
    data = {"display_name": name}
    if passcode:
        data["passcode"] = passcode
    response = client.post(f"/join/{workshop.join_code}/", data)
    assert response.status_code == 302, response.content[:500]
    participant = workshop.participants.get(display_name=name, user=None)
    return client, participant


def workshop_world(organisation: Organisation, owner: User) -> dict[str, int]:
    """Real objects for every workshop URL (tests/test_permissions.py): an earlier workshop
    with an open action, and a running one with a note, a group, a checklist, a person
    waiting to be let in and a guest who joined by code."""
    from datetime import timedelta

    from django.utils import timezone

    from organisations.roles import Action, GuestKind
    from organisations.services import guest_grant_issue

    from .models import Cluster, Note, Zone

    earlier = plan_workshop(organisation, by=owner, title="Earlier")
    Workshop.objects.filter(pk=earlier.pk).update(created_at=timezone.now() - timedelta(days=30))
    next_steps = earlier.activities.get(key="next_steps")
    author = Participant.objects.create(workshop=earlier, user=owner, display_name=owner.name)
    action = Note.objects.create(
        activity=next_steps,
        zone=Zone.objects.get(activity=next_steps, order=0),
        text="Name a data product owner",
        author=author,
        author_name=owner.name,
    )
    workshop = plan_workshop(organisation, by=owner, title="Running")
    activity = start(workshop)
    me = Participant.objects.create(workshop=workshop, user=owner, display_name=owner.name)
    cluster = Cluster.objects.create(activity=activity, name="Speed")
    note = Note.objects.create(
        activity=activity,
        zone=activity.zones.first(),
        text="Answers in days, not months",
        author=me,
        author_name=owner.name,
        cluster=cluster,
    )
    waiting = Participant.objects.create(workshop=workshop, display_name="Sam", admitted=False)
    guest = Participant.objects.create(workshop=workshop, display_name="Kim")
    grant, _token = guest_grant_issue(
        organisation=organisation,
        kind=GuestKind.WORKSHOP_PARTICIPANT,
        target_id=workshop.pk,
        display_name="Kim",
        actions=[Action.WORKSHOP_VIEW, Action.BOARD_CONTRIBUTE],
    )
    guest.grant = grant
    guest.save(update_fields=["grant"])
    return {
        "earlier": earlier.pk,
        "workshop": workshop.pk,
        "activity": activity.pk,
        "zone": activity.zones.first().pk,
        "note": note.pk,
        "cluster": cluster.pk,
        "item": workshop.checklist.first().pk,
        "participant": waiting.pk,
        "action": action.pk,
        "guest_grant": grant.pk,
    }
