"""Assessment benchmark: the results page on a large organisation, its weight, and the
executive maturity report PDF.

Builds, in a throwaway SQLite database, an organisation with 20 closed readiness rounds of 40
respondents each (every one answered, with comments), and a small one with 2 rounds of 4 people.
Then, through Django's test client (middleware, access check, queries, templates), requests
/healthz and the latest round's results page N times each and prints p50, p95 and the slowest
wall-clock time, the median CPU time, and the SQL queries per request for both organisations
(it must be the same whatever the number of rounds and people). It prints the gzip weight of
the results page with everything it loads (HTML, styles, scripts, the plotly bundle), and
times the maturity report PDF for the demo organisation through the export worker's renderer
(data gathered, then laid out in a child process), as `load_demo` leaves it.

Everything happens in a temporary directory, deleted afterwards; DATABASE_URL and REDIS_URL are
ignored.

    uv run python bench/assessments.py [--runs N] [--pdf-runs N]
"""

import argparse
import gzip
import io
import os
import re
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LEVELS = ("low", "medium", "high", "dont_know")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", 50)))
    parser.add_argument("--pdf-runs", type=int, default=int(os.environ.get("BENCH_PDF_RUNS", 5)))
    args = parser.parse_args()
    if args.runs < 2 or args.pdf_runs < 1:
        parser.error("p95 needs at least two runs, and the PDF one")
    with tempfile.TemporaryDirectory(prefix="mesh-assessments-bench.") as work:
        for name in ("DATABASE_URL", "REDIS_URL"):
            os.environ.pop(name, None)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
        os.environ["MESH_VAR_DIR"] = str(Path(work) / "var")
        os.environ["SQLITE_PATH"] = str(Path(work) / "var" / "bench.sqlite3")
        os.environ["EXPORT_TIME_BUDGET_SECONDS"] = "900"
        os.environ["ALLOWED_HOSTS"] = "testserver"
        (Path(work) / "var").mkdir()
        sys.path.insert(0, str(ROOT))
        _bench(args.runs, args.pdf_runs)


def _organisation(slug: str, *, rounds: int, people: int):
    from django.utils import timezone

    from assessments.models import Instrument, Respondent, Response, Round
    from organisations.models import Membership, User
    from organisations.roles import Role
    from organisations.services import organisation_create

    owner = User.objects.create_user(
        email=f"owner@{slug}.example", name=f"Owner {slug}", password="bench-password-2026"
    )
    organisation = organisation_create(name=f"Bench {slug}", owner=owner, slug=slug)
    viewer = User.objects.create_user(
        email=f"exec@{slug}.example", name=f"Exec {slug}", password="bench-password-2026"
    )
    Membership.objects.create(organisation=organisation, user=viewer, role=Role.EXECUTIVE)
    instrument = Instrument.objects.get(slug="readiness")
    axes = [axis["key"] for axis in instrument.definition["axes"]]
    now = timezone.now()
    for r in range(rounds):
        round = Round.objects.create(
            organisation=organisation,
            instrument=instrument,
            title=f"Round {r + 1}",
            status=Round.Status.CLOSED,
            opened_by=owner,
            closed_at=now,
        )
        Round.objects.filter(pk=round.pk).update(created=now - timedelta(days=30 * (rounds - r)))
        respondents = Respondent.objects.bulk_create(
            Respondent(round=round, name=f"Person {p}", email=f"p{p}@{slug}.example")
            for p in range(people)
        )
        Response.objects.bulk_create(
            Response(
                respondent=respondent,
                answers={a: LEVELS[(p + i + r) % 4] for i, a in enumerate(axes)},
                comments={a: f"Comment {p} on {a}" for a in axes[: 1 + p % 3]},
                submitted_at=now,
                version=1,
            )
            for p, respondent in enumerate(respondents)
        )
    latest = Round.objects.filter(organisation=organisation).order_by("-created").first()
    return organisation, viewer, latest


def _measure(client, path: str, runs: int):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = client.get(path)  # warms templates, caches and the session
    assert first.status_code == 200, (path, first.status_code)
    times, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    return times, cpu, len(queries), response.content


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f}"


def _weight(html: bytes) -> list[tuple[str, int, int]]:
    """(what, bytes, gzip bytes) of the page and every script and stylesheet it loads."""
    from django.contrib.staticfiles import finders

    rows = [("results page HTML", len(html), len(gzip.compress(html, 9)))]
    for url in re.findall(rb'(?:src|href)="(/static/[^"]+\.(?:js|css))"', html):
        name = url.decode().removeprefix("/static/")
        data = Path(finders.find(name)).read_bytes()
        rows.append((name, len(data), len(gzip.compress(data, 9))))
    return rows


def _bench(runs: int, pdf_runs: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from pypdf import PdfReader

    from assessments import report
    from organisations.models import Export, Organisation

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    started = time.perf_counter()
    large, large_viewer, large_round = _organisation("large", rounds=20, people=40)
    small, small_viewer, small_round = _organisation("small", rounds=2, people=4)
    print(f"Built 20 rounds x 40 people and 2 x 4 in {time.perf_counter() - started:.1f} s")

    header = f"{'':34} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'CPU ms':>8} {'queries':>8}"
    print(header)
    client = Client()
    times, cpu, queries, _html = _measure(client, "/healthz", runs)
    floor = statistics.median(times)
    rows = [("/healthz", times, cpu, queries)]
    html = b""
    for label, organisation, viewer, round in (
        ("results, 20 rounds x 40 people", large, large_viewer, large_round),
        ("results, 2 rounds x 4 people", small, small_viewer, small_round),
    ):
        client = Client()
        client.force_login(viewer)
        path = f"/o/{organisation.slug}/assessments/{round.pk}/results/"
        times, cpu, queries, content = _measure(client, path, runs)
        html = html or content
        rows.append((label, times, cpu, queries))
    for label, times, cpu, queries in rows:
        p95 = statistics.quantiles(times, n=20)[-1]
        print(
            f"{label:34} {_ms(statistics.median(times))} {_ms(p95)} {_ms(max(times))} "
            f"{_ms(statistics.median(cpu))} {queries:>8}"
        )
        if label != "/healthz":
            print(f"{'':34} p50 is {statistics.median(times) / floor:.0f}x /healthz")

    print("\nWeight of the results page (20 rounds) with what it loads:")
    total = total_gz = 0
    for what, size, gz in _weight(html):
        total, total_gz = total + size, total_gz + gz
        print(f"  {what:52} {size:>9} B {gz:>9} B gzip")
    print(f"  {'total':52} {total:>9} B {total_gz:>9} B gzip")

    call_command("load_demo", stdout=io.StringIO())
    demo = Organisation.objects.get(slug="acme")
    export = Export(organisation=demo, kind=report.KIND, params={})
    seconds = []
    for _ in range(pdf_runs):
        start = time.perf_counter()
        pdf = report.render_report(export, lambda progress, stage: None)
        seconds.append(time.perf_counter() - start)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    print(
        f"\nMaturity report PDF (demo), {pdf_runs} runs: median {statistics.median(seconds):.2f} s"
        f" (min {min(seconds):.2f}, max {max(seconds):.2f}), {pages} pages, {len(pdf)} bytes"
    )


if __name__ == "__main__":
    main()
