"""kernel.throttle counts attempts before the work; kernel.cache keeps counters exact."""

import os
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory, override_settings
from django.utils import timezone

from kernel.http import client_ip
from kernel.throttle import Throttle, Throttled, Verdict, throttled_response, wait_text

LOCMEM = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "throttle"}
DATABASE = {"BACKEND": "kernel.cache.DatabaseCache", "LOCATION": "test_kernel_cache"}


class Clock:
    """time.time() under the test's control (LocMemCache and the throttle both read it)."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(time, "time", clock)
    return clock


@pytest.fixture
def locmem():
    with override_settings(CACHES={"default": LOCMEM}):
        caches["default"].clear()
        yield caches["default"]
        caches["default"].clear()


@pytest.fixture
def db_cache(db):
    with override_settings(CACHES={"default": DATABASE}):
        call_command("createcachetable", verbosity=0)
        yield caches["default"]


def _expires(key: str) -> datetime:
    cache = caches["default"]
    stored = cache.make_and_validate_key(key)
    with connection.cursor() as cursor:
        cursor.execute("SELECT expires FROM test_kernel_cache WHERE cache_key = %s", [stored])
        value = cursor.fetchone()[0]
    if isinstance(value, str):  # SQLite hands back text
        value = datetime.fromisoformat(value)
    return value if timezone.is_aware(value) else value.replace(tzinfo=UTC)


# --- wait_text ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (1, "1 second"),
        (40, "40 seconds"),
        (60, "1 minute"),
        (61, "2 minutes"),
        (14 * 60 + 1, "15 minutes"),
        (3600, "60 minutes"),
        (2 * 3600 + 1, "3 hours"),
    ],
)
def test_it_says_how_long_to_wait_rounded_up(seconds, text):
    assert wait_text(seconds) == text


# --- the throttle on LocMem, with a controlled clock ------------------------------------------


def test_it_allows_exactly_the_limit_then_refuses(locmem, clock):
    throttle = Throttle("test", limit=3, window=900)

    verdicts = [throttle.hit("a@example.com") for _ in range(5)]

    assert [v.allowed for v in verdicts] == [True, True, True, False, False]
    assert verdicts[3] == Verdict(allowed=False, retry_after=900)


def test_it_counts_each_key_and_scope_apart(locmem, clock):
    throttle = Throttle("test", limit=1, window=60)

    assert throttle.hit("a").allowed
    assert not throttle.hit("a").allowed
    assert throttle.hit("b").allowed
    assert Throttle("other", limit=1, window=60).hit("a").allowed


def test_it_tells_the_time_left_in_the_window_not_a_fresh_window(locmem, clock):
    throttle = Throttle("test", limit=2, window=900)
    throttle.hit("a")
    clock.now += 300
    throttle.hit("a")
    clock.now += 100

    verdict = throttle.hit("a")

    assert verdict == Verdict(allowed=False, retry_after=500)


def test_it_does_not_extend_the_lock_for_refused_attempts(locmem, clock):
    throttle = Throttle("test", limit=1, window=900)
    throttle.hit("a")
    for _ in range(10):
        clock.now += 60
        throttle.hit("a")

    clock.now += 300

    assert throttle.hit("a").allowed


def test_it_opens_a_new_window_when_the_old_one_ends(locmem, clock):
    throttle = Throttle("test", limit=1, window=60)
    throttle.hit("a")
    clock.now += 61

    assert throttle.hit("a").allowed
    assert throttle.hit("a") == Verdict(allowed=False, retry_after=60)


def test_it_gives_back_an_undone_attempt(locmem, clock):
    throttle = Throttle("test", limit=2, window=60)
    throttle.hit("a")
    throttle.hit("a")
    throttle.undo("a")

    assert throttle.hit("a").allowed
    assert not throttle.hit("a").allowed


def test_it_forgets_a_cleared_key(locmem, clock):
    throttle = Throttle("test", limit=1, window=60)
    throttle.hit("a")
    throttle.hit("a")

    throttle.clear("a")

    assert throttle.blocked("a").allowed
    assert throttle.hit("a").allowed


def test_it_tells_whether_a_key_is_blocked_without_counting(locmem, clock):
    throttle = Throttle("test", limit=2, window=60)
    throttle.hit("a")
    for _ in range(5):
        assert throttle.blocked("a").allowed
    throttle.hit("a")
    clock.now += 20

    assert throttle.blocked("a") == Verdict(allowed=False, retry_after=40)


def test_it_ignores_undo_and_clear_for_an_unknown_key(locmem, clock):
    throttle = Throttle("test", limit=1, window=60)

    throttle.undo("nobody")
    throttle.clear("nobody")

    assert throttle.hit("nobody").allowed


def test_it_keeps_no_key_in_the_clear(locmem, clock):
    Throttle("test", limit=1, window=60).hit("grace@example.com")

    stored = "".join(str(k) for k in locmem._cache)

    assert "grace" not in stored
    assert "example" not in stored


def test_it_lets_exactly_the_limit_through_when_attempts_arrive_together(locmem):
    throttle = Throttle("race", limit=5, window=900)
    start = threading.Barrier(8)
    allowed: list[bool] = []

    def attempt() -> None:
        start.wait()
        allowed.append(throttle.hit("grace@example.com").allowed)

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(allowed) == [False] * 3 + [True] * 5


# --- the LocMem cache keeps a key's expiry through incr ----------------------------------------


def test_it_relies_on_locmem_incr_keeping_the_expiry(locmem, clock):
    locmem.add("n", 1, timeout=900)
    clock.now += 800
    locmem.incr("n")
    clock.now += 99
    assert locmem.get("n") == 2

    clock.now += 2

    assert locmem.get("n") is None


# --- kernel.cache.DatabaseCache ----------------------------------------------------------------


def test_it_increments_in_the_database_and_keeps_the_expiry(db_cache):
    db_cache.add("n", 1, timeout=900)
    expires = _expires("n")

    assert db_cache.incr("n") == 2
    assert db_cache.incr("n", 5) == 7
    assert db_cache.decr("n") == 6

    assert db_cache.get("n") == 6
    assert _expires("n") == expires
    assert expires > timezone.now() + timedelta(seconds=890)


def test_it_refuses_to_increment_a_missing_or_expired_key(db_cache):
    with pytest.raises(ValueError, match="not found"):
        db_cache.incr("missing")
    db_cache.set("old", 1, timeout=-1)

    with pytest.raises(ValueError, match="not found"):
        db_cache.incr("old")


def test_it_adds_only_when_the_key_is_missing_or_expired(db_cache):
    assert db_cache.add("k", "first", timeout=60)
    assert not db_cache.add("k", "second", timeout=60)
    assert db_cache.get("k") == "first"
    db_cache.set("k", "stale", timeout=-1)

    assert db_cache.add("k", "fresh", timeout=60)
    assert db_cache.get("k") == "fresh"


def test_it_adds_a_key_that_never_expires(db_cache):
    assert db_cache.add("forever", 1, timeout=None)

    assert db_cache.incr("forever") == 2
    assert _expires("forever").year == 9999


def test_it_throttles_on_the_database_cache(db_cache):
    throttle = Throttle("db", limit=2, window=900)

    verdicts = [throttle.hit("a") for _ in range(3)]

    assert [v.allowed for v in verdicts] == [True, True, False]
    assert 890 <= verdicts[2].retry_after <= 900
    assert not throttle.blocked("a").allowed
    throttle.undo("a")
    throttle.undo("a")
    assert throttle.blocked("a").allowed
    throttle.clear("a")
    assert throttle.hit("a").allowed


# Forked worker processes (as gunicorn's) on one SQLite file configured as production
# configures it (WAL, IMMEDIATE transactions), each trying once behind a barrier.
RACER = """
import multiprocessing, sys
import django
from django.conf import settings
from config.settings.base import database_config
settings.configure(
    DATABASES={"default": database_config()},
    CACHES={"default": {"BACKEND": sys.argv[1], "LOCATION": "race_cache"}},
    SECRET_KEY="race",
    USE_TZ=True,
)
django.setup()
from django.core.management import call_command
from django.db import connection, connections
from kernel.throttle import Throttle
racers = int(sys.argv[2])
call_command("createcachetable", verbosity=0)
connections.close_all()
fork = multiprocessing.get_context("fork")
barrier, results = fork.Barrier(racers), fork.SimpleQueue()
def attempt():
    connection.ensure_connection()
    barrier.wait()
    results.put(Throttle("race", limit=5, window=900).hit("grace@example.com").allowed)
