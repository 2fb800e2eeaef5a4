"""The workshops' demo data: a finished workshop with full boards, and a scheduled one."""

import pytest
from django.core.management import call_command

from workshops.demo import FINISHED, SCHEDULED
from workshops.models import Cluster, Note, Promotion, Vote, Workshop

pytestmark = pytest.mark.django_db


def test_it_builds_a_finished_workshop_with_boards_groups_and_votes():
    call_command("load_demo", verbosity=0)

    finished = Workshop.objects.get(title=FINISHED)
    assert finished.status == Workshop.Status.ENDED
    assert finished.format == "remote"
    assert Note.objects.filter(activity__workshop=finished).count() > 30
    assert Cluster.objects.filter(activity__workshop=finished).count() >= 8
    assert Vote.objects.filter(note__activity__workshop=finished).count() > 50
    assert Promotion.objects.filter(note__activity__workshop=finished).exists()
    assert finished.participants.filter(user=None).count() == 6


def test_it_builds_a_scheduled_workshop_whose_open_actions_come_from_the_finished_one():
    from workshops.selectors import open_actions

    call_command("load_demo", verbosity=0)

    scheduled = Workshop.objects.get(title=SCHEDULED)
    assert scheduled.status == Workshop.Status.SCHEDULED
    assert scheduled.format == "in_person"
    assert scheduled.checklist.filter(done_at__isnull=False).count() == 3
    actions = open_actions(organisation=scheduled.organisation, before=scheduled)
    assert [a.text for a in actions] == [
        "Name an owner for the bed occupancy product",
        "Draft the first data contract with the planners",
        "Book the data product inception for January",
    ]


def test_it_creates_nothing_twice():
    call_command("load_demo", verbosity=0)
    counts = (Workshop.objects.count(), Note.objects.count(), Vote.objects.count())

    call_command("load_demo", verbosity=0)

    assert (Workshop.objects.count(), Note.objects.count(), Vote.objects.count()) == counts
