"""The facilitator's journey: map, status, canvas, a conflict with a colleague, PDF export
through the progress page while a real export worker runs."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect
from pypdf import PdfReader

from .conftest import assert_accessible, login

PASSWORD = "demo-password-2026"
EXPORT_PAGE = re.compile(r"/o/acme/exports/\d+/$")
# The worker lays out the PDF in a child process; the page must show the file by then.
EXPORT_TIMEOUT_MS = 60_000


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", verbosity=0)


def test_it_runs_the_facilitators_journey_end_to_end(demo, page, new_context, export_worker):
    login(page, "facilitator@acme.example", PASSWORD)
    page.goto("/o/acme/journey/")
    expect(page.get_by_role("heading", name="Data mesh journey")).to_be_visible()
    assert_accessible(page)

    # Change a status in place: htmx swaps the card, and the change survives a reload.
    card = page.locator("#step-7")
    card.get_by_label("Status of step 7").select_option("in_progress")
    card.get_by_role("button", name="Update step 7").click()
    expect(page.locator("#step-7 .status-pill")).to_have_text("In progress")
    page.reload()
    expect(page.locator("#step-7 .status-pill")).to_have_text("In progress")

    # Fill the canvas of step 7 and save it in place.
    page.get_by_role("link", name="Step 7: Milestones and measurements").click()
    expect(page.get_by_role("heading", name="Milestones and measurements")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Edit canvas").click()
    page.get_by_label("Where we are today").fill("Quarterly reviews with the steering group.")
    page.get_by_role("button", name="Save canvas").click()
    expect(page.locator("#canvas-notice")).to_contain_text("Where we are today")

    # A champion opens the same canvas, then the facilitator saves again before they do.
    colleague = new_context().new_page()
    login(colleague, "champion@acme.example", PASSWORD)
    colleague.goto("/o/acme/journey/7/edit/")
    colleague.get_by_label("Risks").fill("Milestones may be gamed to look green.")

    page.get_by_label("What we decided").fill("Review milestones every six weeks.")
    page.get_by_role("button", name="Save canvas").click()
    expect(page.locator("#canvas-notice")).to_contain_text("What we decided")

    # The champion's save does not overwrite: they see the other version and keep their text.
    colleague.get_by_role("button", name="Save canvas").click()
    conflict = colleague.locator(".conflict")
    expect(conflict).to_contain_text("saved this canvas while you were editing")
    expect(conflict).to_contain_text("Review milestones every six weeks.")
    expect(colleague.get_by_label("Risks")).to_have_value("Milestones may be gamed to look green.")
    assert_accessible(colleague)

    # They resolve it: take the decision from the other version and save on top of it.
    colleague.get_by_label("What we decided").fill("Review milestones every six weeks.")
    colleague.get_by_role("button", name="Save my version over theirs").click()
    expect(colleague.locator("#canvas-notice")).to_contain_text("Risks")

    page.goto("/o/acme/journey/7/edit/")
    expect(page.get_by_label("Risks")).to_have_value("Milestones may be gamed to look green.")
    expect(page.get_by_label("What we decided")).to_have_value("Review milestones every six weeks.")

    # The history shows every save.
    page.get_by_role("link", name="History").click()
    expect(page.locator(".revision")).to_have_count(3)
    assert_accessible(page)

    # Export the canvas: the request only queues it, the progress page follows the worker
    # (htmx polling) and offers the file, and what was typed is in the PDF.
    page.goto("/o/acme/journey/7/")
    page.get_by_role("button", name="Export this canvas (PDF)").click()
    expect(page).to_have_url(EXPORT_PAGE)
    expect(
        page.get_by_role("heading", name="Step 7 canvas: Milestones and measurements")
    ).to_be_visible()
    assert_accessible(page)
    download_link = page.get_by_role("link", name="Download the file")
    expect(download_link).to_be_visible(timeout=EXPORT_TIMEOUT_MS)
    expect(page.get_by_role("heading", name="Your file is ready")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download_info:
        download_link.click()
    assert download_info.value.suggested_filename == (
        "acme-step-7-canvas-milestones-and-measurements.pdf"
    )
    pdf = PdfReader(download_info.value.path())
    text = " ".join(p.extract_text() for p in pdf.pages)
    assert "Milestones and measurements" in text
    assert "Review milestones every six weeks." in text
    assert "Milestones may be gamed to look green." in text


def test_it_follows_an_export_without_javascript(demo, new_context, export_worker):
    page = new_context(java_script_enabled=False).new_page()
    login(page, "exec@acme.example", PASSWORD)
    page.goto("/o/acme/journey/3/")

    page.get_by_role("button", name="Export this canvas (PDF)").click()

    # No htmx: the page reloads itself (meta refresh) until the file is ready.
    expect(page).to_have_url(EXPORT_PAGE)
    download_link = page.get_by_role("link", name="Download the file")
    expect(download_link).to_be_visible(timeout=EXPORT_TIMEOUT_MS)
    with page.expect_download() as download_info:
        download_link.click()
    text = " ".join(p.extract_text() for p in PdfReader(download_info.value.path()).pages)
    assert "Stakeholder alignment" in text