workers = [fork.Process(target=attempt) for _ in range(racers)]
for worker in workers:
    worker.start()
for worker in workers:
    worker.join()
print(" ".join(sorted(str(results.get()) for _ in range(racers))))
"""


def _race(tmp_path, backend: str, racers: int) -> list[str]:
    env = {**os.environ, "MESH_VAR_DIR": str(tmp_path), "SQLITE_PATH": str(tmp_path / "r.db")}
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(  # noqa: S603 (our own interpreter and script)
        [sys.executable, "-c", RACER, backend, str(racers)],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout.split()


def test_it_lets_exactly_the_limit_through_the_database_cache_across_processes(tmp_path):
    results = _race(tmp_path, "kernel.cache.DatabaseCache", racers=8)

    assert results == ["False"] * 3 + ["True"] * 5


# --- 429 response and client address ----------------------------------------------------------


def test_it_answers_throttled_with_a_429_page_that_says_how_long_to_wait(db):
    request = RequestFactory().get("/")

    response = throttled_response(request, Throttled(retry_after=125))

    assert response.status_code == 429
    assert response["Retry-After"] == "125"
    assert "Try again in 3 minutes." in response.content.decode()


def test_it_keeps_a_custom_throttled_message(db):
    exc = Throttled(retry_after=30, message="Too many links opened. Try again in 30 seconds.")

    response = throttled_response(RequestFactory().get("/"), exc)

    assert "Too many links opened." in response.content.decode()


def test_it_takes_the_client_address_from_remote_addr():
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4")

    assert client_ip(request) == "10.0.0.1"


@override_settings(BEHIND_PROXY=True)
def test_it_takes_the_last_forwarded_address_behind_a_proxy():
    request = RequestFactory().get(
        "/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9"
    )

    assert client_ip(request) == "203.0.113.9"
