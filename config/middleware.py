import logging
from collections.abc import Callable

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from kernel.throttle import Throttled, throttled_response
from organisations.access import SESSION_GRANTS

# No inline scripts and no eval anywhere: htmx is configured (base.html) not to evaluate
# attributes, and every script is a static file served by the app itself.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


# The app uses none of these browser features; a page (or anything injected into one) may not.
# Only names Chromium recognises: an unknown one is a console warning on every page.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in [
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    ]
)
PRIVATE_CACHE_CONTROL = "private, no-store"


class ContentSecurityPolicyMiddleware:
    """CSP and Permissions-Policy on every response Django makes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class PrivatePagesMiddleware:
    """Nothing shown to a signed-in person or a guest is kept by a browser or proxy cache.

    Their pages hold live invitation links, canvases and answers: the back button on a shared
    computer, or a proxy, must not serve them to the next person. A view that already forbids
    storing (`no-store`, as PDF downloads do) keeps its own header. Goes after the session and
    authentication middleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "no-store" not in response.get("Cache-Control", "") and _is_private(request):
            response["Cache-Control"] = PRIVATE_CACHE_CONTROL
        return response


def _is_private(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return True
    session = getattr(request, "session", None)
    return bool(session is not None and session.get(SESSION_GRANTS))


class ThrottledMiddleware:
    """Any view may raise kernel.throttle.Throttled: it becomes the 429 page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, Throttled):
            return throttled_response(request, exception)
        return None


logger = logging.getLogger(__name__)

# The database's own words when it cannot serve a request in time: SQLite's write lock held
# past the 20 s timeout, PostgreSQL (or the pool) out of connections.
BUSY_DATABASE = ("database is locked", "too many clients", "couldn't get a connection")


class BusyDatabaseMiddleware:
    """A database too busy to answer in time is a 503 saying so, with `Retry-After`, not a
    500: nothing was saved, and trying again shortly will work. Other database errors still
    reach the error handler and the logs as they are."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError):
            return None
        if not any(words in str(exception) for words in BUSY_DATABASE):
            return None
        logger.warning("Database busy, answered 503: %s %s", request.method, request.path)
        # Written without the database (no context processors): it is the thing that is busy.
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "5"
        return response
