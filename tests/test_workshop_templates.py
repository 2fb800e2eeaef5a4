"""The Accelerate activities are data, loaded by a migration from a frozen copy."""

import json
from pathlib import Path

import pytest

from workshops.models import ActivityTemplate

ROOT = Path(__file__).resolve().parent.parent / "workshops"


@pytest.mark.django_db
def test_it_loads_the_ten_activities_in_agenda_order():
    templates = list(ActivityTemplate.objects.filter(organisation=None))

    assert [t.key for t in templates] == [
        "kick_off",
        "hopes_and_concerns",
        "nutshell",
        "readiness",
        "business_goals",
        "use_cases",
        "data_products",
        "platform_principles",
        "next_steps",
        "check_out",
    ]
    assert [t.session for t in templates] == [1, 1, 1, 2, 2, 3, 3, 4, 4, 4]


@pytest.mark.django_db
def test_it_gives_each_activity_its_zones_steps_and_voting_rules():
    hopes = ActivityTemplate.objects.get(organisation=None, key="hopes_and_concerns")
    value = ActivityTemplate.objects.get(organisation=None, key="business_goals")

    assert hopes.zones == ["Hopes", "Concerns"]
    assert value.zones == ["Vision", "Goals", "Bets", "Measures of success"]
    assert len(hopes.steps) >= 2
    assert hopes.question and hopes.outcome and hopes.timebox_minutes > 0
    assert hopes.several_votes_per_note is True


def test_it_ships_the_same_activities_the_migration_froze():
    live = json.loads((ROOT / "activities" / "accelerate_v1.json").read_text(encoding="utf-8"))
    frozen = json.loads(
        (ROOT / "migrations" / "0002_accelerate_v1.json").read_text(encoding="utf-8")
    )

    assert live == frozen
