"""Completing a use case made from a workshop note, by keyboard: the missing "so that" is
refused by its field, a change saved meanwhile by someone else is shown beside the person's
own, and saving again keeps theirs. axe on the page, its error state and its conflict."""

import re

import pytest
from playwright.sync_api import Page, expect

from champions import services
from champions.models import UseCase
from organisations.roles import Role
from tests.conftest import PASSWORD, add_member, make_organisation, make_user, member_actor

from .conftest import assert_accessible, login

EMAIL = "champion@example.com"
WANTED = "Tomorrow's free beds"


@pytest.fixture
def organisation(transactional_db):
    return make_organisation(name="Acme Health", slug="acme")


@pytest.fixture
def actor(organisation):
    champion = add_member(organisation, Role.CHAMPION, make_user(name="Dana Champion", email=EMAIL))
    return member_actor(champion, organisation)


@pytest.fixture
def use_case(organisation, actor) -> UseCase:
    """As a workshop note leaves it: only what is wanted, and where it came from."""
    use_case = services.use_case_create(
        organisation=organisation, actor=actor, title=WANTED, as_a="", i_want=WANTED, so_that=""
    )
    UseCase.objects.filter(pk=use_case.pk).update(source_label="the workshop “Kick-off”, note 1")
    return use_case


def test_it_completes_a_use_case_by_keyboard(use_case, actor, page: Page):
    login(page, EMAIL, PASSWORD)
    page.goto("/o/acme/champions/use-cases/")
    assert_accessible(page)

    page.get_by_role("link", name=f"Edit “{WANTED}”").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/use-cases/{use_case.pk}/edit/$"))
    # The URL changes before the page's scripts run; Enter must go to htmx, not a plain post.
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Edit “{WANTED}”")
    expect(page.get_by_text("From the workshop “Kick-off”, note 1.")).to_be_visible()
    assert_accessible(page)

    # Who wants it, but not yet what for: the field that is missing gets the focus.
    page.get_by_label("As a", exact=True).focus()
    page.keyboard.type("ward planner")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_have_text("Please correct the highlighted fields.")
    so_that = page.get_by_label("so that", exact=True)
    expect(so_that).to_be_focused()
    expect(page.get_by_label("As a", exact=True)).to_have_value("ward planner")
    assert_accessible(page)

    # Someone renames it meanwhile; saving shows theirs beside what was typed.
    services.use_case_update(
        use_case=use_case,
        actor=actor,
        base_version=use_case.version,
        title="Bed board",
        as_a="",
        i_want=WANTED,
        so_that="",
        intended_value="",
        how_measured="",
        bet=None,
    )
    page.keyboard.type("patients wait less")
    page.keyboard.press("Enter")
    conflict = page.get_by_role("heading", name=re.compile("^Someone saved this use case"))
    expect(conflict).to_be_focused()
    expect(page.locator(".conflict__theirs")).to_contain_text("Bed board")
    expect(so_that).to_have_value("patients wait less")
    assert_accessible(page)

    # Keeping mine over theirs, then back to the list.
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Save mine over theirs")).to_be_focused()
    page.keyboard.press("Enter")
    saved = page.locator("#use-case-edit").get_by_role("status")
    expect(saved).to_contain_text("Saved.")
    expect(saved).to_be_focused()
    assert_accessible(page)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/use-cases/#use-case-{use_case.pk}$"))
    expect(page.locator(f"#use-case-{use_case.pk} .use-case__story")).to_have_text(
        f"As a ward planner, I want {WANTED}, so that patients wait less."
    )
    fresh = UseCase.objects.get(pk=use_case.pk)
    assert (fresh.title, fresh.version) == (WANTED, 3)
