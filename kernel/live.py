"""Live updates: a write sends an HTML fragment, once, to every browser tab following a channel.

The whole API::

    publish(channel, *, data, audience="all", event="message") -> int
    publish_many(channel, [(data, audience, event), ...]) -> int     (the last seq)
        Inside the writer's transaction.atomic: numbers the event (the channel's next seq,
        taken under the channel row's lock, so seqs have no gaps and follow commit order) and
        stores it. Rolled back with the write; seen by nobody before the write commits.
    hold(channel)        the channel row's lock, taken before reading what will be published
    latest_seq(channel) -> int                 what a page embeds when it renders the board
    events_after(channel, after_seq, audiences, limit=...) -> list[Event]
    stream_response(request, *, channel, audiences) -> StreamingHttpResponse    (SSE)
    poll_response(request, *, channel, audiences) -> HttpResponse      (polling fallback)
    prune(*, keep_per_channel=None, max_age=None) -> int     (command: prune_live_events)

A channel is a name such as "board:42". `data` is a fragment rendered once for everybody in
its audience, normally htmx out-of-band swaps (`<li id="note-7" hx-swap-oob="true">...`), so
the page applies it wherever it lands. An audience is a string: "all", "facilitators",
"participant:17", ...; a stream is opened with the set of audiences its viewer belongs to
(say {"all", "participant:17"}) and receives only events for one of them. Callers decide
who may open a stream: these helpers check nothing but their arguments.

The page, for a board rendered at seq 41, with `{% include "kernel/live_assets.html" %}` in
its head (static/js/live.js and the vendored htmx SSE extension do the rest: resume,
jittered reconnects, reset, polling fallback; live.js says more)::

    <div id="board-live" hx-ext="sse" sse-connect="{stream url}?after=41"
         data-live-poll="{poll url}" data-live-reset="{url of this fragment, fresh}">
      <div sse-swap="message" hx-swap="none"></div>
    </div>

The stream (`text/event-stream`) opens with a `hello` event, starts after `Last-Event-ID` (a
browser reconnecting) or `?after=`, replays what was missed, then follows new events; each
event carries its seq as its id. A `: keepalive` comment goes out every
LIVE_KEEPALIVE_SECONDS. A client too far behind (more than LIVE_REPLAY_LIMIT events, events
pruned, or no position given) gets one `reset` event, whose data is the current seq, and
should re-fetch the whole board. A stream ends after LIVE_STREAM_MAX_SECONDS (jittered) so
that the browser reconnects: proxies see no endless requests and access is checked again.
The `retry:` it sends is jittered too, so 200 browsers do not reconnect in the same instant
after a restart.

Under ASGI (gunicorn with uvicorn workers) every stream of a worker process shares one
"hub": one query reads the seqs of all channels followed in that process and new events are
fetched once for all of their streams. On SQLite the hub queries when the database files
change (a stat() every LIVE_WATCH_SECONDS, no query) and at least every LIVE_TICK_SECONDS;
on PostgreSQL `publish` also sends NOTIFY (delivered at commit) and one LISTEN connection
per process wakes the hub, with a slow tick as a safety net. Under WSGI (runserver, the
test client, the browser tests' live server) a stream is a plain generator that polls the
database itself.

`poll_response` answers `?after=N` with the fragments of the events after N (audience
filtered) concatenated, and the position reached in a `Live-Seq` header; `Live-Reset: 1`
when the client should re-fetch the board instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import re
import threading
import time
import weakref
from collections import deque
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.db import connection, connections
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone

from kernel.models import LiveChannel, LiveEvent

logger = logging.getLogger(__name__)

NOTIFY_CHANNEL = "mesh_live"
# Jitter only, nothing secret; SystemRandom is simply the one without shared state to seed.
_jitter = random.SystemRandom()
_EVENT_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,49}$")
_AUDIENCE = re.compile(r"^[a-z][a-z0-9_:.-]{0,99}$")
_CHANNEL = re.compile(r"^[a-z][a-z0-9_:.-]{0,99}$")


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def tick_seconds() -> float:
    """How often a follower looks for new events when nothing wakes it (SQLite, WSGI)."""
    return float(_setting("LIVE_TICK_SECONDS", 0.5))


def watch_seconds() -> float:
    """SQLite: how often a follower checks whether the database files changed (0: never)."""
    return float(_setting("LIVE_WATCH_SECONDS", 0.05))


def notify_tick_seconds() -> float:
    """On PostgreSQL, NOTIFY wakes followers; this slower tick only covers a lost LISTEN."""
    return float(_setting("LIVE_NOTIFY_TICK_SECONDS", 5.0))


def keepalive_seconds() -> float:
    return float(_setting("LIVE_KEEPALIVE_SECONDS", 15.0))


def stream_max_seconds() -> float:
    return float(_setting("LIVE_STREAM_MAX_SECONDS", 600.0))


def replay_limit() -> int:
    return int(_setting("LIVE_REPLAY_LIMIT", 1000))


def kept_per_channel() -> int:
    return int(_setting("LIVE_KEEP_PER_CHANNEL", 5000))


def keep_seconds() -> float:
    return float(_setting("LIVE_KEEP_SECONDS", 24 * 60 * 60))


# Events a hub keeps in memory per channel for its streams to catch up from: more than one
# board change sends (the board twice, then one event per participant with notes of their own).
_BUFFER = 1024
# How often publish trims its channel to LIVE_KEEP_PER_CHANNEL: every this many events.
_TRIM_EVERY = 500


@dataclass(frozen=True)
class Event:
    seq: int
    event: str
    data: str
    audience: str

    @cached_property
    def wire(self) -> bytes:
        """The event as the stream sends it, encoded once for every stream of a process."""
        return _format(seq=self.seq, event=self.event, data=self.data).encode()


# ---------------------------------------------------------------------------------------------
# Writing and reading events (sync: call them from services and selectors).


def publish(channel: str, *, data: str, audience: str = "all", event: str = "message") -> int:
    """Append one event to `channel` inside the caller's transaction and return its seq."""
    return publish_many(channel, [(data, audience, event)])


