"""kernel.live: numbered events per channel, audiences, replay, reset, and the SSE stream."""

import asyncio
import threading
from datetime import timedelta

import pytest
from django.db import close_old_connections, connection, transaction
from django.test import AsyncClient, AsyncRequestFactory, RequestFactory

from kernel import live
from kernel.models import LiveChannel, LiveEvent

EVERYONE = {"all"}


def publish(channel: str, data: str, **kwargs) -> int:
    with transaction.atomic():
        return live.publish(channel, data=data, **kwargs)


def parse(stream_text: str) -> list[dict]:
    """SSE text -> one dict per block: id, event, data (joined), comment, retry."""
    blocks = []
    for block in stream_text.split("\n\n"):
        if not block.strip():
            continue
        fields: dict = {}
        for line in block.split("\n"):
            if line.startswith(":"):
                fields["comment"] = line[1:].strip()
                continue
            name, _, value = line.partition(": ")
            if name == "data":
                fields["data"] = fields["data"] + "\n" + value if "data" in fields else value
            else:
                fields[name] = value
        blocks.append(fields)
    return blocks


def messages(blocks: list[dict]) -> list[dict]:
    """The events a page acts on: everything with data but the opening hello."""
    return [b for b in blocks if "data" in b and b.get("event") != "hello"]


@pytest.fixture
def fast(settings):
    settings.LIVE_TICK_SECONDS = 0.02
    settings.LIVE_NOTIFY_TICK_SECONDS = 0.02
    settings.LIVE_KEEPALIVE_SECONDS = 30
    settings.LIVE_STREAM_MAX_SECONDS = 0.4
    return settings


# ---------------------------------------------------------------------------------------------
# publish, latest_seq, events_after


@pytest.mark.django_db
def test_it_numbers_events_per_channel_from_one():
    assert live.latest_seq("board:1") == 0

    assert [publish("board:1", f"<p>{n}</p>") for n in range(3)] == [1, 2, 3]
    assert publish("board:2", "<p>other</p>") == 1

    assert live.latest_seq("board:1") == 3
    assert live.latest_seq("board:2") == 1


@pytest.mark.django_db
def test_it_numbers_a_batch_in_order_after_what_came_before(settings):
    settings.LIVE_KEEP_PER_CHANNEL = 2
    publish("board:1", "<p>before</p>")

    with transaction.atomic():
        last = live.publish_many(
            "board:1",
            [("<p>all</p>", "all", "message"), ("<p>one</p>", "participant:7", "message")]
            + [("<p>again</p>", "watchers", "reset")] * 499,
        )

    assert last == 502
    kept = list(LiveEvent.objects.order_by("seq").values_list("seq", "audience", "event"))
    # Crossing seq 500 trimmed the channel to what it keeps, as one event at a time would.
    assert kept == [(501, "watchers", "reset"), (502, "watchers", "reset")]
    with transaction.atomic():
        assert live.publish_many("board:1", []) == 502
        with pytest.raises(ValueError):
            live.publish_many("board:1", [("<p>x</p>", "all\nid: 9", "message")])


@pytest.mark.django_db(transaction=True)
def test_it_refuses_to_publish_outside_a_transaction():
    with pytest.raises(RuntimeError):
        live.publish("board:1", data="<p>x</p>")

    assert not LiveEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("channel", "audience", "event"),
    [("Board 1", "all", "message"), ("board:1", "all\nid: 9", "message"), ("board:1", "all", "")],
)
def test_it_refuses_names_that_would_break_the_stream(channel, audience, event):
    with pytest.raises(ValueError), transaction.atomic():
        live.publish(channel, data="<p>x</p>", audience=audience, event=event)


@pytest.mark.django_db
def test_it_forgets_an_event_whose_write_rolled_back():
    publish("board:1", "<p>kept</p>")

    with pytest.raises(ZeroDivisionError), transaction.atomic():
        live.publish("board:1", data="<p>lost</p>")
        1 / 0  # noqa: B018

    assert publish("board:1", "<p>next</p>") == 2
    assert [e.data for e in live.events_after("board:1", 0, EVERYONE)] == [
        "<p>kept</p>",
        "<p>next</p>",
    ]


