"""The assessment part of load_demo: two closed rounds a few months apart and an open one."""

import pytest
from django.core.management import call_command

from assessments import scoring
from assessments.models import Response, Round
from assessments.results import round_summaries

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_rounds() -> list[Round]:
    call_command("load_demo", verbosity=0)
    return list(Round.objects.filter(organisation__slug="acme").order_by("created"))


def test_it_adds_two_closed_rounds_months_apart_and_an_open_one(demo_rounds):
    spring, autumn, winter = demo_rounds

    assert [r.is_open() for r in demo_rounds] == [False, False, True]
    assert (autumn.created - spring.created).days >= 90
    for round in (spring, autumn):
        assert round.respondents.count() == 12
        assert (
            Response.objects.filter(respondent__round=round, submitted_at__isnull=False).count()
            == 12
        )
    assert 0 < Response.objects.filter(respondent__round=winter).count() < 12


def test_it_gives_the_results_page_disagreements_and_comments_to_explain(demo_rounds):
    disagreeing = set()
    for round in demo_rounds[:2]:
        summaries = round_summaries(round)[-1].summaries
        disagreeing |= {s.key for s in summaries if s.disagreement}
        assert scoring.verdict(round.instrument.definition, summaries).status == "wait"
    comments = [c for r in Response.objects.all() for c in r.comments.values()]

    assert len(disagreeing) >= 2
    assert len(comments) >= 5


def test_it_adds_nothing_when_run_again(demo_rounds):
    responses = Response.objects.count()

    call_command("load_demo", verbosity=0)

    assert Round.objects.count() == len(demo_rounds) == 3
    assert Response.objects.count() == responses
