"""Limits on how often something may be tried, counted in the shared cache.

A `Throttle` counts an attempt *before* the work it protects: `hit(key)` adds one and says
whether this attempt is within the limit. Checking first and counting after the work (as
sign-in once did) lets N simultaneous attempts all pass the check before any is counted; here
the count is one atomic `add`/`incr`, so exactly `limit` attempts get through.

The window opens at the first attempt and does not move: attempts refused during a lock do not
extend it, and `retry_after` says when it ends. The window's start is kept in its own key and
the counter's key is derived from it, so a counter always belongs to exactly one window. Only
`add`, `get`, `incr`, `decr` and `delete` are used, which are atomic and keep the key's expiry
on Redis, LocMem and `kernel.cache.DatabaseCache` (not on Django's own DatabaseCache).

Keys (an email address, a client address, a token) are hashed with the secret key before they
reach the cache, so the cache table holds no addresses.
"""

import contextlib
import math
import time
from dataclasses import dataclass

from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.crypto import salted_hmac

# The counter outlives its window's start by this much, so an attempt that read the start just
# before it expired still finds the counter (on Redis, INCR on a missing key would create one
# that never expires).
_COUNTER_GRACE = 60
# add/get can race with the window's end; a few retries always settle it.
_ATTEMPTS = 3


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    # Seconds until the window ends and attempts are allowed again; 0 when allowed.
    retry_after: int


def wait_text(seconds: int) -> str:
    """How long to wait, in words, rounded up: "40 seconds", "14 minutes", "2 hours"."""
    seconds = max(1, math.ceil(seconds))
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    if minutes < 120:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    return f"{math.ceil(seconds / 3600)} hours"


class Throttled(Exception):
    """Raised where a limit is reached; `throttled_response` turns it into the 429 page."""

    def __init__(self, retry_after: int, message: str = "") -> None:
        self.retry_after = max(1, math.ceil(retry_after))
        self.message = message or f"Too many attempts. Try again in {wait_text(self.retry_after)}."
        super().__init__(self.message)


@dataclass(frozen=True)
class Throttle:
    """At most `limit` attempts per key within `window` seconds of the first one."""

    scope: str
    limit: int
    window: int
    cache_alias: str = "default"

    def hit(self, key: str) -> Verdict:
        """Count one attempt now, before doing the work, and say whether it may go ahead."""
        cache = caches[self.cache_alias]
        anchor = self._anchor(key)
        for _ in range(_ATTEMPTS):
            now = time.time()
            start = now if cache.add(anchor, now, timeout=self.window) else cache.get(anchor)
            if start is None:
                continue  # The window ended between add and get: open a new one.
            counter = self._counter(anchor, start)
            if cache.add(counter, 1, timeout=self.window + _COUNTER_GRACE):
                count = 1
            else:
                try:
                    count = cache.incr(counter)
                except ValueError:
                    continue  # Cleared meanwhile.
            if count <= self.limit:
                return Verdict(allowed=True, retry_after=0)
            return Verdict(allowed=False, retry_after=self._remaining(start, now))
        # The key was cleared or expired three times in a row, faster than anyone could try
        # three times: nothing is counted against it.
        return Verdict(allowed=True, retry_after=0)

    def undo(self, key: str) -> None:
        """Give back an attempt counted by `hit` (say, a sign-in that turned out right)."""
        cache = caches[self.cache_alias]
        anchor = self._anchor(key)
        start = cache.get(anchor)
        if start is None:
            return
        # Already expired or cleared: nothing to give back.
        with contextlib.suppress(ValueError):
            cache.decr(self._counter(anchor, start))

    def clear(self, key: str) -> None:
        """Forget every attempt for the key: the next one starts a fresh window."""
        cache = caches[self.cache_alias]
        anchor = self._anchor(key)
        start = cache.get(anchor)
        stale = [anchor] if start is None else [anchor, self._counter(anchor, start)]
        cache.delete_many(stale)

    def blocked(self, key: str) -> Verdict:
        """Whether the next attempt would be refused, without counting one."""
        cache = caches[self.cache_alias]
        anchor = self._anchor(key)
        now = time.time()
        start = cache.get(anchor)
        if start is None or cache.get(self._counter(anchor, start), 0) < self.limit:
            return Verdict(allowed=True, retry_after=0)
        return Verdict(allowed=False, retry_after=self._remaining(start, now))

    def _anchor(self, key: str) -> str:
        digest = salted_hmac("kernel.throttle", f"{self.scope}\n{key}", algorithm="sha256")
        return f"throttle:{self.scope}:{digest.hexdigest()}"

    @staticmethod
    def _counter(anchor: str, start: float) -> str:
        return f"{anchor}:{round(start * 1000)}"

    def _remaining(self, start: float, now: float) -> int:
        return max(1, math.ceil(start + self.window - now))


def throttled_response(request: HttpRequest, exc: Throttled) -> HttpResponse:
    """The 429 page saying how long to wait, with `Retry-After`.

    Under htmx the status is the same: htmx does not swap an error response, and the page's
    script shows its "too many requests" notice instead.
    """
    context = {"message": exc.message, "wait": wait_text(exc.retry_after)}
    response = render(request, "429.html", context, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response
