"""The journey by keyboard alone, as a facilitator works through it every day: a status set to
"not applicable" with its reason, a canvas filled and saved with Enter, a conflict met and
resolved, an export asked for. After every swap the focus is where the next keystroke belongs,
and what happened is said in the page's one live region."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from .conftest import assert_accessible, login

PASSWORD = "demo-password-2026"
WCAG = ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]
EXPORT_PAGE = re.compile(r"/o/acme/exports/\d+/$")
EXPORT_TIMEOUT_MS = 60_000
MAX_TABS = 250


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", verbosity=0)


def focused(page: Page) -> str:
    """The focused element as `tag#id` (or its text when it has no id)."""
    return page.evaluate(
        "() => { const e = document.activeElement;"
        " return e.tagName.toLowerCase() + (e.id ? '#' + e.id : ':' + e.textContent.trim()); }"
    )


def tab_to(page: Page, selector: str, *, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the element matching `selector` has the focus."""
    for _ in range(MAX_TABS):
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
    raise AssertionError(f"{selector} never got the focus by Tab; last was {focused(page)}")


def expect_focus(page: Page, selector: str) -> None:
    expect(page.locator(selector)).to_be_focused()


def live_text(page: Page) -> str:
    return page.locator("#live").inner_text()


def test_it_runs_the_journey_by_keyboard_alone(demo, page, new_context, export_worker):
    login(page, "facilitator@acme.example", PASSWORD)
    page.goto("/o/acme/journey/")

    # Arrowing through a closed select sends nothing: the status changes only on "Update".
    tab_to(page, "#id_step7-status")
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    expect(page.locator("#id_step7-status")).to_have_value("not_applicable")
    expect(page.locator("#step-7 .status-pill")).to_have_text("Not started")
    # The reason is asked for before anything is sent.
    expect(
        page.get_by_label("Why it does not apply").and_(
            page.locator("#id_step7-not_applicable_reason")
        )
    ).to_be_visible()

    # Update without a reason: the error is next to the field, which gets the focus.
    tab_to(page, "#step-7 button[type=submit]")
    page.keyboard.press("Enter")
    expect_focus(page, "#id_step7-not_applicable_reason")
    expect(page.locator("#id_step7-not_applicable_reason_error")).to_contain_text("Say why")
    assert_accessible(page, tags=WCAG)
    page.keyboard.type("Milestones are set by the group programme office.")
    tab_to(page, "#step-7 button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator("#step-7 .status-pill")).to_have_text("Not applicable")
    expect_focus(page, "#id_step7-status")
    expect(page.locator("#live")).to_have_text("Saved: step 7 is now not applicable.")
    # The progress beside the map follows.
    expect(page.locator("#progress-summary")).to_contain_text("2 of the 17 marked not applicable")

    # Open step 6 and its editor by keyboard.
    tab_to(page, "a[href='/o/acme/journey/6/']")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Key benefits", level=1)).to_be_visible()
    tab_to(page, "a[href='/o/acme/journey/6/edit/']")
    page.keyboard.press("Enter")
    expect_focus(page, "#id_today")
    page.keyboard.press("Control+A")
    page.keyboard.type("Two domains run their own pipelines.")

    # A new row gets the focus; Enter in it saves the canvas rather than adding another row.
    tab_to(page, "button[name=add_row][value=actions]")
    page.keyboard.press("Enter")
    new_row = page.locator("#rows-actions tbody tr").last.locator("input").first
    expect(new_row).to_be_focused()
    page.keyboard.type("Ask finance for the benefit baseline")
    page.keyboard.press("Enter")
    expect_focus(page, "#canvas-notice")
    expect(page.locator("#canvas-notice")).to_contain_text(
        "Saved: Where we are today, Next actions."
    )
    expect(page.locator("#live")).to_contain_text("Saved: Where we are today, Next actions.")
    expect(page.locator(".canvas-heading__meta")).to_contain_text("version 2")

    # A champion opens the same canvas; the facilitator saves again first.
    colleague = new_context().new_page()
    login(colleague, "champion@acme.example", PASSWORD)
    colleague.goto("/o/acme/journey/6/edit/")
    expect_focus(colleague, "#id_today")
    tab_to(colleague, "#id_risks")
    colleague.keyboard.type("Benefits may be counted twice across domains.")

    tab_to(page, "#id_decisions")
    page.keyboard.type("Report benefits per domain every quarter.")
    tab_to(page, "button[data-save]:not([hidden])")
    page.keyboard.press("Enter")
    expect(page.locator("#canvas-notice")).to_contain_text("Saved: What we decided.")

    # The champion's Enter in a one-line field meets the conflict: focus on its heading, and
    # the next Tab is "Save my version over theirs".
    tab_to(colleague, "#id_actions-0-owner")
    colleague.keyboard.press("Enter")
    expect_focus(colleague, "#conflict-heading")
    expect(colleague.locator(".conflict")).to_contain_text("Report benefits per domain")
    expect(colleague.locator("#id_risks")).to_have_value(
        "Benefits may be counted twice across domains."
    )
    assert_accessible(colleague, tags=WCAG)
    colleague.keyboard.press("Tab")
    expect(colleague.get_by_role("button", name="Save my version over theirs")).to_be_focused()
    colleague.keyboard.press("Enter")
    expect_focus(colleague, "#canvas-notice")
    expect(colleague.locator("#canvas-notice")).to_contain_text("Risks")

    # Export by keyboard: the button says the PDF is made in the background.
    tab_to(page, "form[action$='/canvas.pdf'] button", backwards=True)
    expect(page.locator("#pdf-hint")).to_contain_text("made in the background")
    page.keyboard.press("Enter")
    expect(page).to_have_url(EXPORT_PAGE)
    expect(page.get_by_role("link", name="Download the file")).to_be_visible(
        timeout=EXPORT_TIMEOUT_MS
    )


def test_it_asks_before_leaving_a_canvas_with_unsaved_changes(demo, page):
    login(page, "facilitator@acme.example", PASSWORD)
    page.goto("/o/acme/journey/6/edit/")
    expect_focus(page, "#id_today")
    page.keyboard.type("Typed, never saved.")
    dialogs = []

    def dismiss(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.get_by_role("link", name="Step 7 →").click()
    expect(page).to_have_url(re.compile(r"/journey/6/edit/$"))
    assert dialogs == ["beforeunload"]
    expect(page.locator("#id_today")).to_have_value(re.compile("Typed, never saved."))


def test_it_closes_a_menu_with_escape(demo, page):
    login(page, "facilitator@acme.example", PASSWORD)
    page.goto("/o/acme/journey/")
    summary = page.locator("details.menu--right summary")
    summary.focus()
    page.keyboard.press("Enter")
    expect(page.locator("details.menu--right")).to_have_attribute("open", "")
    page.keyboard.press("Tab")
    page.keyboard.press("Escape")
    expect(page.locator("details.menu--right")).not_to_have_attribute("open", "")
    expect(summary).to_be_focused()
