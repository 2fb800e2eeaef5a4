"""A champion's tools end to end: value tree, an objective with two key results under a bet,
two check-ins with the chart and the at-risk flag, three use cases scored and ranked, and the
maturity curve moving when a milestone is marked done. axe on every page visited."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from champions import services
from journey.models import StepDefinition
from organisations.roles import Role
from tests.conftest import PASSWORD, add_member, make_organisation, make_user, member_actor

from .conftest import assert_accessible, login

EMAIL = "champion@example.com"
USE_CASES = {
    # title: the seven scores, as in the domain notes' worked example
    "HCP 360 dashboard": (5, 4, 4, 3, 4, 5, 5),
    "Digital customer engagement dashboard": (5, 5, 5, 5, 5, 5, 4),
    "Next best action": (4, 4, 4, 4, 4, 4, 3),
}
CRITERIA = [
    "Business value",
    "Time criticality",
    "Risk reduction or opportunity",
    "Reach",
    "Impact",
    "Confidence",
    "Effort (inverted)",
]


@pytest.fixture
def organisation(transactional_db):
    organisation = make_organisation(name="Acme Health", slug="acme")
    champion = add_member(organisation, Role.CHAMPION, make_user(name="Dana Champion", email=EMAIL))
    actor = member_actor(champion, organisation)
    services.milestone_create(
        organisation=organisation,
        actor=actor,
        title="First data product published",
        target_date=timezone.localdate() + timedelta(days=14),
        step=StepDefinition.objects.get(number=7),
    )
    for title in USE_CASES:
        services.use_case_create(
            organisation=organisation,
            actor=actor,
            title=title,
            as_a="field representative",
            i_want="to see what matters before a meeting",
            so_that="the meeting starts from facts",
        )
    return organisation


def _curve_position(page: Page) -> float:
    page.goto("/o/acme/champions/curve/")
    return float(page.locator(".curve-now").get_attribute("data-position"))


def _check_in(page: Page, card, value: str, confidence: str, changed: str) -> None:
    card.get_by_label(re.compile("Value now")).fill(value)
    card.get_by_label("Confidence").fill(confidence)
    card.get_by_label("What changed").fill(changed)
    card.get_by_role("button", name="Save check-in").click()
    expect(card.get_by_role("status").filter(has_text="Check-in saved.")).to_be_visible()


def test_it_runs_a_champions_quarter(organisation, page):
    login(page, EMAIL, PASSWORD)

    # The value tree, built in place.
    page.goto("/o/acme/champions/tree/")
    assert_accessible(page)
    page.get_by_label("The vision").fill("Every team decides on data it trusts")
    page.get_by_role("button", name="Start the tree").click()
    page.get_by_text("Add a goal").click()
    page.get_by_label("New goal").fill("Faster insight for operations")
    page.get_by_role("button", name="Add", exact=True).click()
    goal = page.locator(".lvt-node--goal")
    expect(goal).to_contain_text("Faster insight for operations")
    goal.get_by_text("Add a bet").click()
    adding = goal.locator(".lvt-node__add")
    adding.get_by_label("New bet").fill("Ward-owned patient-flow data")
    adding.get_by_label(re.compile("Measures of success")).fill("Reports within 2 days")
    adding.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator(".lvt-node--bet")).to_contain_text("Reports within 2 days")
    assert_accessible(page)

    # An objective under the bet, with two key results.
    page.get_by_role("navigation", name="Champions' tools").get_by_role(
        "link", name="Objectives"
    ).click()
    assert_accessible(page)
    page.get_by_label("Objective", exact=True).fill("Wards own their patient-flow data")
    page.get_by_label(re.compile("Serves")).select_option(label="Bet: Ward-owned patient-flow data")
    page.get_by_role("button", name="Add objective").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Wards own their patient-flow data")
    expect(page.locator(".lede")).to_contain_text("Ward-owned patient-flow data")
    for title, baseline, target, unit in [
        ("Wards publishing their own data", "0", "10", "wards"),
        ("Reports delivered on time", "20", "90", "%"),
    ]:
        adding = page.get_by_role("region", name="Add a key result")
        adding.get_by_label("Key result", exact=True).fill(title)
        adding.get_by_label(re.compile("^Baseline")).fill(baseline)
        adding.get_by_label(re.compile("^Target")).fill(target)
        adding.get_by_label(re.compile("^Unit")).fill(unit)
        adding.get_by_role("button", name="Add key result").click()
        expect(page.get_by_role("heading", name=title)).to_be_visible()
    assert_accessible(page)

    # Two check-ins; the second one is unsure, so the key result is flagged at risk.
    card = page.locator("section.kr-card", has_text="Wards publishing their own data")
    _check_in(page, card, "2", "7", "Pilot ward live.")
    _check_in(page, card, "3", "3", "Two wards wait for platform access.")
    expect(card).to_contain_text("30 %")
    expect(card.locator(".risk")).to_contain_text("confidence is 3 out of 10")
    expect(card.locator("tbody tr")).to_have_count(2)
    # The chart: a start point and one per check-in, with the target line.
    chart = card.locator("figure.chart")
    expect(chart).to_be_visible()
    expect(chart.locator(".chart__fallback .line-point")).to_have_count(3)
    expect(chart.locator(".chart__fallback .line-target")).to_have_count(1)
    # Plotly draws the same chart over the SVG on a full load. (After an htmx swap the SVG
    # stays: htmx drops the figure's JSON <script> island, as allowScriptTags is off.)
    page.reload()
    expect(chart).to_have_attribute("data-chart-drawn", "true")
    expect(chart.locator(".chart__plot")).to_be_visible()
    assert_accessible(page)
    page.goto("/o/acme/champions/objectives/")
    expect(page.locator("#overview")).to_contain_text("1 at risk")

    # Three use cases scored, then ranked best first.
    page.goto("/o/acme/champions/use-cases/")
    assert_accessible(page)
    for title, scores in USE_CASES.items():
        item = page.locator("li.use-case", has_text=title)
        item.get_by_text("Score it").click()
        for label, score in zip(CRITERIA, scores, strict=True):
            item.get_by_label(label, exact=True).fill(str(score))
        item.get_by_role("button", name="Save scores").click()
        expect(page.locator("li.use-case", has_text=title).get_by_role("status")).to_have_text(
            "Your scores are saved."
        )
    expect(page.locator(".use-case__title")).to_have_text(
        ["Digital customer engagement dashboard", "HCP 360 dashboard", "Next best action"]
    )
    expect(page.locator(".use-case__average")).to_have_text(["34", "30", "27"])
    assert_accessible(page)

    # Marking the milestone done moves the organisation along the curve.
    before = _curve_position(page)
    assert_accessible(page)
    page.goto("/o/acme/champions/milestones/")
    assert_accessible(page)
    milestone = page.locator("li.milestone", has_text="First data product published")
    milestone.get_by_text("Change").click()
    milestone.get_by_label("Status").select_option("done")
    milestone.get_by_label(re.compile("Evidence")).fill("The product is in the catalogue.")
    milestone.get_by_role("button", name="Save milestone").click()
    expect(page.locator("li.milestone .status-pill")).to_have_text("Done")
    after = _curve_position(page)
    assert after > before
    expect(page.locator(".why-card", has_text="Data as a product")).to_contain_text(
        "1 of 1 milestones on those steps are done."
    )

    page.goto("/o/acme/champions/")
    assert_accessible(page)
    at_risk = page.get_by_role("region", name=re.compile("Key results at risk"))
    expect(at_risk).to_contain_text("Wards publishing their own data")
    expect(at_risk).to_contain_text("confidence is 3 out of 10")
