"""Browser tests: Playwright (sync API) drives Debian's Chromium against the live_server.

Every test under tests/browser is marked `browser`, so `pytest -m "not browser"` skips them.
Chromium is /usr/bin/chromium from apt (`make install`); Playwright never downloads a browser.

Fixtures
    browser       one headless Chromium for the whole session
    page          a page in a fresh context (own cookies) whose base_url is the live server,
                  so `page.goto("/accounts/login/")` works
    new_context   factory for more contexts, e.g. two people on one board:
                  `alice = new_context().new_page()`

Helpers (`from .conftest import assert_accessible, login` in a test module here)
    login(page, email, password)   signs in through the real login form
    assert_accessible(page)        runs axe-core (WCAG 2.0-2.2, A and AA), failing on violations;
                                   assert_accessible(page, tags=[...]) with other axe tags

The app's Content Security Policy stays on in these tests, so they also prove the pages
work under it.
"""

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from journey.models import StepDefinition
from journey.steps_data import load_catalogue

# Playwright's sync API keeps an asyncio event loop running in the main thread for as long as
# the browser is up. Django sees that loop and refuses ORM calls from the thread with
# SynchronousOnlyOperation, although the calls are synchronous and nothing else runs
# concurrently in the thread. This includes pytest-django flushing the database after each
# live_server test, and any database test that runs after the session's browser started, so the
# switch has to be process-wide rather than per test.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# Short enough that a missing element fails the test quickly, long enough for a slow CI box.
TIMEOUT_MS = 10_000

LOGIN_URL = re.compile(r"/accounts/login/(\?.*)?$")

BROWSER_TESTS = Path(__file__).parent
AXE_SOURCE = (BROWSER_TESTS / "vendor" / "axe-core-4.14.1.min.js").read_text()
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]
AXE_TARGETS_SHOWN = 3


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # This hook sees every collected test, not just this directory's.
    for item in items:
        if item.path.is_relative_to(BROWSER_TESTS):
            item.add_marker(pytest.mark.browser)
    # Browser tests last: once the browser is up, Playwright's event loop runs in the main
    # thread for the rest of the session, and a later test's asyncio.run() cannot start its
    # own loop there. Running them last also shows the quick failures first.
    items.sort(key=lambda item: item.path.is_relative_to(BROWSER_TESTS))


@pytest.fixture(autouse=True)
def _step_catalogue(transactional_db) -> None:
    """Live-server tests flush the database afterwards, which also removes the 17 journey steps
    that a data migration loaded. Django's serialized rollback cannot put them back here: once
    Playwright's event loop runs, the test thread gets a new connection object without the
    snapshot. So load the catalogue again, with the function the migration uses."""
    load_catalogue(StepDefinition)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        # Fail rather than skip: a CI run without a browser must not pass silently.
        pytest.fail(
            f"Browser tests need Debian's Chromium at {CHROMIUM}. Run `make install`.",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser: Browser, live_server) -> Iterator[Callable[..., BrowserContext]]:
    contexts: list[BrowserContext] = []

    def make(**options) -> BrowserContext:
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context: Callable[..., BrowserContext]) -> Page:
    return new_context().new_page()


def login(page: Page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    # A failed sign-in re-renders the form at the same path, so waiting for the path to change
    # both waits for the navigation and stops a test from carrying on signed out.
    expect(page, f"Signing in as {email} failed").not_to_have_url(LOGIN_URL)


def assert_accessible(page: Page, tags: list[str] | None = None) -> None:
    # evaluate() runs through the DevTools protocol, which the page's CSP does not govern;
    # a <script> tag would be blocked by `script-src 'self'`, which stays on in these tests.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    violations = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
        ".then(results => results.violations)",
        tags or AXE_TAGS,
    )
    if violations:
        # Raised rather than asserted, so pytest shows this summary instead of the raw results.
        raise AssertionError(_describe(page.url, violations))


def _describe(url: str, violations: list[dict]) -> str:
    lines = [f"{len(violations)} accessibility violation(s) on {url}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        nodes = violation["nodes"]
        for node in nodes[:AXE_TARGETS_SHOWN]:
            lines.append(f"    {' >>> '.join(map(str, node['target']))}")
        if len(nodes) > AXE_TARGETS_SHOWN:
            lines.append(f"    ... and {len(nodes) - AXE_TARGETS_SHOWN} more")
    return "\n".join(lines)
