"""PDF benchmark: how long the export worker takes to make the all-canvases PDF.

Renders the journey's all-canvases export for the demo organisation (Acme Health, as
`load_demo` leaves it) and for an organisation whose 17 canvases are filled to the canvas
form's limits (journey.testing), N times each, through the worker's own renderer
(journey.exports.render_canvases: gather the canvases, lay out in a child process), and
prints the median, fastest and slowest time, the median CPU time, the pages and the size.
One canvas at the limits is timed too, as the worst single-canvas export a member can cause.

Everything happens in a throwaway directory: a fresh SQLite database and var/ directory,
deleted afterwards. DATABASE_URL and REDIS_URL are ignored. See bench/README.md.

    uv run python bench/pdf.py [--runs N] [--limits-runs N]
"""

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--runs",
        type=int,
        default=int(os.environ.get("BENCH_PDF_RUNS", 5)),
        help="renders of the demo organisation's PDF (default 5, or BENCH_PDF_RUNS)",
    )
    parser.add_argument(
        "--limits-runs",
        type=int,
        default=int(os.environ.get("BENCH_PDF_LIMITS_RUNS", 3)),
        help="renders of each PDF at the form's limits (default 3, or BENCH_PDF_LIMITS_RUNS)",
    )
    args = parser.parse_args()
    if args.runs < 1 or args.limits_runs < 1:
        parser.error("every case needs at least one run")
    with tempfile.TemporaryDirectory(prefix="mesh-pdf-bench.") as work:
        _use_throwaway_database(Path(work))
        _bench(runs=args.runs, limits_runs=args.limits_runs)


def _use_throwaway_database(work: Path) -> None:
    # Set before Django reads its settings: the run never sees a real database or cache.
    for name in ("DATABASE_URL", "REDIS_URL"):
        os.environ.pop(name, None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    os.environ["MESH_VAR_DIR"] = str(work / "var")
    os.environ["SQLITE_PATH"] = str(work / "var" / "bench.sqlite3")
    # A benchmark measures; the worker's time budget would stop the slowest render instead.
    os.environ["EXPORT_TIME_BUDGET_SECONDS"] = "900"
    (work / "var").mkdir()
    sys.path.insert(0, str(ROOT))


def _bench(*, runs: int, limits_runs: int) -> None:
    import django

    django.setup()

    from django.core.management import call_command
    from pypdf import PdfReader

    from journey import exports
    from journey.selectors import journey_step
    from journey.testing import organisation_fill_to_limits
    from organisations.models import Export, Organisation
    from organisations.services import organisation_create

    print(f"Preparing a throwaway database in {os.environ['MESH_VAR_DIR']}")
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("load_demo", stdout=io.StringIO())
    demo = Organisation.objects.get(slug="acme")
    limits = organisation_create(
        name="Limits Ltd", owner=demo.memberships.get(role="owner").user, slug="limits"
    )
    organisation_fill_to_limits(organisation=limits)

    def all_canvases(organisation: Organisation) -> Callable[[], bytes]:
        export = Export(organisation=organisation, kind=exports.CANVASES, params={})
        return lambda: exports.render_canvases(export, _no_progress)

    def one_canvas(organisation: Organisation, number: int) -> Callable[[], bytes]:
        journey_step(organisation, number)  # the step must exist before timing starts
        export = Export(organisation=organisation, kind=exports.CANVAS, params={"number": number})
        return lambda: exports.render_canvas(export, _no_progress)

    cases = [
        ("demo (Acme Health), all canvases", all_canvases(demo), runs),
        ("17 canvases at the form's limits", all_canvases(limits), limits_runs),
        ("one canvas at the limits (step 3)", one_canvas(limits, 3), limits_runs),
    ]
    columns = ("runs", "median s", "min s", "max s", "cpu s", "pages", "bytes")
    print(f"{'':35}" + "".join(f"{c:>10}" for c in columns))
    for label, render, count in cases:
        seconds, cpu = [], []
        for _ in range(count):
            started, cpu_started = time.perf_counter(), _cpu_seconds()
            pdf = render()
            seconds.append(time.perf_counter() - started)
            cpu.append(_cpu_seconds() - cpu_started)
        if not pdf.startswith(b"%PDF-"):
            raise SystemExit(f"{label}: the renderer did not return a PDF")
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        figures = [statistics.median(seconds), min(seconds), max(seconds), statistics.median(cpu)]
        print(
            f"{label:35}{count:>10}"
            + "".join(f"{f:>10.2f}" for f in figures)
            + f"{pages:>10}{len(pdf):>10}"
        )


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the renderer's child process).

    Wall-clock time grows when other work shares the machine; CPU time much less so.
    """
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def _no_progress(percent: int, stage: str) -> None:
    """The worker reports progress to the export's row; a benchmark has no row to update."""


if __name__ == "__main__":
    main()