def publish_many(channel: str, events: list[tuple[str, str, str]]) -> int:
    """Append (data, audience, event) events to `channel`, numbered in order, inside the
    caller's transaction; return the last seq. Three queries however many events."""
    if not _CHANNEL.match(channel):
        raise ValueError(f"Not a channel name: {channel!r}")
    for _, audience, event in events:
        if not _AUDIENCE.match(audience):
            raise ValueError(f"Not an audience: {audience!r}")
        if not _EVENT_NAME.match(event):
            raise ValueError(f"Not an event name: {event!r}")
    if not connection.in_atomic_block:
        raise RuntimeError("publish() belongs inside the writer's transaction.atomic block.")
    if not events:
        return latest_seq(channel)

    channel_id, last = _next_seq(channel, len(events))
    first = last - len(events) + 1
    LiveEvent.objects.bulk_create(
        LiveEvent(channel_id=channel_id, seq=seq, audience=audience, event=event, data=data)
        for seq, (data, audience, event) in enumerate(events, start=first)
    )
    if last // _TRIM_EVERY != (first - 1) // _TRIM_EVERY:
        LiveEvent.objects.filter(channel_id=channel_id, seq__lte=last - kept_per_channel()).delete()
    if connection.vendor == "postgresql":
        # NOTIFY is transactional: PostgreSQL delivers it when this transaction commits and
        # drops it on rollback, so listeners never hear of an event they cannot read yet.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_notify(%s, %s)", [NOTIFY_CHANNEL, f"{last}:{channel}"])
    return last


