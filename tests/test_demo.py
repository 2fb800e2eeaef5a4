"""load_demo: every app's builder composed by the kernel, idempotent."""

import pytest
from django.core.management import call_command

from journey.models import CanvasRevision, JourneyStep
from kernel.demo import builders
from organisations.models import Membership, Organisation, User

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {
        "organisations": Organisation.objects.count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "revisions": CanvasRevision.objects.count(),
    }


def test_it_runs_the_organisations_builder_before_the_apps_that_use_its_organisation():
    labels = [label for label, _build in builders()]

    assert labels[0] == "organisations"
    assert labels.index("journey") > 0


def test_it_loads_the_demo_organisation_with_its_journey():
    call_command("load_demo", verbosity=0)

    acme = Organisation.objects.get(slug="acme")
    assert acme.memberships.count() == 5
    assert JourneyStep.objects.filter(organisation=acme, status="done").count() == 4
    assert CanvasRevision.objects.filter(canvas__step__organisation=acme).exists()


def test_it_creates_nothing_twice_and_keeps_changes_made_since():
    call_command("load_demo", verbosity=0)
    first = _counts()
    step = JourneyStep.objects.get(organisation__slug="acme", definition__number=7)
    JourneyStep.objects.filter(pk=step.pk).update(status="done")

    call_command("load_demo", verbosity=0)

    assert _counts() == first
    step.refresh_from_db()
    assert step.status == "done"
