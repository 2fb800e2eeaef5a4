"""The chart include in a browser: plotly draws the spider graph under the app's CSP, and the
SVG stays when JavaScript is off.

The page is the test template tests/templates/chart_page.html, rendered by Django with the real
includes and served under the app's Content-Security-Policy; its scripts and styles come from
the live server's static files.
"""

from collections.abc import Callable
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, expect

from assessments.charts import round_chart
from assessments.scoring import read_instrument, summarise
from config.middleware import CONTENT_SECURITY_POLICY
from kernel.charts import radar_plotly, radar_svg

from .conftest import assert_accessible

TEST_TEMPLATES = Path(__file__).parent.parent / "templates"
READINESS = read_instrument("readiness")
KEYS = [axis["key"] for axis in READINESS["axes"]]
# Collects what the browser reports as a CSP violation; runs before any page script.
WATCH_CSP = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.fixture(autouse=True)
def _test_templates(settings) -> None:
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], TEST_TEMPLATES]}]


def _page_html() -> str:
    current = [dict.fromkeys(KEYS, answer) for answer in ("low", "medium", "high", "medium")]
    current[0]["executive_support"] = "dont_know"
    spring = [dict.fromkeys(KEYS, "high")]
    autumn = [dict.fromkeys(KEYS, "low")]
    chart = round_chart(
        READINESS,
        summarise(READINESS, current),
        [("Spring", summarise(READINESS, spring)), ("Autumn", summarise(READINESS, autumn))],
        title="Readiness, <November>",
    )
    return render_to_string(
        "chart_page.html",
        {"svg": radar_svg(chart), "figure": radar_plotly(chart), "caption": "This round"},
    )


def _open(page: Page) -> list[str]:
    """Serve the chart page under the app's CSP; returns the console errors as they come."""
    errors: list[str] = []
    page.on("console", lambda message: _keep_error(errors, message))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.add_init_script(WATCH_CSP)
    body = _page_html()
    page.route(
        "**/chart-page/",
        lambda route: route.fulfill(
            body=body,
            content_type="text/html",
            headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY},
        ),
    )
    page.goto("/chart-page/")
    return errors


def _keep_error(errors: list[str], message: ConsoleMessage) -> None:
    if message.type == "error":
        errors.append(message.text)


def test_it_draws_the_chart_with_plotly_under_the_csp(page: Page) -> None:
    errors = _open(page)

    figure = page.locator("figure.chart")
    expect(figure.locator(".main-svg").first).to_be_attached()
    expect(figure).to_have_attribute("data-chart-drawn", "true")
    expect(figure.locator(".chart__fallback")).to_have_class("chart__fallback visually-hidden")
    # Band, median, last round and the older round (switched off) each have a legend entry.
    expect(figure.locator(".legend .traces")).to_have_count(4)
    expect(figure.locator(".legend")).to_contain_text("Autumn (median)")
    expect(figure.locator(".main-svg").first).to_contain_text("Organisational")
    expect(figure.get_by_role("button", name="Share chart...")).to_have_count(0)
    # Plotly's own <style> would be refused by the CSP; its stylesheet link stands in.
    assert page.evaluate("document.querySelectorAll('style').length") == 0
    assert page.evaluate("window.cspViolations") == []
    assert errors == []


def test_it_shows_the_distribution_on_hover(page: Page) -> None:
    _open(page)
    plot = page.locator("figure.chart .chart__plot")
    expect(plot.locator(".main-svg").first).to_be_attached()

    # The median line is the second trace (after the band); its first point is the top axis.
    point = plot.locator(".scatterlayer .trace").nth(1).locator(".points path").first
    box = point.bounding_box()
    assert box is not None
    # Plotly listens on a drag layer above the points, so move the mouse rather than hover().
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)

    expect(plot.locator(".hoverlayer")).to_contain_text("Low 1 · Medium 2 · High 1")


def test_it_switches_an_earlier_round_on_from_the_legend(page: Page) -> None:
    _open(page)
    plot = page.locator("figure.chart .chart__plot")
    expect(plot.locator(".main-svg").first).to_be_attached()
    drawn = plot.locator(".scatterlayer .trace")
    before = drawn.count()

    plot.locator(".legend .traces", has_text="Autumn (median)").locator(".legendtoggle").click()

    expect(drawn).to_have_count(before + 1)


def test_it_keeps_the_page_accessible_with_the_chart_drawn(page: Page) -> None:
    _open(page)
    plot = page.locator("figure.chart .chart__plot")
    expect(plot.locator(".main-svg").first).to_be_attached()

    # Screen readers get the static SVG's title and description of every value instead of
    # plotly's mouse-driven copy.
    expect(plot.locator(".main-svg").first).to_have_attribute("aria-hidden", "true")
    expect(page.get_by_role("img", name="Readiness, <November>")).to_have_count(1)
    assert_accessible(page)


def test_it_shows_the_svg_without_javascript(new_context: Callable[..., BrowserContext]) -> None:
    page = new_context(java_script_enabled=False).new_page()
    errors = _open(page)

    figure = page.locator("figure.chart")
    expect(figure.locator(".chart__fallback svg")).to_be_visible()
    expect(figure.locator(".chart__fallback svg > title")).to_have_text("Readiness, <November>")
    expect(figure.locator(".main-svg")).to_have_count(0)
    expect(figure.locator("figcaption")).to_have_text("This round")
    assert errors == []