def hold(channel: str) -> None:
    """Take `channel`'s lock until the caller's transaction ends, before publishing to it.

    A writer that renders its fragments from what it reads calls this first: whoever else
    publishes to the channel then waits, so what was read cannot change under the fragments
    before they are numbered (without it, a fragment rendered from a board read just before
    another writer's commit could be numbered after that writer's, and replace it on every
    page). On SQLite the IMMEDIATE transaction already holds the only write lock.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("hold() belongs inside the writer's transaction.atomic block.")
    if connection.vendor == "sqlite":
        return
    locked = LiveChannel.objects.select_for_update().filter(name=channel).values_list("id")
    if locked.first() is None:
        LiveChannel.objects.bulk_create([LiveChannel(name=channel)], ignore_conflicts=True)
        locked.first()


def _next_seq(channel: str, count: int = 1) -> tuple[int, int]:
    # One UPDATE ... RETURNING both increments the counter and takes the channel row's lock
    # until commit (what select_for_update followed by an update would do, in one round
    # trip). A concurrent publisher waits for the lock and then reads the committed value,
    # so seqs follow commit order. SQLite (3.35 or later for RETURNING) has a single writer
    # anyway (IMMEDIATE transactions).
    table = LiveChannel._meta.db_table
    sql = f"UPDATE {table} SET seq = seq + %s WHERE name = %s RETURNING id, seq"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [count, channel])
        row = cursor.fetchone()
        if row is None:
            # First event of the channel: create the row, racing nobody (ON CONFLICT DO
            # NOTHING: whoever loses the race simply finds the winner's row), then lock it.
            LiveChannel.objects.bulk_create([LiveChannel(name=channel)], ignore_conflicts=True)
            cursor.execute(sql, [count, channel])
            row = cursor.fetchone()
    return row[0], row[1]


def latest_seq(channel: str) -> int:
    """The seq of the channel's last event: 0 when it has none."""
    return LiveChannel.objects.filter(name=channel).values_list("seq", flat=True).first() or 0


def events_after(
    channel: str, after_seq: int, audiences: set[str], limit: int = 1000
) -> list[Event]:
    """Up to `limit` events of `channel` after `after_seq` for any of `audiences`, in order."""
    rows = (
        LiveEvent.objects.filter(
            channel__name=channel, seq__gt=after_seq, audience__in=sorted(audiences)
        )
        .order_by("seq")
        .values_list("seq", "event", "data", "audience")[:limit]
    )
    return [Event(*row) for row in rows]


@dataclass(frozen=True)
class Backlog:
    """What a follower at `after` has missed: `events` (every audience), or `reset`."""

    latest: int
    events: list[Event]
    reset: bool


def backlog(channel: str, after: int | None) -> Backlog:
    """Events after `after`, or reset when they cannot all be replayed (two queries)."""
    row = LiveChannel.objects.filter(name=channel).values_list("id", "seq").first()
    channel_id, latest = row if row else (None, 0)
    if after is None or after > latest:
        return Backlog(latest=latest, events=[], reset=True)
    if after == latest:
        return Backlog(latest=latest, events=[], reset=False)
    limit = replay_limit()
    rows = list(
        LiveEvent.objects.filter(channel_id=channel_id, seq__gt=after)
        .order_by("seq")
        .values_list("seq", "event", "data", "audience")[: limit + 1]
    )
    # Events are only ever deleted oldest first, so a missing after+1 means pruned.
    if len(rows) > limit or not rows or rows[0][0] != after + 1:
        return Backlog(latest=latest, events=[], reset=True)
    return Backlog(latest=latest, events=[Event(*r) for r in rows], reset=False)


def prune(*, keep_per_channel: int | None = None, max_age: timedelta | None = None) -> int:
    """Delete events older than `max_age` and all but the last `keep_per_channel` per channel.

    Defaults: LIVE_KEEP_SECONDS (a day) and LIVE_KEEP_PER_CHANNEL (5000). Streams behind the
    pruned events get a reset. Returns how many events were deleted.
    """
    keep = kept_per_channel() if keep_per_channel is None else keep_per_channel
    age = timedelta(seconds=keep_seconds()) if max_age is None else max_age
    deleted, _ = LiveEvent.objects.filter(created_at__lt=timezone.now() - age).delete()
    for channel_id, seq in LiveChannel.objects.filter(seq__gt=keep).values_list("id", "seq"):
        n, _ = LiveEvent.objects.filter(channel_id=channel_id, seq__lte=seq - keep).delete()
        deleted += n
    return deleted


# ---------------------------------------------------------------------------------------------
# The wire format.


def _format(*, seq: int, event: str, data: str) -> str:
    lines = [f"id: {seq}"]
    if event != "message":
        lines.append(f"event: {event}")
    lines += [f"data: {line}" for line in (data.splitlines() or [""])]
    return "\n".join(lines) + "\n\n"


def _reset(seq: int) -> str:
    return _format(seq=seq, event="reset", data=str(seq))


def _opening() -> str:
    # A jittered reconnection delay for the browser, and a "hello" at once: a page that sees
    # no hello within seconds is behind a proxy that holds the stream back, and polls instead.
    return f"retry: {_retry_ms()}\nevent: hello\ndata: ok\n\n"


