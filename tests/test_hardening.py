"""Hardening found by probing the running app: caching of private pages, browser features,
secrets in logs, 403 tracebacks, evidence link schemes, one-line names and organisation limits."""

import logging
import sys
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from gunicorn.config import Config
from pytest_django.asserts import assertContains, assertNotContains

from config.gunicorn import RedactingLogger
from config.logging import PermissionDeniedFilter, RedactTokensFilter, redact_tokens
from config.middleware import PrivatePagesMiddleware, ThrottledMiddleware
from journey.forms import LinkForm
from journey.selectors import journey_step
from kernel.throttle import Throttled
from organisations.access import SESSION_GRANTS
from organisations.models import Organisation
from organisations.roles import Role
from organisations.validators import single_line

from .conftest import HTMX


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


# --- Cache-Control on private pages ------------------------------------------------------------


def test_it_forbids_storing_a_signed_in_page(client_as, owner):
    response = client_as(owner).get("/o/acme/members/")

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_it_forbids_storing_an_error_shown_to_a_signed_in_person(client_as, members):
    response = client_as(members[Role.FACILITATOR]).post(
        "/o/acme/invitations/", {"email": "x@example.com", "role": "member"}, **HTMX
    )

    assert response.status_code == 403
    assert response["Cache-Control"] == "private, no-store"


def test_it_leaves_public_pages_cacheable(client, db):
    response = client.get("/accounts/login/")

    assert "Cache-Control" not in response


def test_it_forbids_storing_pages_for_a_session_with_guest_grants(client, db):
    session = client.session
    session[SESSION_GRANTS] = [1]
    session.save()

    response = client.get("/accounts/login/")

    assert response["Cache-Control"] == "private, no-store"


def _through_private_pages(cache_control: str, user) -> HttpResponse:
    def view(request):
        response = HttpResponse("ok")
        response["Cache-Control"] = cache_control
        return response

    request = RequestFactory().get("/")
    request.user = user
    request.session = {}
    return PrivatePagesMiddleware(view)(request)


def test_it_keeps_a_views_own_no_store_header(owner):
    response = _through_private_pages("no-store, max-age=0", owner)

    assert response["Cache-Control"] == "no-store, max-age=0"


def test_it_replaces_a_header_that_would_let_a_private_page_be_stored(owner):
    response = _through_private_pages("public, max-age=600", owner)

    assert response["Cache-Control"] == "private, no-store"


def test_it_leaves_an_anonymous_visitors_header_alone():
    response = _through_private_pages("public, max-age=600", AnonymousUser())

    assert response["Cache-Control"] == "public, max-age=600"


# --- Permissions-Policy ------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/no-such-page/"])
def test_it_turns_off_browser_features_on_every_response(client, db, path):
    policy = client.get(path)["Permissions-Policy"]

    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy


# --- Throttled raised by a view ----------------------------------------------------------------


def test_it_answers_a_throttled_view_with_the_429_page(db):
    def view(request):
        raise Throttled(retry_after=90)

    request = RequestFactory().get("/", **HTMX)
    middleware = ThrottledMiddleware(view)

    response = middleware.process_exception(request, Throttled(retry_after=90))

    assert response.status_code == 429
    assert response["Retry-After"] == "90"
    assertContains(response, "Try again in 2 minutes.", status_code=429)
    assert middleware.process_exception(request, ValueError()) is None


# --- secrets in logs ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Gone: /invite/eyJpIjo1fQ:1vN2:abc/", "Gone: /invite/[redacted]/"),
        (
            '"GET /accounts/password/reset/MQ/cz8d-4f2a/ HTTP/1.1" 302',
            '"GET /accounts/password/reset/[redacted]/[redacted]/ HTTP/1.1" 302',
        ),
        (
            "/accounts/password/reset/MQ/set-password/",
            "/accounts/password/reset/[redacted]/[redacted]/",
        ),
        ("GET /a/Zx9_secret-Token/ HTTP/1.1", "GET /a/[redacted]/ HTTP/1.1"),
        ("GET /join/K7QX2P/ HTTP/1.1", "GET /join/[redacted]/ HTTP/1.1"),
        (
            '"https://mesh.example.org/invite/tok3n/"',
            '"https://mesh.example.org/invite/[redacted]/"',
        ),
        ("/invite/tok3n", "/invite/[redacted]"),
    ],
)
def test_it_redacts_secret_links(line, expected):
    assert redact_tokens(line) == expected


