"""A facilitator makes a board's note a milestone with one choice in its menu: the note says
where it went and links there, the milestones page says where the milestone came from and
links back to the note. axe on every page visited."""

import re

import pytest
from playwright.sync_api import Page, expect

from organisations.roles import Role
from tests.conftest import PASSWORD, add_member, make_organisation, make_user
from workshops.models import Note
from workshops.testing import plan_workshop, start

from .conftest import assert_accessible, login

EMAIL = "facilitator@example.com"
TEXT = "Book the data product inception for January"


@pytest.fixture(autouse=True)
def _short_streams(settings):
    # A stream notices a closed tab only when it next writes: keep that soon, so no stream
    # outlives the test and reads a database that is gone.
    settings.LIVE_KEEPALIVE_SECONDS = 1
    settings.LIVE_STREAM_MAX_SECONDS = 60


@pytest.fixture
def note(transactional_db) -> Note:
    organisation = make_organisation(name="Acme Health", slug="acme")
    facilitator = add_member(
        organisation, Role.FACILITATOR, make_user(name="Fay Facilitator", email=EMAIL)
    )
    activity = start(plan_workshop(organisation, by=facilitator, title="Autumn"))
    return Note.objects.create(activity=activity, zone=activity.zones.first(), text=TEXT)


def test_it_makes_a_note_a_milestone_that_links_back_to_it(note, page: Page):
    activity = note.activity
    board = f"/o/acme/workshops/{activity.workshop_id}/board/{activity.pk}/"
    login(page, EMAIL, PASSWORD)
    page.goto(board)

    card = page.locator(f"#note-{note.pk}")
    card.locator("summary").click()
    card.get_by_label("Or make it, in the champions' tools,").select_option(
        label="a milestone, due in three months"
    )
    card.get_by_role("button", name="Create").click()

    expect(page.locator("#board-notice")).to_contain_text(f"Milestone “{TEXT}” added")
    went = page.locator(f"#note-{note.pk}").get_by_role("link", name=f"Milestone: {TEXT}")
    expect(went).to_be_visible()
    assert_accessible(page)

    went.click()
    expect(page).to_have_url(re.compile(r"/o/acme/champions/milestones/#milestone-\d+$"))
    milestone = page.locator(".milestone", has_text=TEXT)
    back = milestone.get_by_role("link", name=f"the workshop “Autumn”, note {note.pk}")
    expect(back).to_be_visible()
    assert_accessible(page)

    back.click()
    expect(page).to_have_url(re.compile(rf"{re.escape(board)}#note-{note.pk}$"))
    expect(page.locator(f"#note-{note.pk}")).to_contain_text(f"Milestone: {TEXT}")