def _keepalive(cursor: int) -> str:
    # The id line moves the browser's Last-Event-ID past events meant for other audiences,
    # without dispatching anything (an event with no data is not delivered to scripts).
    return f": keepalive\nid: {cursor}\n\n"


def _position(request: HttpRequest) -> int | None:
    value = request.headers.get("Last-Event-ID") or request.GET.get("after")
    if value is None or not value.strip().isdigit():
        return None
    return int(value)


def _deadline_seconds() -> float:
    limit = stream_max_seconds()
    return limit * _jitter.uniform(0.85, 1.0)


def _retry_ms() -> int:
    return _jitter.randint(1000, 5000)


def stream_response(
    request: HttpRequest, *, channel: str, audiences: set[str]
) -> StreamingHttpResponse:
    """The SSE stream of `channel` for a viewer in `audiences`; needs no database here.

    Works from a sync view (under ASGI the stream is consumed asynchronously anyway) or an
    async one. Under ASGI it follows through the process's hub; under WSGI it polls.
    """
    after = _position(request)
    audiences = frozenset(audiences)
    if isinstance(request, ASGIRequest):
        content: Any = _follow_async(channel, audiences, after)
    else:
        content = _follow_sync(channel, audiences, after)
    response = StreamingHttpResponse(content, content_type="text/event-stream")
    response["Cache-Control"] = "no-cache, no-store"
    # nginx: do not buffer this response whatever the location's proxy_buffering says.
    response["X-Accel-Buffering"] = "no"
    return response


def poll_response(request: HttpRequest, *, channel: str, audiences: set[str]) -> HttpResponse:
    """The polling fallback: fragments after `?after=`, the new position in `Live-Seq`."""
    after = _position(request)
    missed = backlog(channel, after)
    response = HttpResponse(content_type="text/html; charset=utf-8")
    if missed.reset:
        response["Live-Reset"] = "1"
    else:
        response.content = "\n".join(e.data for e in missed.events if e.audience in audiences)
    response["Live-Seq"] = str(missed.latest)
    response["Cache-Control"] = "no-cache, no-store"
    return response


def _deliver(events: list[Event], audiences: frozenset[str]) -> bytes:
    return b"".join(e.wire for e in events if e.audience in audiences)


# ---------------------------------------------------------------------------------------------
# WSGI: one thread per stream, polling the database itself.


def _follow_sync(
    channel: str, audiences: frozenset[str], after: int | None
) -> Iterator[str | bytes]:
    started = time.monotonic()
    deadline = started + _deadline_seconds()
    yield _opening()
    cursor = after
    last_sent = started
    while True:
        missed = backlog(channel, cursor)
        if missed.reset:
            yield _reset(missed.latest)
            last_sent = time.monotonic()
        else:
            chunk = _deliver(missed.events, audiences)
            if chunk:
                yield chunk
                last_sent = time.monotonic()
        cursor = missed.latest
        now = time.monotonic()
        if now >= deadline:
            return
        if now - last_sent >= keepalive_seconds():
            yield _keepalive(cursor)
            last_sent = now
        time.sleep(min(tick_seconds(), max(0.0, deadline - now)))


# ---------------------------------------------------------------------------------------------
# ASGI: one hub per worker process (per event loop) serves every stream in it.


class _Subscriber:
    def __init__(self, channel: str) -> None:
        self.channel = channel
        self.wake = asyncio.Event()


class _Channel:
    def __init__(self) -> None:
        self.known: int | None = None  # latest seq the hub has read; None until first read
        self.buffer: deque[Event] = deque(maxlen=_BUFFER)
        self.subscribers: set[_Subscriber] = set()

    def since(self, cursor: int) -> list[Event] | None:
        """Buffered events after `cursor`, or None when the buffer does not reach back."""
        if self.known is None:
            return None
        if cursor >= self.known:
            return []
        if not self.buffer or self.buffer[0].seq > cursor + 1:
            return None
        return [e for e in self.buffer if e.seq > cursor]