@pytest.mark.django_db
def test_it_gives_each_audience_only_its_events():
    publish("board:1", "everyone")
    publish("board:1", "facilitators only", audience="facilitators")
    publish("board:1", "ann's private note", audience="participant:1")
    publish("board:1", "bob's private note", audience="participant:2")

    ann = live.events_after("board:1", 0, {"all", "participant:1"})
    facilitator = live.events_after("board:1", 0, {"all", "facilitators"})

    assert [(e.seq, e.data) for e in ann] == [(1, "everyone"), (3, "ann's private note")]
    assert [e.data for e in facilitator] == ["everyone", "facilitators only"]
    assert [e.seq for e in live.events_after("board:1", 1, EVERYONE | {"participant:2"})] == [4]
    assert len(live.events_after("board:1", 0, {"all", "facilitators"}, limit=1)) == 1


@pytest.mark.django_db(transaction=True)
def test_it_numbers_concurrent_publishers_without_gaps_or_repeats():
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith("file:"):
        # In-memory test databases lock whole tables between threads instead of waiting.
        pytest.skip("needs a database file or PostgreSQL")
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(20):
                publish("board:9", f"<p>{n}-{i}</p>")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    seqs = list(LiveEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, 101))
    assert LiveChannel.objects.get(name="board:9").seq == 100


# ---------------------------------------------------------------------------------------------
# backlog, prune


@pytest.mark.django_db
def test_it_replays_what_a_follower_missed(settings):
    for n in range(5):
        publish("board:1", f"<p>{n}</p>")

    missed = live.backlog("board:1", 2)

    assert not missed.reset
    assert missed.latest == 5
    assert [e.seq for e in missed.events] == [3, 4, 5]
    assert live.backlog("board:1", 5).events == []


@pytest.mark.django_db
@pytest.mark.parametrize("after", [None, 0, 9])
def test_it_resets_a_follower_it_cannot_bring_up_to_date(settings, after):
    """No position, too far behind (limit 3 of 4 missed), or ahead of the channel."""
    settings.LIVE_REPLAY_LIMIT = 3
    for n in range(4):
        publish("board:1", f"<p>{n}</p>")

    missed = live.backlog("board:1", after)

    assert missed.reset
    assert missed.latest == 4
    assert missed.events == []


@pytest.mark.django_db
def test_it_prunes_old_events_and_resets_followers_behind_them():
    for n in range(10):
        publish("board:1", f"<p>{n}</p>")
    publish("board:2", "<p>young</p>")
    LiveEvent.objects.filter(channel__name="board:2").update(
        created_at=live.timezone.now() - timedelta(days=2)
    )

    deleted = live.prune(keep_per_channel=4, max_age=timedelta(days=1))

    assert deleted == 7
    assert [e.seq for e in live.events_after("board:1", 0, EVERYONE)] == [7, 8, 9, 10]
    assert live.backlog("board:1", 5).reset
    assert [e.seq for e in live.backlog("board:1", 6).events] == [7, 8, 9, 10]


# ---------------------------------------------------------------------------------------------
# The polling fallback


@pytest.mark.django_db
def test_it_answers_a_poll_with_the_fragments_after_its_position():
    publish("board:1", "<p id='a'>1</p>")
    publish("board:1", "<p id='b'>2</p>", audience="participant:2")
    publish("board:1", "<p id='c'>3</p>")
    request = RequestFactory().get("/poll/", {"after": "1"})

    response = live.poll_response(request, channel="board:1", audiences={"all"})

    assert response.status_code == 200
    assert response.content.decode() == "<p id='c'>3</p>"
    assert response["Live-Seq"] == "3"
    assert "Live-Reset" not in response
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
@pytest.mark.parametrize("query", [{}, {"after": "x"}, {"after": "-1"}, {"after": "99"}])
def test_it_tells_a_poller_without_a_usable_position_to_reset(query):
    publish("board:1", "<p>1</p>")
    request = RequestFactory().get("/poll/", query)

    response = live.poll_response(request, channel="board:1", audiences={"all"})

    assert response["Live-Reset"] == "1"
    assert response["Live-Seq"] == "1"
    assert response.content == b""


# ---------------------------------------------------------------------------------------------
# The stream under WSGI (a generator polling the database)


@pytest.mark.django_db(transaction=True)
def test_it_streams_with_headers_that_no_cache_or_proxy_holds_back(fast):
    request = RequestFactory().get("/stream/", {"after": "0"})

    response = live.stream_response(request, channel="board:1", audiences={"all"})

    assert response.streaming
    assert response["Content-Type"] == "text/event-stream"
    assert response["X-Accel-Buffering"] == "no"
    assert response["Cache-Control"] == "no-cache, no-store"
    response.close()


