"""The results of a round: GET /o/<org>/assessments/<round>/results/."""

import json
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Respondent, Response, Round
from assessments.testing import open_round, readiness
from organisations.roles import Role

pytestmark = pytest.mark.django_db

AXES = [
    "organisational_complexity",
    "data_strategy",
    "executive_support",
    "data_technology",
    "early_adopter",
    "modern_engineering",
    "domain_organisation",
    "long_term_commitment",
]


@pytest.fixture(autouse=True)
def _the_axes_are_the_instruments():
    assert readiness().axis_keys == AXES


def _answers(**overrides: str) -> dict[str, str]:
    return {**dict.fromkeys(AXES, "medium"), **overrides}


def _fill(round: Round, people: list[tuple[str, dict[str, str], dict[str, str]]]) -> None:
    """Give the round's outsiders these answers and comments, as if they had answered."""
    now = timezone.now()
    for index, (name, answers, comments) in enumerate(people):
        respondent = Respondent.objects.create(
            round=round, name=name, email=f"{round.pk}-{index}@example.com"
        )
        Response.objects.create(
            respondent=respondent,
            answers=answers,
            comments=comments,
            version=1,
            submitted_at=now if len(answers) == len(AXES) else None,
        )


def _round(organisation, owner, title: str, days_ago: int, **extra) -> Round:
    round, _ = open_round(organisation, by=owner, outsiders=[], title=title, **extra)
    Round.objects.filter(pk=round.pk).update(created=timezone.now() - timedelta(days=days_ago))
    round.refresh_from_db()
    return round


def _url(round: Round) -> str:
    return reverse(
        "assessments:results", kwargs={"org_slug": round.organisation.slug, "round_id": round.pk}
    )


@pytest.fixture
def round_(organisation, owner) -> Round:
    round = _round(organisation, owner, "Autumn check", days_ago=0)
    _fill(
        round,
        [
            (
                "Ann Low",
                _answers(executive_support="low", domain_organisation="low"),
                {"executive_support": "The board has not heard of it."},
            ),
            (
                "Ben High",
                _answers(executive_support="high"),
                {"executive_support": "Our CEO talks about it every week."},
            ),
            ("Cat Middle", _answers(domain_organisation="low"), {}),
        ],
    )
    return round


def test_it_shows_the_verdict_and_the_rule_that_decided_it(round_, members, client_as):
    response = client_as(members[Role.EXECUTIVE]).get(_url(round_))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Not ready to adopt yet: fix Domain-oriented organisation first" in body
    assert "Adopt now when the typical answer on every axis is medium or high." in body


def test_it_links_each_low_axis_to_the_journey_steps_that_work_on_it(
    organisation, round_, members, client_as
):
    body = client_as(members[Role.MEMBER]).get(_url(round_)).content.decode()
    start = body.index("Fix these first")
    fix_first = body[start : body.index("</ul>", start)]
    domain = next(a for a in readiness().axes if a["key"] == "domain_organisation")

    for number in domain["journey_steps"]:
        assert reverse("journey:step", args=[organisation.slug, number]) in fix_first
    assert "Executive support" not in fix_first


def test_it_shows_where_people_disagree_with_their_names_and_comments(round_, members, client_as):
    body = client_as(members[Role.MEMBER]).get(_url(round_)).content.decode()
    section = body[body.index('id="disagree-heading"') : body.index('id="comments-heading"')]

    assert 'id="disagree-executive_support"' in section
    assert "Ann Low" in section
    assert "The board has not heard of it." in section
    assert "Our CEO talks about it every week." in section
    assert 'id="disagree-domain_organisation"' not in section


def test_it_never_shows_names_in_an_anonymous_round(organisation, owner, members, client_as):
    round = _round(organisation, owner, "Quiet check", days_ago=0, anonymous=True)
    _fill(
        round,
        [
            ("Ann Low", _answers(executive_support="low"), {"executive_support": "Nobody cares"}),
            ("Ben High", _answers(executive_support="high"), {}),
        ],
    )

    for role in (Role.OWNER, Role.CHAMPION):
        body = client_as(members[role]).get(_url(round)).content.decode()
        assert "Nobody cares" in body
        assert "Ann Low" not in body
        assert "Ben High" not in body


def test_it_draws_the_spider_graph_as_svg_and_as_a_plotly_figure(round_, owner, client_as):
    body = client_as(owner).get(_url(round_)).content.decode()

    assert '<figure class="chart" id="round-chart">' in body
    assert "<svg" in body
    assert "vendor/plotly-4.1.1-mesh.min.js" in body
    data = re.search(r'<script id="round-chart-data" type="application/json">(.*?)</script>', body)
    figure = json.loads(data.group(1))
    assert any(trace.get("type") == "scatterpolar" for trace in figure["data"])


def test_it_compares_the_round_with_the_previous_one(organisation, owner, client_as):
    spring = _round(organisation, owner, "Spring check", days_ago=120)
    _fill(spring, [("Ann", _answers(executive_support="low", early_adopter="high"), {})])
    autumn = _round(organisation, owner, "Autumn check", days_ago=0)
    _fill(autumn, [("Ann", _answers(executive_support="high"), {})])

    body = client_as(owner).get(_url(autumn)).content.decode()
    table = body[body.index('id="axes-heading"') : body.index("</table>")]

    assert "Since “Spring check”" in table
    assert "up 2 levels" in table
    assert "down 1 level" in table
    assert "no change" in table
    assert "Spring check (median)" in body


def test_it_shows_no_verdict_before_anyone_answered(organisation, owner, client_as):
    round = _round(organisation, owner, "Fresh", days_ago=0)

    response = client_as(owner).get(_url(round))

    assert response.status_code == 200
    assert "No verdict yet" in response.content.decode()


def test_it_hides_the_results_of_another_organisations_round(
    organisation, other_organisation, owner, client_as
):
    stranger = other_organisation.memberships.get().user
    theirs = _round(other_organisation, stranger, "Theirs", days_ago=0)

    response = client_as(owner).get(
        reverse("assessments:results", kwargs={"org_slug": "acme", "round_id": theirs.pk})
    )

    assert response.status_code == 404


def test_it_hides_the_results_from_an_outsider(round_, outsider, client_as):
    assert client_as(outsider).get(_url(round_)).status_code == 404


def _history(organisation, owner, rounds: int, people: int) -> Round:
    latest = None
    for n in range(rounds):
        latest = _round(organisation, owner, f"Round {n}", days_ago=rounds - n)
        _fill(
            latest,
            [
                (
                    f"Person {p}",
                    _answers(early_adopter=("low", "high")[p % 2]),
                    {"data_strategy": "x"},
                )
                for p in range(people)
            ],
        )
    return latest


@pytest.mark.parametrize(("rounds", "people"), [(2, 2), (20, 40)])
def test_it_reads_the_same_number_of_queries_however_many_rounds_and_people(
    organisation, owner, client_as, django_assert_max_num_queries, rounds, people
):
    latest = _history(organisation, owner, rounds, people)
    client = client_as(owner)
    client.get(_url(latest))  # The first visit also records the organisation in the session.

    with django_assert_max_num_queries(QUERY_BUDGET):
        response = client.get(_url(latest))

    assert response.status_code == 200
    assert f"Round {rounds - 2} (median)" in response.content.decode()


# Session, user, membership, the round, its earlier rounds, their responses, step titles, the
# respondent count and the header's organisation menu: 9 for 2 rounds of 2 people and for 20
# rounds of 40.
QUERY_BUDGET = 9