class _Hub:
    """Reads new events once per process and wakes the streams that follow them."""

    def __init__(self) -> None:
        self.channels: dict[str, _Channel] = {}
        self.nudge = asyncio.Event()
        self.task: asyncio.Task | None = None
        self.executor: ThreadPoolExecutor | None = None
        self.queries = 0  # for tests and benchmarks: database reads made by the hub
        self.sqlite_files = _sqlite_files()
        self.sqlite_signature = _files_signature(self.sqlite_files) if self.sqlite_files else None

    # Database work runs on one thread per hub, with its own connection, closed on stop.
    async def db(self, fn, *args):
        if self.executor is None:
            self.executor = ThreadPoolExecutor(1, thread_name_prefix="live-hub")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, fn, *args)

    def subscribe(self, channel: str) -> _Subscriber:
        sub = _Subscriber(channel)
        self.channels.setdefault(channel, _Channel()).subscribers.add(sub)
        if self.task is None or self.task.done():
            self.task = asyncio.get_running_loop().create_task(self._run())
        self.nudge.set()
        return sub

    def unsubscribe(self, sub: _Subscriber) -> None:
        state = self.channels.get(sub.channel)
        if state is None:
            return
        state.subscribers.discard(sub)
        if not state.subscribers:
            del self.channels[sub.channel]

    async def _run(self) -> None:
        postgres = connection.vendor == "postgresql"
        listener = asyncio.get_running_loop().create_task(self._listen()) if postgres else None
        try:
            while self.channels:
                if postgres:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self.nudge.wait(), notify_tick_seconds())
                else:
                    await self._wait_for_sqlite_write()
                self.nudge.clear()
                await self._refresh()
        finally:
            if listener is not None:
                listener.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await listener
            executor, self.executor = self.executor, None
            if executor is not None:
                # Close the thread's connection before the thread goes (a connection left
                # open would count against PostgreSQL's limit until the process ends).
                with contextlib.suppress(Exception):
                    await asyncio.get_running_loop().run_in_executor(
                        executor, connections.close_all
                    )
                executor.shutdown(wait=False)
            # A stream may have subscribed while this loop was winding down.
            if self.channels:
                self.task = asyncio.get_running_loop().create_task(self._run())

    async def _wait_for_sqlite_write(self) -> None:
        """Until the database files change (any commit), a nudge, or the tick is over.

        A commit in WAL mode appends to the -wal file; a stat() of it every
        LIVE_WATCH_SECONDS costs microseconds and no query, so an idle board costs one
        query per tick while a write reaches the streams within about the watch interval.
        A change made by something else than an event only costs one early query.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + tick_seconds()
        watch = watch_seconds()
        while not self.nudge.is_set():
            left = deadline - loop.time()
            if left <= 0:
                return
            if watch <= 0 or self.sqlite_files is None:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.nudge.wait(), left)
                return
            await asyncio.sleep(min(watch, left))
            signature = _files_signature(self.sqlite_files)
            if signature != self.sqlite_signature:
                self.sqlite_signature = signature
                return

    async def _refresh(self) -> None:
        known = {name: state.known for name, state in self.channels.items()}
        if not known:
            return
        try:
            found = await self.db(self._read, known)
        except Exception:
            # A database hiccup must not end every stream: log and try again next tick.
            logger.exception("Live hub could not read new events")
            await self.db(connections.close_all)
            return
        for name, (latest, events) in found.items():
            state = self.channels.get(name)
            if state is None:
                continue
            # The events query may see events committed after the seq query (PostgreSQL reads
            # each statement afresh): what the hub already holds is not buffered twice.
            top = state.known
            if state.buffer:
                top = max(top or 0, state.buffer[-1].seq)
            fresh = [e for e in events if top is None or e.seq > top]
            if top is not None and fresh and fresh[0].seq != top + 1:
                state.buffer.clear()  # more arrived than one read holds: start afresh
            state.buffer.extend(fresh)
            state.known = max(latest, top or 0, fresh[-1].seq if fresh else 0)
            for sub in state.subscribers:
                sub.wake.set()

    def _read(self, known: dict[str, int | None]) -> dict[str, tuple[int, list[Event]]]:
        """In the hub's thread: seqs of every followed channel, new events of changed ones."""
        self.queries += 1
        found: dict[str, tuple[int, list[Event]]] = {}
        rows = LiveChannel.objects.filter(name__in=list(known)).values_list("id", "name", "seq")
        for channel_id, name, seq in rows:
            before = known[name]
            if before is not None and seq <= before:
                continue
            start = max(seq - _BUFFER, before or 0)
            self.queries += 1
            events = LiveEvent.objects.filter(channel_id=channel_id, seq__gt=start).order_by("seq")
            found[name] = (
                seq,
                [Event(*r) for r in events.values_list("seq", "event", "data", "audience")],
            )
        for name, before in known.items():
            if before is None and name not in found:
                found[name] = (0, [])  # no event yet: the channel row appears with the first
        return found

    async def _listen(self) -> None:
        """PostgreSQL: one LISTEN connection per process; every NOTIFY nudges the hub."""
        import psycopg

        params = connection.get_connection_params()
        for key in ("cursor_factory", "context", "prepare_threshold"):
            params.pop(key, None)
        while True:
            try:
                conn = await psycopg.AsyncConnection.connect(**params, autocommit=True)
                async with conn:
                    await conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
                    self.nudge.set()  # anything sent while (re)connecting
                    async for notice in conn.notifies():
                        seq, _, name = notice.payload.partition(":")
                        state = self.channels.get(name)
                        if state is not None and (state.known is None or int(seq) > state.known):
                            self.nudge.set()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("Live hub lost its LISTEN connection; reconnecting")
                await asyncio.sleep(_jitter.uniform(1, 2))


