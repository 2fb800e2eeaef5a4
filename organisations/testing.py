"""Pytest fixtures for background exports, registered once in tests/conftest.py.

The test settings use a task backend that stores what is enqueued and runs nothing, so most
tests call `export_run` themselves. A browser test follows an export the way a person does, so
it needs the real thing: `export_worker` switches to the database backend and runs
django-tasks-db's own worker loop in a thread, against the database the live server uses.

On SQLite the test database lives in memory, in SQLite's shared-cache mode, where a second
connection gets "database table is locked" at once instead of waiting. The live server
therefore shares one connection with the test (Django's connections_override), and the worker
thread joins it too; its exclusive transaction is then pointless (nobody else to exclude) and
would wrap the server's own statements, so it is left out. With a file or PostgreSQL test
database the worker keeps its own connection and its real transaction.
"""

import contextlib
import threading
from collections.abc import Iterator

import pytest
from django.db import connections
from django_tasks_db.management.commands import db_worker
from django_tasks_db.management.commands.db_worker import Worker

# How often the worker looks for queued exports: short, so a test does not wait on it.
POLL_SECONDS = 0.1


@pytest.fixture
def export_worker(settings, transactional_db, live_server, monkeypatch) -> Iterator[Worker]:
    # The worker needs rows it can see from another thread: committed ones (transactional_db).
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    shared = dict(live_server.thread.connections_override)
    if shared:
        monkeypatch.setattr(db_worker, "exclusive_transaction", contextlib.nullcontext)
    worker = Worker(
        queue_names=["default"],
        interval=POLL_SECONDS,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-export-worker",
        excluded_queue_names=[],
    )
    errors: list[BaseException] = []

    def run() -> None:
        for alias, connection in shared.items():
            connections[alias] = connection
        try:
            worker.run()
        except BaseException as exc:
            errors.append(exc)
        finally:
            # This thread's own connection, if it has one: close it before the test database is
            # flushed (Django ignores closing the shared in-memory one).
            connections.close_all()

    thread = threading.Thread(target=run, name="export-worker", daemon=True)
    thread.start()
    yield worker
    # The loop ends after the export under way, if any, at its next look at the queue.
    worker.running = False
    thread.join(timeout=30)
    assert not thread.is_alive(), "The export worker did not stop."
    if errors:
        raise errors[0]
