"""Every journey page, and the shared pages around it, at a desktop width and at 320 px: axe
(WCAG 2.0, 2.1 and 2.2, A and AA) finds nothing, also in error states, and no page is wider
than the screen (WCAG 1.4.10, reflow)."""

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from .conftest import assert_accessible, login

PASSWORD = "demo-password-2026"
WCAG = ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 320, "height": 640}

JOURNEY_PAGES = [
    "/o/acme/journey/",
    "/o/acme/journey/?view=present",
    "/o/acme/journey/my-actions/",
    "/o/acme/journey/3/",
    "/o/acme/journey/3/edit/",
    "/o/acme/journey/17/edit/",
    "/o/acme/journey/1/history/",
    "/o/acme/journey/1/history/?version=1",
    "/o/acme/members/",
]
SIGNED_OUT_PAGES = ["/accounts/login/", "/accounts/signup/", "/accounts/password-reset/"]


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", verbosity=0)


def assert_fits(page: Page) -> None:
    """Nothing makes the page scroll sideways."""
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    if overflow > 0:
        wide = page.evaluate(
            "() => { const width = document.documentElement.clientWidth + 1;"
            " return [...document.querySelectorAll('body *')]"
            ".filter(e => e.getBoundingClientRect().right > width)"
            ".slice(0, 5).map(e => e.tagName + '.' + e.className + '#' + e.id); }"
        )
        raise AssertionError(f"{page.url} is {overflow}px wider than the screen: {wide}")


def check(page: Page) -> None:
    assert_accessible(page, tags=WCAG)
    assert_fits(page)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1440", "320"])
def test_it_passes_axe_and_fits_the_screen_on_every_page(demo, new_context, viewport):
    page = new_context(viewport=viewport).new_page()
    for path in SIGNED_OUT_PAGES:
        page.goto(path)
        check(page)
    login(page, "owner@acme.example", PASSWORD)
    for path in JOURNEY_PAGES:
        page.goto(path)
        check(page)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1440", "320"])
def test_it_passes_axe_and_fits_the_screen_in_error_states(demo, new_context, viewport):
    page = new_context(viewport=viewport).new_page()
    # A failed sign-in.
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("owner@acme.example")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".alert--error")).to_be_visible()
    check(page)
    # A sign-up with nothing filled in.
    page.goto("/accounts/signup/")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator(".errorlist").first).to_be_visible()
    check(page)

    login(page, "facilitator@acme.example", PASSWORD)
    # "Not applicable" without a reason, on the map.
    page.goto("/o/acme/journey/")
    page.locator("#id_step8-status").select_option("not_applicable")
    page.locator("#step-8").get_by_role("button", name="Update step 8").click()
    expect(page.locator("#id_step8-not_applicable_reason_error")).to_be_visible()
    check(page)
    # A canvas with a bad link and a bad date.
    page.goto("/o/acme/journey/3/edit/")
    page.locator("#id_links-0-url").fill("not a link")
    page.locator("#id_actions-0-due").fill("2026-02-30")
    page.get_by_role("button", name="Save canvas").click()
    expect(page.locator(".alert--error")).to_be_visible()
    check(page)
    # The same without JavaScript's swap: the full page with the errors.
    page.goto("/o/acme/journey/3/")
    check(page)
    # Owner and due date with an impossible date.
    page.locator("#id_due_date").fill("2026-02-30")
    page.get_by_role("button", name="Save owner and date").click()
    check(page)