def _sqlite_files() -> tuple[str, str] | None:
    """The SQLite database file and its WAL, or None (PostgreSQL, in-memory databases)."""
    if connection.vendor != "sqlite":
        return None
    name = str(connection.settings_dict["NAME"])
    if name.startswith("file:") or name == ":memory:":
        return None
    return name, name + "-wal"


def _files_signature(paths: tuple[str, ...]) -> tuple:
    signature = []
    for path in paths:
        try:
            st = os.stat(path)
        except OSError:
            signature.append(None)
        else:
            signature.append((st.st_ino, st.st_size, st.st_mtime_ns))
    return tuple(signature)


_hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Hub] = weakref.WeakKeyDictionary()
_hubs_lock = threading.Lock()


def hub() -> _Hub:
    """The hub of the running event loop (one per worker process under uvicorn)."""
    loop = asyncio.get_running_loop()
    with _hubs_lock:
        if loop not in _hubs:
            _hubs[loop] = _Hub()
        return _hubs[loop]


def _release_request_connections() -> None:
    """Close the database connections of the thread that ran the request's sync code.

    Django closes them when the response ends, which for a stream is minutes away: 200 open
    streams would hold 200 idle PostgreSQL connections (past its default limit of 100).
    From here on the stream reads only through the hub's own connection.
    """
    for conn in connections.all(initialized_only=True):
        if not conn.in_atomic_block:
            conn.close()


async def _follow_async(
    channel: str, audiences: frozenset[str], after: int | None
) -> AsyncIterator[str | bytes]:
    # Iteration starts once every middleware is done with the request; thread_sensitive
    # runs this on that request's own thread, whose connections these are.
    await sync_to_async(_release_request_connections, thread_sensitive=True)()
    loop = asyncio.get_running_loop()
    started = loop.time()
    deadline = started + _deadline_seconds()
    the_hub = hub()
    sub = the_hub.subscribe(channel)
    try:
        yield _opening()
        cursor = after
        last_sent = started
        state = the_hub.channels[channel]
        while True:
            events = None if cursor is None else state.since(cursor)
            if events is None or (
                state.known is not None and state.known - cursor > replay_limit()
            ):
                missed = await the_hub.db(backlog, channel, cursor)
                if missed.reset:
                    yield _reset(missed.latest)
                    last_sent = loop.time()
                    events = []
                else:
                    events = missed.events
                cursor = missed.latest if not events else cursor
            if events:
                chunk = _deliver(events, audiences)
                cursor = events[-1].seq
                if chunk:
                    yield chunk
                    last_sent = loop.time()
            now = loop.time()
            if now >= deadline:
                return
            wait = min(deadline, last_sent + keepalive_seconds()) - now
            try:
                await asyncio.wait_for(sub.wake.wait(), max(0.0, wait))
                sub.wake.clear()
            except TimeoutError:
                if loop.time() < deadline:
                    yield _keepalive(cursor)
                    last_sent = loop.time()
    finally:
        the_hub.unsubscribe(sub)