@pytest.mark.parametrize(
    "line",
    [
        "GET /accounts/password/reset/ HTTP/1.1",
        "GET /accounts/password/reset/sent/ HTTP/1.1",
        "GET /accounts/password/reset/done/ HTTP/1.1",
        "GET /o/acme/journey/3/ HTTP/1.1",
        "GET /o/acme/assessments/a/4/ HTTP/1.1",
        "GET /static/js/app.js HTTP/1.1",
    ],
)
def test_it_leaves_paths_without_secrets_alone(line):
    assert redact_tokens(line) == line


def test_it_redacts_the_request_logger_record():
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "%s: %s", ("Gone", "/invite/abc/"), None
    )

    RedactTokensFilter().filter(record)

    assert record.getMessage() == "Gone: /invite/[redacted]/"


def test_it_logs_an_invalid_invitation_without_its_token(client, db, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/invite/not-a-real-token-123/")

    assert response.status_code == 410
    assert "Gone: /invite/[redacted]/" in caplog.text
    assert "not-a-real-token-123" not in caplog.text


def test_it_redacts_gunicorns_access_log_line_and_referer(tmp_path):
    log_file = tmp_path / "access.log"
    config = Config()
    config.set("accesslog", str(log_file))
    logger = RedactingLogger(config)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/accounts/password/reset/MQ/cz8d-4f2a/",
        "PATH_INFO": "/accounts/password/reset/MQ/cz8d-4f2a/",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_REFERER": "https://mesh.example.org/invite/secret-invite/",
        "HTTP_USER_AGENT": "test",
    }
    response = SimpleNamespace(status="200 OK", sent=10, headers=[])
    request = SimpleNamespace(headers=[("REFERER", environ["HTTP_REFERER"])])

    logger.access(response, request, environ, timedelta(milliseconds=5))
    for handler in logger.access_log.handlers:
        handler.flush()

    line = log_file.read_text()
    assert "GET /accounts/password/reset/[redacted]/[redacted]/ HTTP/1.1" in line
    assert "https://mesh.example.org/invite/[redacted]/" in line
    assert "cz8d" not in line
    assert "secret-invite" not in line


# --- 403 without traceback ---------------------------------------------------------------------


def test_it_logs_a_permission_denied_as_one_line(client_as, members, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client_as(members[Role.FACILITATOR]).post(
            "/o/acme/invitations/", {"email": "x@example.com", "role": "member"}
        )

    assert response.status_code == 403
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == "Forbidden (Permission denied): /o/acme/invitations/"
    assert record.exc_info is None
    assert "Traceback" not in caplog.text


def test_it_keeps_the_traceback_of_other_errors():
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord(
            "django.request",
            logging.ERROR,
            __file__,
            1,
            "Internal Server Error",
            (),
            sys.exc_info(),
        )

    PermissionDeniedFilter().filter(record)

    assert record.exc_info is not None


def test_it_drops_the_traceback_of_a_permission_denied():
    try:
        raise PermissionDenied
    except PermissionDenied:
        record = logging.LogRecord(
            "django.request", logging.WARNING, __file__, 1, "Forbidden", (), sys.exc_info()
        )

    assert PermissionDeniedFilter().filter(record) is True
    assert record.exc_info is None


# --- evidence links ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["https://wiki.example.com/mesh", "http://wiki.intranet/mesh", "wiki.example.com/x"]
)
def test_it_accepts_web_links(url):
    form = LinkForm({"title": "Wiki", "url": url})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["url"].startswith(("http://", "https://"))


