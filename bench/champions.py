"""Champions' benchmark: the period view and the champion's home on a large organisation.

Builds, in a throwaway SQLite database, an organisation with 200 objectives (150 in this
quarter, 50 in the last), 400 key results, 1,000 check-ins, 60 milestones, a value tree and
20 scored use cases, plus a small organisation with the same shape at a tenth of the size.
Then requests /healthz, the period view and the champion's home through Django's test client
(the whole request: middleware, access check, queries, templates), N times each, and prints
p50, p95 and the slowest wall-clock time, the median CPU time (steadier on a busy machine),
and the number of SQL queries per request for both organisations: it must be the same,
whatever the amount of data.

Everything happens in a temporary directory, deleted afterwards; DATABASE_URL and REDIS_URL
are ignored. Development settings by default; for production settings (no DEBUG, hashed
static files), set DJANGO_SETTINGS_MODULE=config.settings.production MESH_PLAIN_HTTP=1.

    uv run python bench/champions.py [--runs N]
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--runs",
        type=int,
        default=int(os.environ.get("BENCH_CHAMPIONS_RUNS", 50)),
        help="requests per page (default 50, or BENCH_CHAMPIONS_RUNS)",
    )
    args = parser.parse_args()
    if args.runs < 2:
        parser.error("p95 needs at least two runs")
    with tempfile.TemporaryDirectory(prefix="mesh-champions-bench.") as work:
        for name in ("DATABASE_URL", "REDIS_URL"):
            os.environ.pop(name, None)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
        os.environ["MESH_VAR_DIR"] = str(Path(work) / "var")
        os.environ["SQLITE_PATH"] = str(Path(work) / "var" / "bench.sqlite3")
        (Path(work) / "var").mkdir()
        _bench(args.runs)


def _organisation(slug: str, scale: float):
    """An organisation with 200 * scale objectives and 1,000 * scale check-ins."""
    from django.utils import timezone

    from champions import okr, services
    from champions.models import CheckIn, KeyResult, Milestone, Objective
    from journey.selectors import journey_ensure
    from organisations.access import Actor
    from organisations.models import Membership, User
    from organisations.roles import Role
    from organisations.services import organisation_create

    def user(name: str) -> User:
        email = f"{name.lower().replace(' ', '.')}@bench.example"
        return User.objects.create_user(email=email, name=name, password="bench-password-2026")

    organisation = organisation_create(name=f"Bench {slug}", owner=user(f"Owner {slug}"), slug=slug)
    champion = user(f"Champion {slug}")
    membership = Membership.objects.create(
        organisation=organisation, user=champion, role=Role.CHAMPION
    )
    journey_ensure(organisation)
    actor = Actor(organisation=organisation, membership=membership)
    today = timezone.localdate()
    quarter = okr.quarter_of(today)
    last = okr.quarter_of(quarter.start - timedelta(days=1))

    vision = services.lvt_node_add(organisation=organisation, actor=actor, parent=None, title="V")
    bets = []
    for g in range(3):
        goal = services.lvt_node_add(
            organisation=organisation, actor=actor, parent=vision, title=f"Goal {g}"
        )
        for b in range(3):
            bets.append(
                services.lvt_node_add(
                    organisation=organisation, actor=actor, parent=goal, title=f"Bet {g}.{b}"
                )
            )
    objectives = Objective.objects.bulk_create(
        Objective(
            organisation=organisation,
            title=f"Objective {n}",
            period_start=(quarter if n % 4 else last).start,
            period_end=(quarter if n % 4 else last).end,
            lvt_node=bets[n % len(bets)],
            owner=champion,
        )
        for n in range(int(200 * scale))
    )
    key_results = KeyResult.objects.bulk_create(
        KeyResult(
            objective=objective,
            title=f"KR {objective.pk}.{k}",
            kind=okr.NUMERIC if k == 0 else okr.GRADED,
            unit="items",
            baseline=Decimal(0) if k == 0 else None,
            target=Decimal(100) if k == 0 else None,
            weight=1 + k,
        )
        for objective in objectives
        for k in range(2)
    )
    now = timezone.now()
    CheckIn.objects.bulk_create(
        CheckIn(
            key_result=kr,
            value=Decimal(n % 90) if kr.kind == okr.NUMERIC else None,
            grade="" if kr.kind == okr.NUMERIC else ("commit", "target", "fail")[n % 3],
            confidence=n % 11,
            what_changed="Moved on.",
            author=champion,
            author_name=champion.name,
            created_at=now - timedelta(days=n % 60, minutes=n),
        )
        for n, kr in enumerate(key_results * 3)
        if n < int(1000 * scale)
    )
    Milestone.objects.bulk_create(
        Milestone(
            organisation=organisation,
            title=f"Milestone {n}",
            target_date=today + timedelta(days=n - 30),
            owner=champion if n % 2 else None,
            status=("planned", "in_progress", "done")[n % 3],
            evidence="Done." if n % 3 == 2 else "",
        )
        for n in range(int(60 * scale))
    )
    for n in range(int(20 * scale) or 1):
        use_case = services.use_case_create(
            organisation=organisation,
            actor=actor,
            title=f"Use case {n}",
            as_a="a",
            i_want="b",
            so_that="c",
        )
        services.use_case_score(
            use_case=use_case,
            actor=actor,
            scores={key: (n + i) % 6 for i, key in enumerate(_criteria())},
        )
    services.curve_record(organisation=organisation)
    return organisation, champion


def _criteria():
    from champions.usecases import CRITERION_KEYS

    return CRITERION_KEYS


def _measure(client, path: str, runs: int) -> tuple[list[float], list[float], int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if client.get(path).status_code == 404:  # also warms caches, templates and the session
        return [], [], 0, 0
    times, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        assert response.status_code == 200, (path, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    return times, cpu, len(queries), len(response.content)


def _bench(runs: int) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from champions.models import CheckIn, Objective

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    if not settings.DEBUG:
        # Production settings serve hashed static file names from the manifest.
        call_command("collectstatic", "--noinput", verbosity=0)
    started = time.perf_counter()
    large, champion = _organisation("large", 1.0)
    small, small_champion = _organisation("small", 0.1)
    print(
        f"Data: {Objective.objects.filter(organisation=large).count()} objectives and "
        f"{CheckIn.objects.filter(key_result__objective__organisation=large).count()} check-ins "
        f"(small: {Objective.objects.filter(organisation=small).count()} and "
        f"{CheckIn.objects.filter(key_result__objective__organisation=small).count()}), "
        f"built in {time.perf_counter() - started:.1f} s"
    )
    module = os.environ["DJANGO_SETTINGS_MODULE"]
    print(f"{runs} requests per page, Django test client, SQLite, {module}")
    print(
        f"{'page':<30}{'p50 ms':>8}{'p95 ms':>8}{'max ms':>8}{'CPU p50':>9}"
        f"{'queries':>9}{'small org':>11}{'KB':>7}"
    )
    clients = {}
    for organisation, user in ((large, champion), (small, small_champion)):
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        clients[organisation.slug] = client
    for label, path in (
        ("/healthz", "/healthz"),
        ("period view (this quarter)", "/o/{slug}/champions/objectives/"),
        ("champion's home", "/o/{slug}/champions/"),
    ):
        times, cpu, queries, size = _measure(clients["large"], path.format(slug="large"), runs)
        if not times:
            print(f"{label:<30}not routed in this checkout (config/urls.py)")
            continue
        *_, small_queries, _ = _measure(clients["small"], path.format(slug="small"), 2)
        times_ms = sorted(t * 1000 for t in times)
        p95 = times_ms[max(0, round(0.95 * len(times_ms)) - 1)]
        print(
            f"{label:<30}{statistics.median(times_ms):>8.1f}{p95:>8.1f}{times_ms[-1]:>8.1f}"
            f"{statistics.median(cpu) * 1000:>9.1f}{queries:>9}{small_queries:>11}"
            f"{size / 1024:>7.0f}"
        )


if __name__ == "__main__":
    main()
