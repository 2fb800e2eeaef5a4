"""A member whose session ends while a page is open: the next htmx action leads to the sign-in
page as a whole page, never a sign-in form swapped into a map card."""

import re

from playwright.sync_api import expect

from tests.conftest import add_member, make_organisation, make_user

from .conftest import assert_accessible, login


def test_it_sends_an_htmx_action_without_a_session_to_the_whole_sign_in_page(live_server, page):
    owner = make_user(name="Olga Owner", email="olga@example.com")
    make_organisation(name="Initech", slug="initech", owner=owner)
    add_member(owner.memberships.get().organisation, "facilitator")
    login(page, "olga@example.com", "correct-horse-battery-42")
    page.goto("/o/initech/journey/")
    expect(page.get_by_label("Status of step 1", exact=True)).to_be_visible()

    page.context.clear_cookies(name="sessionid")
    page.get_by_label("Status of step 1", exact=True).select_option("in_progress")
    page.get_by_role("button", name="Update step 1", exact=True).click()

    # Back to the map after signing in, not to the POST-only address of the status form.
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/o/initech/journey/$"))
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    # The whole page is the sign-in page: no map card is left around a form.
    expect(page.locator(".step-card")).to_have_count(0)
    assert_accessible(page)
