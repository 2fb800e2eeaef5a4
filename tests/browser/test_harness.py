"""The browser harness itself: live server, Chromium, axe-core under the app's CSP, sign-in."""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from config.middleware import CONTENT_SECURITY_POLICY
from organisations.models import User

from .conftest import assert_accessible, login

PIXEL = "data:image/gif;base64,R0lGODlhAQABAAAAACw="


def _serve(page: Page, body: str) -> None:
    """Answer /harness/ with `body` under the app's real Content-Security-Policy."""
    page.route(
        "**/harness/",
        lambda route: route.fulfill(
            body=f'<!doctype html><html lang="en"><head><title>Harness</title></head>'
            f"<body><main>{body}</main></body></html>",
            content_type="text/html",
            headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY},
        ),
    )
    page.goto("/harness/")


def test_it_serves_static_files_from_the_live_server(page: Page) -> None:
    response = page.goto("/static/vendor/htmx-2.0.11.min.js")

    assert response is not None
    assert response.ok


def test_it_runs_axe_with_the_csp_on(page: Page) -> None:
    _serve(page, "<h1>Harness</h1><script>window.inlineRan = true</script>")

    assert page.evaluate("window.inlineRan") is None, "the CSP should block inline scripts"
    assert_accessible(page)


def test_it_lists_accessibility_violations(page: Page) -> None:
    _serve(page, f'<h1>Harness</h1><img id="no-alt" src="{PIXEL}">')

    with pytest.raises(AssertionError, match=r"- image-alt \(critical\): .*\n    #no-alt"):
        assert_accessible(page)


def test_it_renders_an_accessible_login_page(page: Page) -> None:
    page.goto("/accounts/login/")

    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert_accessible(page)


def test_it_signs_in_one_person_per_context(
    new_context: Callable[..., BrowserContext],
) -> None:
    User.objects.create_user("ada@example.com", "correct horse battery", name="Ada")
    ada = new_context().new_page()
    stranger = new_context().new_page()

    login(ada, "ada@example.com", "correct horse battery")
    ada.goto("/orgs/")
    stranger.goto("/orgs/")

    expect(ada).to_have_url(re.compile(r"/orgs/$"))
    expect(stranger).to_have_url(re.compile(r"/accounts/login/\?next="))
