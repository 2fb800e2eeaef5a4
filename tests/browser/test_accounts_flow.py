"""Signing up, inviting a colleague by link, accepting it, and switching organisations."""

import re

from playwright.sync_api import expect

from .conftest import assert_accessible


def test_it_signs_up_invites_a_colleague_and_switches_organisation(live_server, page, new_context):
    page.goto("/")
    assert_accessible(page)
    page.get_by_role("link", name="Create an account").first.click()
    assert_accessible(page)
    page.get_by_label("Your name").fill("Olivia Owner")
    page.get_by_label("Email").fill("olivia@example.com")
    page.get_by_label("Password").fill("a-long-and-unusual-passphrase")
    page.get_by_label("Organisation").fill("Initech")
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(re.compile(r"/o/initech/journey/$"))
    expect(page.locator("#progress-label")).to_have_text("0%")

    page.get_by_role("link", name="Members").click()
    assert_accessible(page)
    page.get_by_label("Role", exact=True).select_option("champion")
    page.get_by_role("button", name="Invite").click()
    link = page.get_by_label("Invitation link").input_value()
    assert "/invite/" in link

    # The colleague has no account yet: the invitation creates it and joins them.
    colleague = new_context().new_page()
    colleague.goto(link)
    expect(colleague.get_by_role("heading", name="Join Initech")).to_be_visible()
    assert_accessible(colleague)
    colleague.get_by_label("Your name").fill("Carl Champion")
    colleague.get_by_label("Email").fill("carl@example.com")
    colleague.get_by_label("Password").fill("another-long-passphrase-77")
    colleague.get_by_role("button", name="Create account and join").click()
    expect(colleague).to_have_url(re.compile(r"/o/initech/journey/$"))
    expect(colleague.get_by_label("Status of step 1", exact=True)).to_be_visible()

    # The link was single use.
    third = new_context().new_page()
    third.goto(link)
    expect(third.get_by_role("heading", name="This invitation cannot be used")).to_be_visible()

    # The owner starts a second organisation and switches back through the menu.
    page.goto("/orgs/new/")
    page.get_by_label("Name").fill("Initech Labs")
    page.get_by_role("button", name="Create organisation").click()
    expect(page).to_have_url(re.compile(r"/o/initech-labs/members/$"))
    page.locator("summary", has_text="Initech Labs").click()
    page.get_by_role("link", name=re.compile(r"^Initech Owner")).click()
    expect(page).to_have_url(re.compile(r"/o/initech/journey/$"))


def test_it_shows_an_executive_a_read_only_journey(live_server, page, export_worker):
    from django.core.management import call_command

    call_command("load_demo", verbosity=0)
    from .conftest import login

    login(page, "exec@acme.example", "demo-password-2026")
    page.goto("/o/acme/journey/")
    expect(page.get_by_label("Status of step 1", exact=True)).to_have_count(0)
    page.get_by_role("link", name="Step 3: Stakeholder alignment").click()
    expect(page.get_by_role("button", name="Save canvas")).to_have_count(0)
    expect(page.locator(".canvas-readonly")).to_contain_text("Clinical Trials")
    assert_accessible(page)
    # Exports are made in the background: the button leads to the progress page.
    page.goto("/o/acme/journey/")
    page.get_by_role("button", name="Export all canvases (PDF)").click()
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("link", name="Download the file").click(timeout=60_000)
    assert download.value.suggested_filename == "acme-all-reflection-canvases.pdf"
