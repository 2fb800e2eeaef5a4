"""Background exports: files that take too long to make inside a web request.

A feature app registers a renderer for each kind of export it offers, in its
AppConfig.ready():

    exports.register("journey.canvases", render_canvases)

A renderer takes the `Export` row and a `report(progress, stage)` callback and returns the
file's bytes. It does its database reads itself, in the worker process, and hands the slow pure
part (HTML to PDF) to `in_child()`, which runs it in a child process within
EXPORT_TIME_BUDGET_SECONDS, so that one pathological document fails with a message instead of
holding the worker for ever. A renderer raises `ExportFailed(message)` for any other failure
the person who asked should read.

`export_request()` (called by a view) stores the row and enqueues `export_run` after the
transaction commits; `python manage.py db_worker` runs it.
"""

import logging
import multiprocessing
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from multiprocessing.connection import Connection
from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django_htmx.http import HttpResponseClientRedirect
from django_tasks import task

from .access import Actor
from .models import Export, Organisation

logger = logging.getLogger(__name__)

Report = Callable[[int, str], None]
Renderer = Callable[[Export, Report], bytes]

# Finished exports are kept this long, so a download link works for the rest of the day.
KEEP_FOR = timedelta(days=1)

UNEXPECTED_FAILURE = (
    "Something went wrong while making this file. Try again; if it fails again, tell the "
    "person who runs Mesh Journey for your organisation."
)


def running_since_cutoff(now: datetime) -> datetime:
    """A running export started before this has outlived any render: its worker stopped
    (a restart, a crash) and it will never finish."""
    return now - timedelta(seconds=settings.EXPORT_TIME_BUDGET_SECONDS + 60)


def is_abandoned(export: Export, *, now: datetime) -> bool:
    return (
        export.status == Export.Status.RUNNING
        and export.started_at is not None
        and export.started_at < running_since_cutoff(now)
    )


class ExportFailed(Exception):
    """A failure whose message is fit to show the person who asked for the export."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnknownExportKind(LookupError):
    pass


@dataclass(frozen=True)
class Registration:
    renderer: Renderer
    content_type: str
    extension: str


_registry: dict[str, Registration] = {}


def register(
    kind: str,
    renderer: Renderer,
    *,
    content_type: str = "application/pdf",
    extension: str = "pdf",
) -> None:
    """Offer exports of `kind`, made by `renderer`. Registering a kind twice replaces it."""
    _registry[kind] = Registration(renderer, content_type, extension)


def registered_kinds() -> frozenset[str]:
    return frozenset(_registry)


# --- asking for an export ------------------------------------------------------------------


def _requester_filter(actor: Actor) -> Q:
    if actor.membership:
        return Q(requested_by=actor.membership.user, requested_by_grant__isnull=True)
    if actor.grant:
        return Q(requested_by__isnull=True, requested_by_grant=actor.grant)
    return Q(pk__in=[])


def export_delete_old(*, now: datetime | None = None) -> int:
    """Delete exports finished (or abandoned in the queue) more than a day ago."""
    cutoff = (now or timezone.now()) - KEEP_FOR
    # Nothing legitimately runs for a day: a row that old was never picked up by a worker.
    deleted, _ = Export.objects.filter(
        Q(finished_at__lt=cutoff) | Q(created_at__lt=cutoff)
    ).delete()
    return deleted


def export_request(
    *, organisation: Organisation, actor: Actor, kind: str, params: dict, title: str
) -> Export:
    """The export `actor` asked for: a new queued row, or the identical one still under way.

    The task is enqueued only once the row is committed, so a worker never looks for a row
    that does not exist yet.
    """
    if kind not in _registry:
        raise UnknownExportKind(kind)
    export_delete_old()
    with transaction.atomic():
        # Lock the organisation row, so two clicks at once do not both start an export.
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        under_way = Export.objects.filter(
            Q(status=Export.Status.QUEUED)
            | Q(status=Export.Status.RUNNING, started_at__gte=running_since_cutoff(timezone.now())),
            _requester_filter(actor),
            organisation=organisation,
            kind=kind,
        )
        # Compared in Python: JSON equality in SQL differs between SQLite and PostgreSQL.
        for existing in under_way:
            if existing.params == params:
                return existing
        registration = _registry[kind]
        export = Export.objects.create(
            organisation=organisation,
            requested_by=actor.membership.user if actor.membership else None,
            requested_by_grant=None if actor.membership else actor.grant,
            requested_by_name=actor.display_name[:100],
            kind=kind,
            params=params,
            title=title[:200],
            stage="Waiting for its turn",
            filename=f"{organisation.slug}-{slugify(title)[:150]}.{registration.extension}",
            content_type=registration.content_type,
        )
        transaction.on_commit(lambda: export_run.enqueue(export.pk))
    return export


def exports_for(*, organisation: Organisation, actor: Actor):
    """The exports `actor` asked for in `organisation`: nobody sees anyone else's."""
    return Export.objects.filter(_requester_filter(actor), organisation=organisation)