@pytest.mark.parametrize(
    "url",
    [
        "ftp://files.example.com/report.pdf",
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "file:///etc/passwd",
        "vbscript:msgbox(1)",
    ],
)
def test_it_refuses_links_that_are_not_web_addresses(url):
    form = LinkForm({"title": "Evil", "url": url})

    assert not form.is_valid()
    assert form.errors["url"] == ["Use a web address starting with https:// or http://."]


def test_it_shows_a_stored_non_web_link_as_text(organisation, members, client_as):
    step = journey_step(organisation, 1)
    step.canvas.content = {
        "links": [
            {"title": "Old share", "url": "ftp://files.example.com/x"},
            {"title": "Bad", "url": "javascript:alert(1)"},
            {"title": "Wiki", "url": "https://wiki.example.com/mesh"},
        ]
    }
    step.canvas.save(update_fields=["content"])

    response = client_as(members[Role.EXECUTIVE]).get("/o/acme/journey/1/")

    assertContains(response, '<a href="https://wiki.example.com/mesh" rel="noopener noreferrer">')
    assertContains(response, "Old share: ftp://files.example.com/x")
    assertNotContains(response, 'href="ftp:')
    assertNotContains(response, 'href="javascript:')


# --- one-line names ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Acme\nHealth", "Acme Health"),
        ("  Acme \t\r\n  Health  ", "Acme Health"),
        ("Acme\x00\x07Health", "AcmeHealth"),
        ("Acme\u2028Health\u202e", "Acme Health"),
        ("R&D <Lab>", "R&D <Lab>"),
    ],
)
def test_it_puts_stored_text_on_one_line(value, expected):
    assert single_line(value) == expected


def test_it_renames_an_organisation_to_one_line(client_as, owner, organisation):
    response = client_as(owner).post("/o/acme/settings/", {"name": "Acme\r\nHealth  Group"})

    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.name == "Acme Health Group"


def test_it_refuses_a_control_character_in_an_organisation_name(client_as, owner, organisation):
    response = client_as(owner).post("/o/acme/settings/", {"name": "Acme\x1b[31mHealth"})

    assertContains(response, "no line breaks or control characters", status_code=400)
    organisation.refresh_from_db()
    assert organisation.name == "Acme Health"


# --- organisations per account -----------------------------------------------------------------


@override_settings(ORGANISATION_MAX_PER_USER=2)
def test_it_limits_new_organisations_per_account_and_keeps_the_name(client_as, owner):
    client = client_as(owner)
    for n in range(2):
        assert client.post("/orgs/new/", {"name": f"Org {n}"}).status_code == 302

    response = client.post("/orgs/new/", {"name": "One too many"})

    assertContains(response, "as many organisations as one account may in a day", status_code=429)
    assertContains(response, "Try again in 24 hours.", status_code=429)
    assertContains(response, 'value="One too many"', status_code=429)
    assert response["Retry-After"] == str(24 * 60 * 60)
    assert not Organisation.objects.filter(name="One too many").exists()


@override_settings(ORGANISATION_MAX_PER_USER=1)
def test_it_counts_new_organisations_per_account_not_per_address(client_as, owner, outsider):
    assert client_as(owner).post("/orgs/new/", {"name": "Mine"}).status_code == 302

    assert client_as(outsider).post("/orgs/new/", {"name": "Theirs"}).status_code == 302


@override_settings(ORGANISATION_MAX_PER_USER=1)
def test_it_does_not_count_a_refused_organisation_name(client_as, owner):
    client = client_as(owner)
    client.post("/orgs/new/", {"name": ""})

    assert client.post("/orgs/new/", {"name": "Fine"}).status_code == 302


def test_it_does_not_limit_renaming(client_as, owner):
    client = client_as(owner)

    for n in range(12):
        assert client.post("/o/acme/settings/", {"name": f"Acme {n}"}).status_code == 302
