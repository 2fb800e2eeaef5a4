"""Facts about the HTTP request that several apps need."""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address.

    Behind a proxy, REMOTE_ADDR is the proxy for everyone, which would make one person's failed
    sign-ins lock out all; the proxy appends the real address last to X-Forwarded-For, and only
    that last entry is trustworthy (earlier ones come from the client).
    """
    if getattr(settings, "BEHIND_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if last := forwarded.split(",")[-1].strip():
            return last
    return request.META.get("REMOTE_ADDR", "")