# --- making it, in the worker -----------------------------------------------------------------


def _reporter(export_id: int) -> Report:
    def report(progress: int, stage: str) -> None:
        # Each report commits at once (the worker runs outside a transaction), so the page
        # that polls sees it on its next request.
        Export.objects.filter(pk=export_id, status=Export.Status.RUNNING).update(
            progress=max(0, min(int(progress), 99)), stage=stage[:200]
        )

    return report


def _finish(export_id: int, **values: Any) -> None:
    # An update, not save(): if the row was deleted meanwhile there is nothing left to finish.
    Export.objects.filter(pk=export_id).update(finished_at=timezone.now(), **values)


@task()
def export_run(export_id: int) -> str:
    """Make the file of one queued export and store it, or store why it could not be made."""
    claimed = Export.objects.filter(pk=export_id, status=Export.Status.QUEUED).update(
        status=Export.Status.RUNNING,
        started_at=timezone.now(),
        progress=0,
        stage="Starting",
    )
    if not claimed:
        # Deleted, or already run by another worker: nothing to do.
        return "skipped"
    export = Export.objects.select_related("organisation").get(pk=export_id)
    registration = _registry.get(export.kind)
    try:
        if registration is None:
            raise ExportFailed("This kind of export is no longer offered.")
        content = registration.renderer(export, _reporter(export_id))
    except ExportFailed as failure:
        _finish(export_id, status=Export.Status.FAILED, error=failure.message, stage="Failed")
        return Export.Status.FAILED.value
    except Exception:
        logger.exception("Export %s (%s) failed", export_id, export.kind)
        _finish(export_id, status=Export.Status.FAILED, error=UNEXPECTED_FAILURE, stage="Failed")
        return Export.Status.FAILED.value
    _finish(
        export_id,
        status=Export.Status.READY,
        content=content,
        progress=100,
        stage="Ready",
        error="",
    )
    return Export.Status.READY.value


# --- the time budget ----------------------------------------------------------------------------


def waiting_progress(*, start: int, end: int, elapsed: float, expected: float) -> int:
    """Progress to show while waiting for work of unknown length that usually takes `expected`
    seconds: it moves quickly at first, then ever more slowly, and never reaches `end`."""
    share = elapsed / (elapsed + max(expected, 0.1))
    return min(end - 1, start + int((end - start) * share))


def _refuse_queries(execute, sql, params, many, context):
    raise RuntimeError("Export rendering in a child process may not use the database.")


def _child(sender: Connection, func: Callable[..., bytes], args: tuple) -> None:
    # The connections this fork inherited belong to the worker: a query here would interleave
    # with the worker's own on the same socket, so refuse any.
    for connection in connections.all():
        connection.execute_wrappers.append(_refuse_queries)
    try:
        result = func(*args)
    except BaseException as exc:
        sender.send(("error", f"{type(exc).__name__}: {exc}"))
    else:
        sender.send(("ok", result))
    finally:
        sender.close()


def in_child(
    func: Callable[..., bytes],
    *args: Any,
    on_wait: Callable[[float], None] | None = None,
) -> bytes:
    """`func(*args)` run in a child process, stopped after EXPORT_TIME_BUDGET_SECONDS.

    `func` must not touch the database: the child is a fork of the worker, and its copy of the
    worker's connection must stay unused. `on_wait(elapsed_seconds)` is called about once a
    second while the child works. Raises `ExportFailed` when the budget runs out or the child
    fails.
    """
    budget = settings.EXPORT_TIME_BUDGET_SECONDS
    # fork: the child starts at once with Django and WeasyPrint already loaded. The worker
    # (manage.py db_worker) is single-threaded, which is what makes forking it safe.
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(sender, func, args), daemon=True)
    started = time.monotonic()
    process.start()
    # Only the child writes: closing our copy lets receiver see the end if the child dies.
    sender.close()
    try:
        while True:
            elapsed = time.monotonic() - started
            remaining = budget - elapsed
            if remaining <= 0:
                raise ExportFailed(
                    f"This export took longer than the {budget} seconds allowed, so it was "
                    "stopped. Very long canvases take longest: try exporting one step at a "
                    "time, or shorten the longest texts."
                )
            if receiver.poll(min(1.0, remaining)):
                break
            if on_wait is not None:
                on_wait(time.monotonic() - started)
        try:
            outcome, value = receiver.recv()
        except EOFError:
            outcome, value = "error", f"child exited with code {process.exitcode}"
    finally:
        if process.is_alive():
            process.kill()
        process.join(timeout=5)
        receiver.close()
    if outcome != "ok":
        logger.error("Export rendering failed in the child process: %s", value)
        raise ExportFailed(UNEXPECTED_FAILURE)
    return value


def export_redirect(request: HttpRequest, export: Export) -> HttpResponse:
    """Send the person who asked for `export` to its progress page (the whole tab, under htmx)."""
    url = reverse(
        "exports:detail",
        kwargs={"org_slug": export.organisation.slug, "export_id": export.pk},
    )
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return redirect(url)