@pytest.mark.django_db(transaction=True)
def test_it_replays_after_last_event_id_then_ends_within_its_lifetime(fast):
    for n in range(4):
        publish("board:1", f"<p>{n}</p>")
    publish("board:1", "<p>secret</p>", audience="participant:2")
    request = RequestFactory().get("/stream/", {"after": "0"}, HTTP_LAST_EVENT_ID="2")

    response = live.stream_response(request, channel="board:1", audiences={"all"})
    blocks = parse(b"".join(response.streaming_content).decode())  # ends by itself

    assert 1000 <= int(blocks[0]["retry"]) <= 5000
    assert blocks[0]["event"] == "hello"
    assert [(b["id"], b["data"]) for b in messages(blocks)] == [
        ("3", "<p>2</p>"),
        ("4", "<p>3</p>"),
    ]


@pytest.mark.django_db(transaction=True)
def test_it_sends_a_reset_to_a_stream_opened_without_a_position(fast):
    publish("board:1", "<p>1</p>")
    request = RequestFactory().get("/stream/")

    response = live.stream_response(request, channel="board:1", audiences={"all"})
    blocks = messages(parse(b"".join(response.streaming_content).decode()))

    assert blocks == [{"id": "1", "event": "reset", "data": "1"}]


@pytest.mark.django_db(transaction=True)
def test_it_sends_keepalives_that_carry_the_position(fast):
    fast.LIVE_KEEPALIVE_SECONDS = 0.1
    publish("board:1", "<p>1</p>")
    publish("board:1", "<p>for someone else</p>", audience="participant:2")
    request = RequestFactory().get("/stream/", {"after": "1"})

    response = live.stream_response(request, channel="board:1", audiences={"all"})
    blocks = parse(b"".join(response.streaming_content).decode())

    keepalives = [b for b in blocks if b.get("comment") == "keepalive"]
    assert keepalives
    assert keepalives[0]["id"] == "2"
    assert messages(blocks) == []


def test_it_writes_multi_line_fragments_as_one_event():
    text = live._format(seq=7, event="notes", data="<li>\n  one\r\n</li>")

    assert parse(text) == [{"id": "7", "event": "notes", "data": "<li>\n  one\n</li>"}]
    assert text.endswith("\n\n")


# ---------------------------------------------------------------------------------------------
# The stream under ASGI (the hub)


async def _read(response, *, until, timeout: float = 5.0) -> list[dict]:
    """Read a streaming response until `until(blocks)` holds or the stream ends."""
    text = ""
    iterator = aiter(response.streaming_content)
    try:
        async with asyncio.timeout(timeout):
            async for chunk in iterator:
                text += chunk.decode()
                if until(parse(text)):
                    break
    finally:
        await iterator.aclose()
    return parse(text)


async def publish_elsewhere(channel: str, data: str, **kwargs) -> int:
    """Publish from another thread while streams follow, as a request in a thread would.

    On the in-memory SQLite of the tests, two threads' connections lock tables instead of
    waiting for each other, so there it runs on the hub's database thread.
    """
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith("file:"):
        return await live.hub().db(lambda: publish(channel, data, **kwargs))

    def in_thread() -> int:
        try:
            return publish(channel, data, **kwargs)
        finally:
            connection.close()

    return await asyncio.to_thread(in_thread)


def asgi_get(query: dict | None = None, **headers):
    return AsyncRequestFactory().get("/stream/", query or {}, **headers)


@pytest.mark.django_db(transaction=True)
def test_it_follows_new_events_through_the_hub(fast):
    fast.LIVE_STREAM_MAX_SECONDS = 10
    publish("board:1", "<p>before</p>")

    async def scenario():
        response = live.stream_response(
            asgi_get({"after": "1"}), channel="board:1", audiences={"all", "participant:1"}
        )
        reading = asyncio.create_task(_read(response, until=lambda b: len(messages(b)) >= 2))
        await asyncio.sleep(0.1)
        await publish_elsewhere("board:1", "<p>not mine</p>", audience="participant:2")
        await publish_elsewhere("board:1", "<p>mine</p>", audience="participant:1")
        await publish_elsewhere("board:1", "<p>everyone's</p>")
        return await reading

    blocks = asyncio.run(scenario())

    assert [(b["id"], b["data"]) for b in messages(blocks)] == [
        ("3", "<p>mine</p>"),
        ("4", "<p>everyone's</p>"),
    ]


