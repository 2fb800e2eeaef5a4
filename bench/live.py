"""Load benchmark of the live boards: 200 participants holding streams while notes are posted.

Run `bash bench/live.sh` (or `make bench-live`); bench/README.md explains the figures. Loopback
only, bounded in time, and it cleans up after itself: a throwaway SQLite file (or a throwaway
PostgreSQL database with BENCH_LIVE_DB=postgres), gunicorn with uvicorn workers as `make run`
serves the app, and the clients in this one asyncio process.

Phases:
 1. prepare the database (migrate, demo data) and a live workshop board with public writing;
 2. start the server; each participant joins by the workshop's code through the real join
    page, from one of several loopback addresses (the join page allows 20 joins per address);
 3. every participant opens the board's event stream;
 4. idle: server CPU with every stream open and nothing happening, then wrk on /healthz;
 5. load: notes posted at a steady rate through the board's real note form (round robin over
    participants, under the per-participant note limit), or with --source publish by a
    separate process calling kernel.live.publish against the same database; every client
    notes when each note reaches it;
 6. report: latency from posting to receipt (p50/p95/max over every receipt), receipts of
    receipts expected, server CPU and memory, errors;
 7. a phase change: the facilitator moves the board on (a separate process calling the
    service, which renders the board once for everyone, once for the facilitators and each
    person's own notes, in its transaction); reported as the time that transaction took and
    the time from its commit until each participant's stream has brought both the board and,
    for those who wrote notes, their own copy of them (or, after a reset, the board fetched
    again as live.js does).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, bench/ comes first on the path, where other benchmarks' modules (such as
# bench/champions.py) would hide the apps of the same name.
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
MARK = re.compile(rb"bench n=(\d+) t=(\d+\.\d+)")
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


# ---------------------------------------------------------------------------------------------
# Roles run in child processes with Django set up: preparing the board, publishing events.


def role_setup() -> None:
    """Create a live workshop board on the demo organisation and print what clients need."""
    import django

    django.setup()
    from datetime import date
    from datetime import time as dtime

    from organisations.access import Actor
    from organisations.models import Membership, Organisation
    from workshops import board, services
    from workshops.models import Activity
    from workshops.services import WorkshopDetails

    organisation = Organisation.objects.get(slug="acme")
    membership = Membership.objects.select_related("user", "organisation").get(
        organisation=organisation, user__email="facilitator@acme.example"
    )
    workshop = services.workshop_create(
        organisation=organisation,
        actor=Actor(organisation=organisation, membership=membership),
        details=WorkshopDetails(
            title="Bench: 200 people on one board",
            format="remote",
            session_dates=[date(2026, 12, 1 + i) for i in range(4)],
            starts_at=dtime(13, 30),
            ends_at=dtime(17, 0),
            time_zone="Europe/London",
        ),
    )
    activity = workshop.activities.get(key="hopes_and_concerns")
    # Public writing: every note goes to the audience "all", so every participant gets it.
    Activity.objects.filter(pk=activity.pk).update(private_writing=False)
    activity.refresh_from_db()
    services.activity_start(activity=activity)
    print(
        json.dumps(
            {
                "code": workshop.join_code,
                "zone": activity.zones.order_by("pk").first().pk,
                "channel": board.channel(activity),
                "activity": activity.pk,
            }
        )
    )


def role_publish(channel: str, count: int, rate: float) -> None:
    """Publish `count` events at `rate` per second, each marked with its send time."""
    import django

    django.setup()
    from django.db import transaction

    from kernel import live

    start = time.monotonic()
    for n in range(count):
        delay = start + n / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        with transaction.atomic():
            live.publish(channel, data=f"<li id='n{n}'>bench n={n} t={time.time():.6f}</li>")


def role_phase(activity_id: int) -> None:
    """Move the board to its next phase as a facilitator would, and print when."""
    import django

    django.setup()
    from workshops import services
    from workshops.models import Activity

    activity = Activity.objects.get(pk=activity_id)
    phase = {"write": "reveal"}.get(activity.phase, "write")
    started = time.monotonic()
    services.phase_set(activity=activity, phase=phase, base_version=activity.version)
    # Committed: from here on every stream may carry the board pushed for the new phase.
    print(json.dumps({"at": time.time(), "took": time.monotonic() - started}))


# ---------------------------------------------------------------------------------------------
# A minimal HTTP/1.1 client on asyncio streams (no dependency), enough for this benchmark.


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def cookies(self) -> dict[str, str]:
        found = {}
        for key, value in self.headers:
            if key.lower() == "set-cookie":
                pair = value.split(";", 1)[0]
                name, _, val = pair.partition("=")
                found[name.strip()] = val.strip()
        return found


async def _read_head(reader: asyncio.StreamReader) -> tuple[int, list[tuple[str, str]]]:
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("connection closed before a response")
    status = int(status_line.split()[1])
    headers = []
    while True:
        line = (await reader.readline()).decode("latin-1").rstrip("\r\n")
        if not line:
            return status, headers
        key, _, value = line.partition(":")
        headers.append((key.strip(), value.strip()))


async def _chunks(reader: asyncio.StreamReader):
    """The pieces of a chunked body as they arrive."""
    while True:
        size_line = await reader.readline()
        if not size_line:
            return
        size = int(size_line.split(b";")[0].strip() or b"0", 16)
        if size == 0:
            await reader.readline()
            return
        data = await reader.readexactly(size)
        await reader.readexactly(2)
        yield data


class Http:
    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port

    async def open(self, source: str):
        return await asyncio.open_connection(self.host, self.port, local_addr=(source, 0))

    def head(self, method: str, path: str, headers: dict[str, str], body: bytes = b"") -> bytes:
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        if body or method == "POST":
            lines.append(f"Content-Length: {len(body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body

    async def request(
        self,
        method: str,
        path: str,
        *,
        source: str = "127.0.0.1",
        cookies: dict[str, str] | None = None,
        form: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        all_headers = {"Connection": "close", **(headers or {})}
        if cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        body = b""
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        reader, writer = await self.open(source)
        try:
            writer.write(self.head(method, path, all_headers, body))
            await writer.drain()
            status, resp_headers = await _read_head(reader)
            response = Response(status, resp_headers, b"")
            if (response.header("Transfer-Encoding") or "").lower() == "chunked":
                response.body = b"".join([c async for c in _chunks(reader)])
            elif (length := response.header("Content-Length")) is not None:
                response.body = await reader.readexactly(int(length))
            else:
                response.body = await reader.read()
            return response
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()


# ---------------------------------------------------------------------------------------------
# Participants


@dataclass
class Participant:
    index: int
    source: str
    cookies: dict[str, str] = field(default_factory=dict)
    board: str = ""
    after: int = 0
    received: dict[int, float] = field(default_factory=dict)  # note -> latency in seconds
    duplicates: int = 0
    resets: int = 0
    wrote: bool = False  # posted a note: their own copy of it comes after everyone's board
    pushed_board: bool = False  # the board pushed after the phase change has come
    pushed_own: bool = False  # ... and this person's own notes
    refetched: float | None = None  # when the board after the phase change was complete
    connected: asyncio.Event = field(default_factory=asyncio.Event)
    error: str = ""


async def join(http: Http, code: str, person: Participant) -> None:
    path = f"/join/{code}/"
    first = await http.request("GET", path, source=person.source)
    person.cookies.update(first.cookies())
    token = person.cookies.get("csrftoken", "")
    joined = await http.request(
        "POST",
        path,
        source=person.source,
        cookies=person.cookies,
        form={"csrfmiddlewaretoken": token, "display_name": f"Bench person {person.index}"},
        headers={"Referer": f"http://{http.host}:{http.port}{path}"},
    )
    person.cookies.update(joined.cookies())
    location = joined.header("Location") or ""
    if joined.status != 302 or "/board/" not in location:
        raise RuntimeError(f"join answered {joined.status} {location!r}: {joined.body[:200]!r}")
    person.board = urllib.parse.urlsplit(location).path
    # The stream starts where the board page was rendered, as a browser's would.
    page = await http.request("GET", person.board, source=person.source, cookies=person.cookies)
    found = re.search(rb"stream/\?after=(\d+)", page.body)
    if page.status != 200 or not found:
        raise RuntimeError(f"board page answered {page.status} without a stream link")
    person.after = int(found.group(1))


PHASE_CHANGE: dict[str, float] = {}
REFETCHES: list[asyncio.Task] = []


async def refetch(http: Http, person: Participant) -> None:
    """What live.js does on a reset: fetch the board again."""
    try:
        page = await http.request("GET", person.board, source=person.source, cookies=person.cookies)
    except (ConnectionError, OSError, asyncio.IncompleteReadError) as exc:
        person.error = f"board fetch after the phase change failed: {exc!r}"
        return
    if page.status == 200:
        # When; the time of the change itself is known once its process has said so.
        person.refetched = time.time()
    else:
        person.error = f"board fetch after the phase change answered {page.status}"


async def follow(http: Http, person: Participant, opening: asyncio.Semaphore) -> None:
    """Hold the board's stream; note when each marked note arrives.

    `opening` bounds how many streams are being opened at once, until their first event (by
    then the server has given back the request's database connection): people arrive over
    a minute, not in one instant, and PostgreSQL allows 100 connections by default.
    """
    writer = None
    try:
        async with opening:
            reader, writer = await http.open(person.source)
            cookie = "; ".join(f"{k}={v}" for k, v in person.cookies.items())
            writer.write(
                http.head(
                    "GET",
                    f"{person.board}stream/?after={person.after}",
                    {"Accept": "text/event-stream", "Cookie": cookie},
                )
            )
            await writer.drain()
            status, _ = await _read_head(reader)
            if status != 200:
                person.error = f"stream answered HTTP {status}"
                return
            chunks = _chunks(reader)
            buffer = await anext(chunks)
            person.connected.set()
        async for chunk in chunks:
            now = time.time()
            buffer += chunk
            *blocks, buffer = buffer.split(b"\n\n")
            for block in blocks:
                if "at" in PHASE_CHANGE and person.refetched is None:
                    person.pushed_board = person.pushed_board or b'id="board-zones"' in block
                    person.pushed_own = person.pushed_own or b"note--mine" in block
                    if person.pushed_board and (person.pushed_own or not person.wrote):
                        person.refetched = now
                if b"event: reset" in block:
                    if "at" in PHASE_CHANGE:
                        REFETCHES.append(asyncio.create_task(refetch(http, person)))
                    else:
                        person.resets += 1
                if "at" in PHASE_CHANGE:
                    continue  # the pushed board shows every note again: not a receipt
                # A fragment may show a note's text twice (the note and its edit form).
                for n, sent_at in {int(m[1]): float(m[2]) for m in MARK.finditer(block)}.items():
                    if n in person.received:
                        person.duplicates += 1
                    else:
                        person.received[n] = now - sent_at
        person.error = "stream ended early"
    except StopAsyncIteration:
        person.error = "stream ended before its first event"
    except (ConnectionError, OSError, asyncio.IncompleteReadError) as exc:
        person.error = f"stream failed: {exc!r}"
    finally:
        if writer is not None:
            writer.close()


# ---------------------------------------------------------------------------------------------
# The server and its cost


def server_pids(master: int) -> list[int]:
    pids = [master]
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError):
                stat = Path(f"/proc/{entry}/stat").read_text()
                if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                    pids.append(int(entry))
    return pids


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLK_TCK


def rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_SIZE
    return total / 2**20


async def measure_cpu(pids: list[int], seconds: float) -> float:
    """Share of one core the server used over `seconds`."""
    before, started = cpu_seconds(pids), time.monotonic()
    await asyncio.sleep(seconds)
    return (cpu_seconds(pids) - before) / (time.monotonic() - started)


async def wrk(url: str, seconds: int) -> str:
    proc = await asyncio.create_subprocess_exec(
        "wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", url,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    out, _ = await proc.communicate()
    text = out.decode()
    rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
    p50 = re.search(r"^\s*50%\s+(\S+)", text, re.MULTILINE)
    p99 = re.search(r"^\s*99%\s+(\S+)", text, re.MULTILINE)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    return (
        f"{float(rps.group(1)) if rps else 0:.0f} req/s, p50 {p50.group(1) if p50 else '?'}, "
        f"p99 {p99.group(1) if p99 else '?'}, non-2xx {non2xx.group(1) if non2xx else 0}"
    )


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


# ---------------------------------------------------------------------------------------------


async def bench(args, env: dict[str, str], master: int, setup: dict) -> int:
    http = Http("127.0.0.1", args.port)
    pids = server_pids(master)
    print(f"server: gunicorn master {master}, workers {pids[1:]}")
    code = setup["code"]
    # The join page allows 20 joins per address in 10 minutes: 15 people per loopback address.
    people = [Participant(i, f"127.0.0.{2 + i // 15}") for i in range(args.clients)]
    load_before = os.getloadavg()
    started = time.monotonic()
    semaphore = asyncio.Semaphore(8)

    async def join_one(person):
        async with semaphore:
            await join(http, code, person)

    await asyncio.gather(*(join_one(p) for p in people))
    print(f"joined: {len(people)} participants in {time.monotonic() - started:.1f}s")

    opening = asyncio.Semaphore(args.opening)
    followers = [asyncio.create_task(follow(http, p, opening)) for p in people]
    try:
        async with asyncio.timeout(60):
            await asyncio.gather(*(p.connected.wait() for p in people))
    except TimeoutError:
        failed = [p.error for p in people if not p.connected.is_set()]
        print(f"streams: only {len(people) - len(failed)} opened; e.g. {failed[:3]}")
        for task in followers:
            task.cancel()
        return 1
    print(f"streams: {len(people)} open after {time.monotonic() - started:.1f}s")
    await asyncio.sleep(2)  # the join and open bursts settle
    pids = server_pids(master)

    idle = await measure_cpu(pids, args.idle_seconds)
    idle_rss = rss_mb(pids)
    print(
        f"idle with {len(people)} streams: server CPU {idle * 100:.1f}% of a core "
        f"({idle * 1000 / len(people):.2f} ms of CPU per second per participant), "
        f"RSS {idle_rss:.0f} MB"
    )
    health = await wrk(f"http://127.0.0.1:{args.port}/healthz", args.wrk_seconds)
    print(f"/healthz with {len(people)} streams open: {health}")

    # Load: notes at a steady rate.
    sent: dict[int, float] = {}
    post_errors: list[str] = []
    cpu_before, load_started = cpu_seconds(pids), time.monotonic()
    peak_rss = 0.0
    count = int(args.rate * args.seconds)

    post_seconds: list[float] = []

    async def post(n: int) -> None:
        person = people[n % len(people)]
        text = f"bench n={n} t={time.time():.6f}"
        sent[n] = time.time()
        response = await http.request(
            "POST",
            person.board + "notes/",
            source=person.source,
            cookies=person.cookies,
            form={"zone": str(setup["zone"]), "text": text},
            headers={
                "X-CSRFToken": person.cookies.get("csrftoken", ""),
                "HX-Request": "true",
                "Referer": f"http://127.0.0.1:{args.port}{person.board}",
            },
        )
        post_seconds.append(time.time() - sent[n])
        person.wrote = person.wrote or response.status < 400
        if response.status >= 400:
            sent.pop(n, None)
            post_errors.append(f"HTTP {response.status}")

    publisher = None
    if args.source == "publish":
        publisher = await asyncio.create_subprocess_exec(
            sys.executable, __file__, "--role", "publish", "--channel", setup["channel"],
            "--count", str(count), "--rate", str(args.rate), env=env,
        )  # fmt: skip
        for n in range(count):
            sent[n] = 0.0
        while publisher.returncode is None:
            peak_rss = max(peak_rss, rss_mb(pids))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(publisher.wait(), 1)
        if publisher.returncode != 0:
            post_errors.append(f"publisher exited {publisher.returncode}")
    else:
        tasks = []
        for n in range(count):
            delay = load_started + n / args.rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(post(n)))
            if n % max(1, int(args.rate)) == 0:
                peak_rss = max(peak_rss, rss_mb(pids))
        await asyncio.gather(*tasks, return_exceptions=True)
    load_elapsed = time.monotonic() - load_started
    load_cpu = (cpu_seconds(pids) - cpu_before) / load_elapsed

    # Wait for the last notes to arrive everywhere (bounded).
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if all(len(p.received) >= len(sent) for p in people):
            break
        await asyncio.sleep(0.25)

    # A phase change: every page gets the board pushed, and its own notes (bounded).
    cpu_before, phase_started = cpu_seconds(pids), time.monotonic()
    PHASE_CHANGE["at"] = time.time()
    changer = await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--role", "phase", "--activity", str(setup["activity"]),
        env=env, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, _ = await changer.communicate()
    change_took = float("nan")
    if changer.returncode == 0:
        PHASE_CHANGE["at"] = json.loads(out)["at"]
        change_took = json.loads(out)["took"]
    else:
        post_errors.append(f"phase change exited {changer.returncode}")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not all(p.refetched is not None for p in people):
        await asyncio.sleep(0.1)
    await asyncio.gather(*REFETCHES, return_exceptions=True)
    phase_cpu = cpu_seconds(pids) - cpu_before
    phase_elapsed = time.monotonic() - phase_started
    refetched = [p.refetched - PHASE_CHANGE["at"] for p in people if p.refetched is not None]

    for task in followers:
        task.cancel()
    await asyncio.gather(*followers, return_exceptions=True)

    latencies = [lat for p in people for n, lat in p.received.items() if n in sent]
    expected = len(sent) * len(people)
    delivered = sum(1 for p in people for n in p.received if n in sent)
    stream_errors = [p.error for p in people if p.error and "phase change" not in p.error]
    refetch_errors = [p.error for p in people if "phase change" in p.error]
    ms = 1000
    failed = sorted(set(post_errors))[:3]
    resets = sum(p.resets for p in people)
    duplicates = sum(p.duplicates for p in people)
    lines = [
        f"==== {args.db}, {args.workers} workers, {len(people)} participants, "
        f"source {args.source}; load average before {load_before[0]:.1f}, "
        f"after {os.getloadavg()[0]:.1f} (other work on this machine)",
        f"notes: {count} at {args.rate:g}/s over {load_elapsed:.1f}s; "
        f"failed posts: {len(post_errors)} {failed}",
        f"delivered: {delivered} of {expected} "
        f"({delivered / expected * 100 if expected else 0:.2f}%), "
        f"duplicates {duplicates}, resets {resets}",
        f"latency post to receipt: p50 {percentile(latencies, 0.5) * ms:.0f} ms, "
        f"p95 {percentile(latencies, 0.95) * ms:.0f} ms, "
        f"p99 {percentile(latencies, 0.99) * ms:.0f} ms, "
        f"max {max(latencies, default=float('nan')) * ms:.0f} ms",
        f"the post request itself: p50 {percentile(post_seconds, 0.5) * ms:.0f} ms, "
        f"p95 {percentile(post_seconds, 0.95) * ms:.0f} ms",
        f"server CPU under load: {load_cpu * 100:.0f}% of a core; RSS peak {peak_rss:.0f} MB",
        f"idle: {idle * 100:.1f}% of a core for {len(people)} open streams "
        f"({idle * ms / len(people):.2f} ms of CPU per second each), RSS {idle_rss:.0f} MB",
        f"/healthz (wrk -t2 -c16) with the streams open: {health}",
        f"stream errors: {len(stream_errors)} {stream_errors[:3]}",
        f"phase change (its own transaction {change_took * ms:.0f} ms): {len(refetched)} of "
        f"{len(people)} boards brought up to date; from the change to a fresh board "
        f"p50 {percentile(refetched, 0.5) * ms:.0f} ms, "
        f"p95 {percentile(refetched, 0.95) * ms:.0f} ms, "
        f"max {max(refetched, default=float('nan')) * ms:.0f} ms; "
        f"server CPU {phase_cpu:.1f} s over {phase_elapsed:.1f} s; "
        f"errors {len(refetch_errors)} {refetch_errors[:2]}",
    ]
    print("\n" + "\n".join(lines))
    ok = (
        delivered == expected
        and not post_errors
        and not stream_errors
        and len(refetched) == len(people)
    )
    return 0 if ok else 1


def run(args) -> int:
    work = Path(tempfile.mkdtemp(prefix="mesh-live-bench."))
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        MESH_PLAIN_HTTP="1",
        MESH_VAR_DIR=str(work / "var"),
        ALLOWED_HOSTS="127.0.0.1",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    dbname = f"mesh_bench_live_{os.getpid()}"
    admin_url = args.postgres.rsplit("/", 1)[0] + "/postgres"
    if args.db == "postgres":
        env["DATABASE_URL"] = args.postgres.rsplit("/", 1)[0] + "/" + dbname
    else:
        env["SQLITE_PATH"] = str(work / "var" / "bench.sqlite3")
    server = None
    created_db = False
    try:
        if args.db == "postgres":
            psql(admin_url, f"CREATE DATABASE {dbname}")
            created_db = True
        manage = [sys.executable, "manage.py"]
        print(f"Preparing a throwaway {args.db} database ({work})")
        for command in (
            ["migrate", "--noinput", "-v0"],
            ["createcachetable"],
            ["load_demo"],
            ["collectstatic", "--noinput", "-v0"],
        ):
            subprocess.run(
                [*manage, *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
            )
        made = subprocess.run(
            [sys.executable, __file__, "--role", "setup"],
            cwd=ROOT, env=env, capture_output=True, text=True,
        )  # fmt: skip
        if made.returncode != 0:
            print(f"Could not set up the workshop board:\n{made.stderr[-3000:]}")
            return 1
        setup = json.loads(made.stdout.strip().splitlines()[-1])
        with contextlib.suppress(OSError):
            import socket

            socket.create_connection(("127.0.0.1", args.port), 1).close()
            print(f"Something already answers on 127.0.0.1:{args.port}; set BENCH_PORT.")
            return 1
        pidfile = work / "gunicorn.pid"
        log = open(work / "gunicorn.log", "w")  # noqa: SIM115
        server = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "config.asgi:application",
                "-k", "uvicorn_worker.UvicornWorker", "--bind", f"127.0.0.1:{args.port}",
                "--workers", str(args.workers), "--graceful-timeout", "3",
                "--no-control-socket", "--pid", str(pidfile),
                "--logger-class", "config.gunicorn.RedactingLogger",
            ],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if server.poll() is not None:
                print((work / "gunicorn.log").read_text()[-3000:])
                return 1
            try:
                out = subprocess.run(
                    ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "2",
                     f"http://127.0.0.1:{args.port}/healthz"],
                    capture_output=True, text=True,
                ).stdout  # fmt: skip
                if out == "200" and pidfile.exists():
                    break
            except OSError:
                pass
            time.sleep(0.5)
        # Every worker has booted when each answers; give the slow importers a moment.
        time.sleep(3)
        master = int(pidfile.read_text())
        return asyncio.run(asyncio.wait_for(bench(args, env, master, setup), args.max_seconds))
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            log_text = (work / "gunicorn.log").read_text()
            problems = [
                line for line in log_text.splitlines() if "Traceback" in line or "ERROR" in line
            ]
            if problems:
                kept = Path(tempfile.gettempdir()) / f"mesh-live-bench-{os.getpid()}.log"
                kept.write_text(log_text)
                print(f"server log: {len(problems)} error lines; the whole log is in {kept}")
        if created_db:
            psql(admin_url, f"DROP DATABASE IF EXISTS {dbname} WITH (FORCE)")
        shutil.rmtree(work, ignore_errors=True)


def psql(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--role", choices=["bench", "setup", "publish", "phase"], default="bench")
    parser.add_argument(
        "--db", choices=["sqlite", "postgres"], default=os.environ.get("BENCH_LIVE_DB", "sqlite")
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument(
        "--source", choices=["http", "publish"], default=os.environ.get("BENCH_LIVE_SOURCE", "http")
    )
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", 8002)))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", 3)))
    parser.add_argument(
        "--clients", type=int, default=int(os.environ.get("BENCH_LIVE_CLIENTS", 200))
    )
    parser.add_argument("--rate", type=float, default=float(os.environ.get("BENCH_LIVE_RATE", 10)))
    parser.add_argument(
        "--seconds", type=float, default=float(os.environ.get("BENCH_LIVE_SECONDS", 30))
    )
    parser.add_argument(
        "--idle-seconds", type=float, default=float(os.environ.get("BENCH_LIVE_IDLE_SECONDS", 20))
    )
    parser.add_argument(
        "--wrk-seconds", type=int, default=int(os.environ.get("BENCH_LIVE_WRK_SECONDS", 10))
    )
    parser.add_argument(
        "--opening", type=int, default=int(os.environ.get("BENCH_LIVE_OPENING", 20)),
        help="streams being opened at once",
    )  # fmt: skip
    parser.add_argument(
        "--max-seconds", type=float, default=300, help="the whole run stops after this"
    )
    parser.add_argument("--channel")
    parser.add_argument("--count", type=int)
    parser.add_argument("--activity", type=int)
    args = parser.parse_args()
    if args.clients > 15 * 250:
        parser.error("at most 3750 clients (15 per loopback address)")
    if args.role == "setup":
        role_setup()
        return 0
    if args.role == "publish":
        role_publish(args.channel, args.count, args.rate)
        return 0
    if args.role == "phase":
        role_phase(args.activity)
        return 0
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
