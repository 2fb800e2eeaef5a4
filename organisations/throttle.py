"""Login throttling in the shared cache, so the limit holds across every worker process."""

import hashlib

from django.conf import settings
from django.core.cache import cache


def _keys(email: str, client_ip: str) -> list[str]:
    email_key = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    return [f"login-fail:email:{email_key}", f"login-fail:ip:{client_ip}"]


def _limits() -> list[int]:
    # A single address may try more accounts than one account may be tried: offices share IPs.
    return [settings.LOGIN_MAX_ATTEMPTS, settings.LOGIN_MAX_ATTEMPTS * 4]


def login_blocked(*, email: str, client_ip: str) -> bool:
    counts = cache.get_many(_keys(email, client_ip))
    return any(
        counts.get(key, 0) >= limit
        for key, limit in zip(_keys(email, client_ip), _limits(), strict=True)
    )


def login_failed(*, email: str, client_ip: str) -> None:
    for key in _keys(email, client_ip):
        if not cache.add(key, 1, timeout=settings.LOGIN_WINDOW_SECONDS):
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, timeout=settings.LOGIN_WINDOW_SECONDS)


def login_succeeded(*, email: str) -> None:
    cache.delete(_keys(email, "")[0])


def client_ip(request) -> str:
    """The client's address. Behind a proxy, REMOTE_ADDR is the proxy for everyone, which would
    make one person's failed sign-ins lock out all; the proxy appends the real address last to
    X-Forwarded-For, and only that last entry is trustworthy (earlier ones come from the client)."""
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if last := forwarded.split(",")[-1].strip():
            return last
    return request.META.get("REMOTE_ADDR", "")