@pytest.mark.django_db(transaction=True)
def test_it_reads_once_per_tick_for_every_stream_of_a_process(fast):
    fast.LIVE_STREAM_MAX_SECONDS = 10
    fast.LIVE_TICK_SECONDS = fast.LIVE_NOTIFY_TICK_SECONDS = 0.1
    publish("board:1", "<p>0</p>")

    async def scenario():
        responses = [
            live.stream_response(asgi_get({"after": "1"}), channel="board:1", audiences={"all"})
            for _ in range(50)
        ]
        readers = [
            asyncio.create_task(_read(r, until=lambda b: len(messages(b)) >= 1)) for r in responses
        ]
        await asyncio.sleep(0.3)
        hub = live.hub()
        queries_before = hub.queries
        await asyncio.sleep(1.0)
        idle_queries = hub.queries - queries_before
        await publish_elsewhere("board:1", "<p>1</p>")
        results = await asyncio.gather(*readers)
        return idle_queries, results

    idle_queries, results = asyncio.run(scenario())

    # About ten ticks in a second, one query each, whatever the number of streams.
    assert 5 <= idle_queries <= 12
    assert all([b["data"] for b in messages(r)] == ["<p>1</p>"] for r in results)


@pytest.mark.django_db(transaction=True)
def test_it_resets_a_hub_stream_that_falls_too_far_behind(fast):
    fast.LIVE_REPLAY_LIMIT = 3
    for n in range(5):
        publish("board:1", f"<p>{n}</p>")

    async def scenario():
        response = live.stream_response(
            asgi_get(HTTP_LAST_EVENT_ID="1"), channel="board:1", audiences={"all"}
        )
        return await _read(response, until=lambda b: bool(messages(b)))

    blocks = asyncio.run(scenario())

    assert messages(blocks) == [{"id": "5", "event": "reset", "data": "5"}]


@pytest.mark.django_db(transaction=True)
def test_it_ends_a_hub_stream_after_its_lifetime_with_keepalives_before(fast):
    fast.LIVE_KEEPALIVE_SECONDS = 0.05
    fast.LIVE_STREAM_MAX_SECONDS = 0.5
    publish("board:1", "<p>1</p>")

    async def scenario():
        response = live.stream_response(
            asgi_get({"after": "1"}), channel="board:1", audiences=EVERYONE
        )
        started = asyncio.get_running_loop().time()
        blocks = await _read(response, until=lambda b: False)
        return blocks, asyncio.get_running_loop().time() - started, live.hub()

    blocks, elapsed, hub = asyncio.run(scenario())

    assert 0.4 <= elapsed < 2
    assert sum(b.get("comment") == "keepalive" for b in blocks) >= 3
    assert hub.channels == {}


@pytest.mark.django_db(transaction=True)
def test_it_lets_go_of_a_stream_whose_client_left(fast):
    fast.LIVE_STREAM_MAX_SECONDS = 10

    async def scenario():
        response = live.stream_response(
            asgi_get({"after": "0"}), channel="board:1", audiences=EVERYONE
        )
        iterator = aiter(response.streaming_content)
        await anext(iterator)  # hello
        hub = live.hub()
        assert set(hub.channels) == {"board:1"}
        await iterator.aclose()  # what Django does when the client disconnects
        return hub

    hub = asyncio.run(scenario())

    assert hub.channels == {}


# ---------------------------------------------------------------------------------------------
# Served over ASGI (config/asgi.py): sync views and static files keep working


@pytest.mark.django_db(transaction=True)
def test_it_serves_sync_pages_and_static_files_over_asgi(settings):
    settings.WHITENOISE_USE_FINDERS = True  # the files are not collected in tests

    async def scenario():
        client = AsyncClient()
        return [
            await client.get("/healthz"),
            await client.get("/accounts/login/"),
            await client.get("/static/js/live.js"),
        ]

    health, login, script = asyncio.run(scenario())

    assert health.status_code == 200
    assert login.status_code == 200
    assert b"<form" in login.content
    assert "Content-Security-Policy" in login
    assert script.status_code == 200
    assert b"createEventSource" in b"".join(
        [script.content] if not script.streaming else list(script.streaming_content)
    )


