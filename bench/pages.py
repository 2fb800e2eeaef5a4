"""In-process page benchmark: how long Django takes to answer the journey's pages, without a
web server in front, beside /healthz (no database, no templates) and what every organisation
page pays before its own content: the access check alone, and base.html around nothing.

Signs in with Django's test client as the demo facilitator (who may change statuses: the map
has a status form on every card) and as the demo executive (who reads only: no forms), and
requests each page N times after a warm-up, printing the median, 90th percentile and fastest
time in milliseconds. The target for the map and the step page is under 10 ms (median).

Everything happens in a throwaway directory: a fresh SQLite database and var/ directory,
deleted afterwards. DATABASE_URL and REDIS_URL are ignored. See bench/README.md.

    uv run python bench/pages.py [--runs N]
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EDITOR = "facilitator@acme.example"
READER = "exec@acme.example"
PAGES = (
    (EDITOR, "/healthz", "health check (floor)"),
    (EDITOR, "/o/acme/bench/nothing/", "access check only"),
    (EDITOR, "/o/acme/bench/base/", "base.html, no content"),
    (EDITOR, "/o/acme/journey/", "journey map, editor"),
    (READER, "/o/acme/journey/", "journey map, read-only"),
    (EDITOR, "/o/acme/journey/3/", "step page, canvas to read"),
    (READER, "/o/acme/journey/3/", "step page, read-only"),
    (EDITOR, "/o/acme/journey/3/edit/", "step page, canvas editor"),
    (EDITOR, "/o/acme/journey/my-actions/", "my actions"),
)
TARGET_MS = 10


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--runs",
        type=int,
        default=int(os.environ.get("BENCH_PAGE_RUNS", 200)),
        help="requests per page after the warm-up (default 200, or BENCH_PAGE_RUNS)",
    )
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("every page needs at least one run")
    with tempfile.TemporaryDirectory(prefix="mesh-page-bench.") as work:
        for name in ("DATABASE_URL", "REDIS_URL"):
            os.environ.pop(name, None)
        # The production settings, as served: cached templates, no debug toolbar.
        os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.production"
        os.environ["MESH_PLAIN_HTTP"] = "1"
        os.environ["ALLOWED_HOSTS"] = "localhost"
        os.environ["MESH_VAR_DIR"] = str(Path(work) / "var")
        os.environ["SQLITE_PATH"] = str(Path(work) / "var" / "bench.sqlite3")
        (Path(work) / "var").mkdir()
        sys.path.insert(0, str(ROOT))
        _bench(runs=args.runs)


def _bench(*, runs: int) -> None:
    import django

    django.setup()
    _add_floor_pages()

    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("load_demo", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    clients = {email: _signed_in(Client, email) for email in (EDITOR, READER)}
    # CPU time beside wall time: on a busy machine the wall clock also counts other processes.
    print(f"{'page':<50} {'median':>7} {'p90':>7} {'fastest':>7} {'cpu med':>7}  ms, {runs} runs")
    for email, path, label in PAGES:
        client = clients[email]
        for _ in range(10):
            client.get(path)
        times, cpu = [], []
        for _ in range(runs):
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(path)
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{path} answered HTTP {response.status_code}")
        times.sort()
        median = statistics.median(times)
        p90 = times[int(len(times) * 0.9) - 1]
        row = f"{label} {path}"
        print(f"{row:<50} {median:7.2f} {p90:7.2f} {times[0]:7.2f} {statistics.median(cpu):7.2f}")


def _add_floor_pages() -> None:
    """Two organisation pages with no content of their own, beside the app's URLs (only here)."""
    import types

    from django.conf import settings
    from django.http import HttpResponse
    from django.template import engines
    from django.urls import path

    from config.urls import urlpatterns
    from organisations.access import organisation_view
    from organisations.roles import Action

    base_only = engines["django"].from_string('{% extends "base.html" %}')

    @organisation_view(Action.JOURNEY_VIEW)
    def nothing(request):
        return HttpResponse("")

    @organisation_view(Action.JOURNEY_VIEW)
    def base(request):
        return HttpResponse(base_only.render({}, request))

    urls = types.ModuleType("bench_urls")
    urls.urlpatterns = [
        *urlpatterns,
        path("o/<slug:org_slug>/bench/nothing/", nothing),
        path("o/<slug:org_slug>/bench/base/", base),
    ]
    settings.ROOT_URLCONF = urls


def _signed_in(client_class, email: str):
    client = client_class(HTTP_HOST="localhost")
    response = client.post("/accounts/login/", {"email": email, "password": "demo-password-2026"})
    if response.status_code != 302:
        raise SystemExit(f"Sign-in as {email} failed (HTTP {response.status_code})")
    return client


if __name__ == "__main__":
    main()
