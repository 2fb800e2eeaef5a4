"""The champions' demo builder: data for every page, created once."""

import pytest
from django.core.management import call_command

from champions import selectors
from champions.models import (
    CheckIn,
    CurveSnapshot,
    KeyResult,
    LvtNode,
    Milestone,
    Objective,
    RoiMeasurement,
    UseCase,
    UseCaseScore,
)
from organisations.models import Organisation

pytestmark = pytest.mark.django_db

MODELS = [LvtNode, Milestone, Objective, KeyResult, CheckIn, UseCase, UseCaseScore]


def _counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in [*MODELS, RoiMeasurement, CurveSnapshot]}


def test_it_loads_data_for_every_champions_page(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", verbosity=0)

    acme = Organisation.objects.get(slug="acme")
    counts = _counts()
    assert all(counts.values()), counts
    ranked = selectors.use_cases_ranked(organisation=acme, user=None)
    assert ranked[0].use_case.title == "Digital customer engagement dashboard"
    assert any(r.result.disagreement for r in ranked)
    assert Milestone.objects.filter(organisation=acme, status="done").count() == 3
    assert CurveSnapshot.objects.filter(organisation=acme).count() >= 4
    positions = list(CurveSnapshot.objects.order_by("taken_on").values_list("position", flat=True))
    assert positions == sorted(positions)


def test_it_creates_nothing_twice_and_keeps_changes():
    call_command("load_demo", verbosity=0)
    first = _counts()
    Milestone.objects.filter(title__startswith="ROI baseline").update(status="dropped")

    call_command("load_demo", verbosity=0)

    assert _counts() == first
    assert Milestone.objects.get(title__startswith="ROI baseline").status == "dropped"