@pytest.mark.django_db(transaction=True)
def test_it_wakes_hub_streams_by_notify_on_postgresql(fast):
    if connection.vendor != "postgresql":
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's")
    fast.LIVE_STREAM_MAX_SECONDS = 30
    fast.LIVE_NOTIFY_TICK_SECONDS = 30  # so only a notification can deliver in time
    publish("board:1", "<p>0</p>")

    async def scenario():
        response = live.stream_response(
            asgi_get({"after": "1"}), channel="board:1", audiences=EVERYONE
        )
        reading = asyncio.create_task(_read(response, until=lambda b: bool(messages(b))))
        await asyncio.sleep(0.5)  # the hub's first read and its LISTEN
        loop = asyncio.get_running_loop()
        sent = loop.time()
        await publish_elsewhere("board:1", "<p>1</p>")
        blocks = await reading
        return blocks, loop.time() - sent

    blocks, delay = asyncio.run(scenario())

    assert [b["data"] for b in messages(blocks)] == ["<p>1</p>"]
    assert delay < 2


def test_it_wakes_an_sqlite_hub_when_the_database_files_change(tmp_path, settings):
    settings.LIVE_TICK_SECONDS = 5
    settings.LIVE_WATCH_SECONDS = 0.01
    database = tmp_path / "db.sqlite3"
    database.write_bytes(b"")

    async def scenario():
        hub = live._Hub()
        hub.sqlite_files = (str(database), f"{database}-wal")
        hub.sqlite_signature = live._files_signature(hub.sqlite_files)
        loop = asyncio.get_running_loop()
        loop.call_later(0.2, (tmp_path / "db.sqlite3-wal").write_bytes, b"a commit")
        started = loop.time()
        await hub._wait_for_sqlite_write()
        return loop.time() - started

    assert 0.15 <= asyncio.run(scenario()) < 1


@pytest.mark.django_db(transaction=True)
def test_it_releases_the_request_threads_connection_once_the_stream_starts(fast, monkeypatch):
    """An open stream must not hold a database connection: 200 would exhaust PostgreSQL."""
    from asgiref.sync import ThreadSensitiveContext, sync_to_async

    fast.LIVE_STREAM_MAX_SECONDS = 10
    released_on = []
    release = live._release_request_connections
    monkeypatch.setattr(
        live,
        "_release_request_connections",
        lambda: (released_on.append(threading.get_ident()), release()),
    )

    def view_work() -> int:
        LiveChannel.objects.count()  # the request's own queries (session, access check)
        return threading.get_ident()

    async def scenario():
        async with ThreadSensitiveContext():
            request_thread = await sync_to_async(view_work)()
            response = live.stream_response(
                asgi_get({"after": "0"}), channel="b:1", audiences=EVERYONE
            )
            iterator = aiter(response.streaming_content)
            await anext(iterator)
            still_open = await sync_to_async(lambda: connection.connection is not None)()
            await iterator.aclose()
            return request_thread, still_open

    request_thread, still_open = asyncio.run(scenario())

    assert released_on == [request_thread]
    if connection.vendor == "postgresql":  # Django never closes in-memory SQLite connections
        assert not still_open


def test_it_never_buffers_an_event_twice_when_reads_overlap():
    """The events query can see events newer than the seq read just before it."""
    event = [
        live.Event(seq=n, event="message", data=f"<p>{n}</p>", audience="all") for n in range(6)
    ]
    reads = iter([{"board:1": (2, event[1:5])}, {"board:1": (5, event[3:6])}])

    async def scenario():
        hub = live._Hub()
        hub.channels["board:1"] = live._Channel()
        hub._read = lambda known: next(reads)
        await hub._refresh()
        await hub._refresh()
        state = hub.channels["board:1"]
        hub.executor.shutdown()
        return state

    state = asyncio.run(scenario())

    assert [e.seq for e in state.buffer] == [1, 2, 3, 4, 5]
    assert state.known == 5
    assert [e.seq for e in state.since(2)] == [3, 4, 5]


@pytest.mark.django_db
def test_it_trims_a_busy_channel_as_it_publishes(settings, monkeypatch):
    settings.LIVE_KEEP_PER_CHANNEL = 3
    monkeypatch.setattr(live, "_TRIM_EVERY", 5)

    for n in range(12):
        publish("board:1", f"<p>{n}</p>")

    assert [e.seq for e in live.events_after("board:1", 0, EVERYONE)] == [8, 9, 10, 11, 12]


@pytest.mark.django_db
def test_it_prunes_from_the_command_line():
    from io import StringIO

    from django.core.management import call_command

    for n in range(5):
        publish("board:1", f"<p>{n}</p>")
    out = StringIO()

    call_command("prune_live_events", "--keep", "2", stdout=out)

    assert out.getvalue().strip() == "Deleted 3 live events."
    assert [e.seq for e in live.events_after("board:1", 0, EVERYONE)] == [4, 5]
