"""A readiness round from start to end: a champion opens it, three people answer through their
personal links in their own browsers (one changes an answer), the champion reads the results,
closes the round and downloads the executive maturity report."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from assessments.models import Response
from assessments.testing import readiness

from .conftest import assert_accessible, login

PASSWORD = "demo-password-2026"
# Generous: the export worker lays the PDF out in a child process on a busy CI machine.
EXPORT_TIMEOUT_MS = 60_000
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
# Each person's answers; Ann and Cem are two levels apart on executive support and Cem
# explains why, so the results have a disagreement to show.
ANSWERS = {
    "Ann Archer": dict.fromkeys(AXES, "medium") | {"executive_support": "low"},
    "Bea Brook": dict.fromkeys(AXES, "medium") | {"domain_organisation": "low"},
    "Cem Cole": dict.fromkeys(AXES, "high") | {"domain_organisation": "low"},
}


@pytest.fixture
def demo(transactional_db):
    # Live-server tests flush the database, instruments included: load the frozen copy again.
    readiness()
    call_command("load_demo", verbosity=0)


def _choose(page: Page, axis: str, level: str) -> None:
    with page.expect_response(lambda r: r.url.endswith(f"/{axis}/")) as saved:
        page.locator(f"label[for='{axis}-level-{level}']").click()
    assert saved.value.status == 200
    card = page.locator(f"#axis-{axis}")
    expect(card.locator(".axis-card__saved")).to_have_text("Saved")
    expect(card.locator(f"#{axis}-level-{level}")).to_be_checked()


def test_it_runs_a_round_from_opening_to_closing(demo, page, new_context, export_worker):
    login(page, "champion@acme.example", PASSWORD)
    page.goto("/o/acme/assessments/")
    page.get_by_role("link", name="Open a new round").click()
    assert_accessible(page)
    page.get_by_label("Title").fill("Browser check")
    page.get_by_label("E-mail each new person their link now").uncheck()
    page.get_by_label("People without an account").fill(
        "\n".join(f"{name}, {name.split()[0].lower()}@example.com" for name in ANSWERS)
    )
    page.get_by_role("button", name="Open the round").click()
    expect(page.get_by_role("heading", name="Browser check")).to_be_visible()
    links = {name: page.get_by_label(f"Personal link for {name}").input_value() for name in ANSWERS}
    assert_accessible(page)
    # Links are shown once: a reload no longer has them.
    page.reload()
    expect(page.locator(".copy-field")).to_have_count(0)

    for name, answers in ANSWERS.items():
        guest = new_context().new_page()
        guest.goto(links[name])
        expect(guest.get_by_text(f"Answering as {name}")).to_be_visible()
        expect(guest.get_by_role("navigation", name="Organisation")).to_have_count(0)
        for axis, level in answers.items():
            _choose(guest, axis, level)
        expect(guest.locator("#answer-progress")).to_have_text("8 of 8 answered")
        if name == "Cem Cole":
            guest.get_by_label("Comment").nth(AXES.index("executive_support")).fill(
                "The board funds this for three years."
            )
            with guest.expect_response(lambda r: r.url.endswith("/executive_support/")):
                guest.get_by_label("Comment").nth(0).focus()
            assert_accessible(guest)
        if name == "Ann Archer":
            # A comment and then, at once, another answer in the same card: the second save
            # waits for the first and neither is lost.
            guest.get_by_label("Comment").nth(AXES.index("early_adopter")).fill("Pilots only.")
            guest.locator("label[for='early_adopter-level-low']").click()
            guest.locator("label[for='early_adopter-level-high']").click()
            expect(guest.locator("#axis-early_adopter .axis-card__saved")).to_be_visible()
            guest.wait_for_load_state("networkidle")
            guest.reload()
            expect(guest.locator("#early_adopter-level-high")).to_be_checked()
            expect(guest.get_by_label("Comment").nth(AXES.index("early_adopter"))).to_have_value(
                "Pilots only."
            )
        if name == "Bea Brook":
            # Bea changes her mind; the change survives a reload.
            _choose(guest, "data_strategy", "high")
            guest.reload()
            expect(guest.locator("#data_strategy-level-high")).to_be_checked()

    responses = {r.respondent.name: r for r in Response.objects.select_related("respondent")}
    assert responses["Bea Brook"].answers["data_strategy"] == "high"
    assert responses["Cem Cole"].comments == {
        "executive_support": "The board funds this for three years."
    }

    page.goto("/o/acme/assessments/")
    page.get_by_role("link", name="Results of Browser check").click()
    verdict = page.locator(".verdict")
    expect(verdict).to_contain_text("Not ready to adopt yet")
    expect(verdict).to_contain_text("Adopt now when the typical answer on every axis")
    expect(verdict.get_by_role("link", name=re.compile(r"step \d+"))).not_to_have_count(0)
    # The spider graph: plotly draws it in place of the SVG, with the range band and median.
    chart = page.locator("#round-chart")
    expect(chart.locator(".js-plotly-plot")).to_be_visible()
    expect(chart).to_contain_text("Range of answers (lowest to highest)")
    expect(chart).to_contain_text("Typical answer (median)")
    disagreement = page.locator("#disagree-executive_support")
    expect(disagreement).to_contain_text("Ann Archer")
    expect(disagreement).to_contain_text("The board funds this for three years.")
    assert_accessible(page)

    page.goto("/o/acme/assessments/")
    assert_accessible(page)
    page.get_by_role("link", name="People and links of Browser check").click()
    expect(page.get_by_text("3 of 3 people have answered every question")).to_be_visible()
    page.get_by_role("button", name="Close the round").click()
    expect(page.locator("#round-status")).to_contain_text("Closed")
    expect(page.get_by_role("button", name="Reopen the round")).to_be_visible()

    late = new_context().new_page()
    late.goto(links["Ann Archer"])
    expect(late.get_by_role("heading", name="This survey is closed")).to_be_visible()

    # The executive maturity report now speaks of this round, made by the export worker.
    page.goto("/o/acme/assessments/")
    page.get_by_role("link", name="Maturity report").click()
    headline = page.locator(".verdict__headline").inner_text()
    assert headline.startswith("Not ready to adopt yet")
    assert_accessible(page)
    page.get_by_role("button", name="Make the PDF").click()
    download_link = page.get_by_role("link", name="Download the file")
    expect(download_link).to_be_visible(timeout=EXPORT_TIMEOUT_MS)
    assert_accessible(page)
    with page.expect_download() as download_info:
        download_link.click()
    pdf = PdfReader(download_info.value.path())
    text = " ".join(" ".join(p.extract_text().split()) for p in pdf.pages)
    assert " ".join(headline.split()) in text
    assert "Browser check" in text
