"""Background exports: POST /o/<org>/journey/canvases.pdf and /o/<org>/journey/<n>/canvas.pdf
queue an export; /o/<org>/exports/<id>/ follows it; /o/<org>/exports/<id>/download/ hands it
over. The test task backend only stores what is enqueued; these tests run the task themselves.
"""

import io
import multiprocessing
import os
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_tasks import default_task_backend
from pypdf import PdfReader

from journey.selectors import journey_step
from journey.testing import canvas_fill_to_limits
from organisations import exports
from organisations.access import Actor
from organisations.exports import (
    UNEXPECTED_FAILURE,
    ExportFailed,
    export_request,
    export_run,
    in_child,
    waiting_progress,
)
from organisations.models import Export, GuestGrant, Membership
from organisations.roles import Role
from tests.conftest import HTMX

pytestmark = pytest.mark.django_db

FAILING = "test.failing"
BROKEN = "test.broken"
SLOW = "test.slow"


@pytest.fixture(autouse=True)
def enqueued():
    """What requests enqueued, in order (the test backend keeps them and runs nothing)."""
    default_task_backend.clear()
    yield default_task_backend.results
    default_task_backend.clear()


@pytest.fixture
def test_kinds():
    def fail(export, report):
        report(40, "Half way")
        raise ExportFailed("Step 99 has gone; nothing to export.")

    def broken(export, report):
        raise ValueError("/srv/secret/path exploded")

    def slow(export, report):
        # A renderer whose pure part never ends: only the budget stops it.
        return in_child(time.sleep, 60)

    exports.register(FAILING, fail)
    exports.register(BROKEN, broken)
    exports.register(SLOW, slow)
    yield
    for kind in (FAILING, BROKEN, SLOW):
        exports._registry.pop(kind)


def _journey_url(organisation) -> str:
    return reverse("journey:pdf", kwargs={"org_slug": organisation.slug})


def _step_url(organisation, number: int = 3) -> str:
    return reverse("journey:canvas_pdf", kwargs={"org_slug": organisation.slug, "number": number})


def _detail_url(export: Export) -> str:
    return reverse(
        "exports:detail", kwargs={"org_slug": export.organisation.slug, "export_id": export.pk}
    )


def _download_url(export: Export) -> str:
    return reverse(
        "exports:download", kwargs={"org_slug": export.organisation.slug, "export_id": export.pk}
    )


def _actor(organisation, user) -> Actor:
    return Actor(
        organisation=organisation,
        membership=Membership.objects.get(organisation=organisation, user=user),
    )


def _request(organisation, user, kind: str, params: dict | None = None) -> Export:
    return export_request(
        organisation=organisation,
        actor=_actor(organisation, user),
        kind=kind,
        params=params or {},
        title="A test export",
    )


def _pdf_text(content: bytes) -> str:
    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def _save(organisation, number: int, user, **content) -> None:
    canvas = journey_step(organisation, number).canvas
    canvas.content = content
    canvas.save(update_fields=["content"])


# --- asking for an export -----------------------------------------------------------------------


def test_it_queues_an_export_and_sends_the_person_to_its_page(
    organisation, members, facilitator_client, enqueued, django_capture_on_commit_callbacks
):
    # The task is enqueued when the request's transaction commits, not before.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = facilitator_client.post(_step_url(organisation))
        assert enqueued == []

    export = Export.objects.get()
    assert response.status_code == 302
    assert response.url == _detail_url(export)
    assert export.status == Export.Status.QUEUED
    assert export.kind == "journey.canvas"
    assert export.params == {"number": 3}
    assert export.title == "Step 3 canvas: Stakeholder alignment"
    assert export.filename == "acme-step-3-canvas-stakeholder-alignment.pdf"
    assert export.requested_by == members[Role.FACILITATOR]
    assert export.requested_by_name == "Facilitator Person"
    assert len(callbacks) == 1
    assert [(r.task.func, r.args) for r in enqueued] == [(export_run.func, [export.pk])]


def test_it_sends_htmx_to_the_export_page_with_a_client_redirect(organisation, facilitator_client):
    response = facilitator_client.post(_journey_url(organisation), **HTMX)

    assert response.status_code == 200
    assert response["HX-Redirect"] == _detail_url(Export.objects.get())


def test_it_no_longer_renders_a_pdf_on_get(organisation, facilitator_client):
    assert facilitator_client.get(_journey_url(organisation)).status_code == 405
    assert facilitator_client.get(_step_url(organisation)).status_code == 405
    assert not Export.objects.exists()


def test_it_returns_404_for_an_unknown_step(organisation, facilitator_client):
    assert facilitator_client.post(_step_url(organisation, 99)).status_code == 404
    assert not Export.objects.exists()


def test_it_reuses_an_export_still_under_way_instead_of_queueing_another(
    organisation, facilitator_client, enqueued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = facilitator_client.post(_journey_url(organisation))
        second = facilitator_client.post(_journey_url(organisation))

    assert first.url == second.url
    assert Export.objects.count() == 1
    assert len(enqueued) == 1


def test_it_queues_separately_what_differs_or_is_finished(
    organisation, members, facilitator_client, client_as
):
    facilitator_client.post(_step_url(organisation, 3))
    facilitator_client.post(_step_url(organisation, 4))
    client_as(members[Role.MEMBER]).post(_step_url(organisation, 3))
    Export.objects.update(status=Export.Status.READY, finished_at=timezone.now())
    facilitator_client.post(_step_url(organisation, 3))

    assert Export.objects.count() == 4


def test_it_keeps_a_guests_export_apart_from_a_members(organisation, owner):
    grant = GuestGrant.objects.create(
        organisation=organisation,
        kind="assessment_respondent",
        target_id=1,
        display_name="Guest Person",
        token_hash="x" * 64,
    )
    guest = Actor(organisation=organisation, grant=grant)

    by_guest = export_request(
        organisation=organisation, actor=guest, kind="journey.canvases", params={}, title="T"
    )
    by_owner = _request(organisation, owner, "journey.canvases")
    again = export_request(
        organisation=organisation, actor=guest, kind="journey.canvases", params={}, title="T"
    )

    assert by_guest.requested_by is None
    assert by_guest.requested_by_grant == grant
    assert by_guest.requested_by_name == "Guest Person"
    assert by_owner.pk != by_guest.pk
    assert again.pk == by_guest.pk


def test_it_refuses_a_kind_nobody_registered(organisation, owner):
    with pytest.raises(exports.UnknownExportKind):
        _request(organisation, owner, "journey.nothing")


def test_it_deletes_exports_finished_more_than_a_day_ago(organisation, owner):
    old = _request(organisation, owner, "journey.canvases")
    recent = _request(organisation, owner, "journey.canvas", {"number": 3})
    Export.objects.filter(pk=old.pk).update(
        status=Export.Status.READY,
        created_at=timezone.now() - timedelta(days=1, minutes=5),
        finished_at=timezone.now() - timedelta(days=1, minutes=1),
    )
    Export.objects.filter(pk=recent.pk).update(
        status=Export.Status.READY, finished_at=timezone.now() - timedelta(hours=23)
    )

    newest = _request(organisation, owner, "journey.canvases")

    assert set(Export.objects.values_list("pk", flat=True)) == {recent.pk, newest.pk}


# --- making it ----------------------------------------------------------------------------------


def test_it_makes_the_file_in_the_worker_and_offers_the_download(
    organisation, members, facilitator_client
):
    _save(organisation, 17, members[Role.MEMBER], decisions="Review the mesh every quarter.")
    # With the canvases nobody filled in, which the PDF leaves out unless asked.
    facilitator_client.post(_journey_url(organisation), {"include_empty": "on"})
    export = Export.objects.get()

    assert export_run.call(export.pk) == "ready"

    export.refresh_from_db()
    assert export.status == Export.Status.READY
    assert export.progress == 100
    assert export.started_at <= export.finished_at
    page = facilitator_client.get(_detail_url(export))
    assert page.status_code == 200
    assert _download_url(export) in page.content.decode()
    assert b'http-equiv="refresh"' not in page.content
    download = facilitator_client.get(_download_url(export))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == (
        'attachment; filename="acme-all-reflection-canvases.pdf"'
    )
    assert download["Cache-Control"] == "private, no-store"
    assert download["X-Content-Type-Options"] == "nosniff"
    text = _pdf_text(download.content)
    assert "Data mesh journey: reflection canvases" in text
    assert "Review the mesh every quarter." in text
    # The summary and the map, plus at least one page per canvas.
    assert len(PdfReader(io.BytesIO(download.content)).pages) >= 19


def test_it_exports_only_the_organisation_in_the_url(
    organisation, other_organisation, members, outsider, client_as
):
    _save(other_organisation, 3, outsider, today="Globex secret plan.")
    _save(organisation, 3, members[Role.MEMBER], today="Acme plan.")
    executive = client_as(members[Role.EXECUTIVE])
    executive.post(_step_url(organisation))
    export = Export.objects.get()

    export_run.call(export.pk)

    text = _pdf_text(executive.get(_download_url(export)).content)
    assert "Acme plan." in text
    assert "Globex" not in text


def test_it_sends_a_download_of_an_unfinished_export_back_to_its_page(
    organisation, owner, client_as
):
    export = _request(organisation, owner, "journey.canvases")

    response = client_as(owner).get(_download_url(export))

    assert response.status_code == 302
    assert response.url == _detail_url(export)


def test_it_runs_an_export_only_once(organisation, owner):
    export = _request(organisation, owner, "journey.canvas", {"number": 3})
    export_run.call(export.pk)

    assert export_run.call(export.pk) == "skipped"
    assert export_run.call(export.pk + 1000) == "skipped"


def test_it_shows_why_an_export_failed(organisation, owner, client_as, test_kinds):
    export = _request(organisation, owner, FAILING)

    assert export_run.call(export.pk) == "failed"

    export.refresh_from_db()
    assert export.status == Export.Status.FAILED
    assert export.error == "Step 99 has gone; nothing to export."
    assert export.finished_at is not None
    page = client_as(owner).get(_detail_url(export)).content.decode()
    assert "This export could not be made" in page
    assert "Step 99 has gone; nothing to export." in page
    assert _download_url(export) not in page


def test_it_hides_an_unexpected_error_behind_a_plain_message(
    organisation, owner, client_as, test_kinds, caplog
):
    export = _request(organisation, owner, BROKEN)

    export_run.call(export.pk)

    export.refresh_from_db()
    assert export.error == UNEXPECTED_FAILURE
    page = client_as(owner).get(_detail_url(export)).content.decode()
    assert "/srv/secret" not in page
    # Whoever runs the site still finds the cause in the log.
    assert "/srv/secret/path exploded" in caplog.text


def test_it_stops_an_export_over_its_time_budget(organisation, owner, test_kinds, settings):
    settings.EXPORT_TIME_BUDGET_SECONDS = 1
    export = _request(organisation, owner, SLOW)

    started = time.monotonic()
    export_run.call(export.pk)
    took = time.monotonic() - started

    export.refresh_from_db()
    assert export.status == Export.Status.FAILED
    assert "took longer than the 1 seconds allowed" in export.error
    assert took < 5
    # The child that was still sleeping is gone, not left behind.
    assert multiprocessing.active_children() == []


# --- the time budget and the child process --------------------------------------------------------


def _slow_bytes(seconds: float) -> bytes:
    time.sleep(seconds)
    return b"done"


def _query() -> bytes:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return b"queried"


def _crash() -> bytes:
    os._exit(3)


def test_it_returns_what_the_child_made_and_reports_while_waiting():
    waited: list[float] = []

    assert in_child(_slow_bytes, 1.5, on_wait=waited.append) == b"done"
    assert waited
    assert waited == sorted(waited)


def test_it_refuses_the_database_in_the_child(caplog):
    with pytest.raises(ExportFailed) as failure:
        in_child(_query)

    assert failure.value.message == UNEXPECTED_FAILURE
    assert "may not use the database" in caplog.text


def test_it_fails_cleanly_when_the_child_dies():
    with pytest.raises(ExportFailed) as failure:
        in_child(_crash)

    assert failure.value.message == UNEXPECTED_FAILURE


def test_it_moves_the_waiting_progress_on_without_ever_reaching_the_end():
    values = [
        waiting_progress(start=20, end=95, elapsed=s, expected=4) for s in (0, 1, 4, 40, 4000)
    ]

    assert values[0] == 20
    assert values == sorted(values)
    assert values[2] == 57
    assert values[-1] == 94


# --- following it ---------------------------------------------------------------------------------


def test_it_shows_the_progress_page_refreshing_itself_without_javascript(
    organisation, owner, client_as
):
    export = _request(organisation, owner, "journey.canvases")
    Export.objects.filter(pk=export.pk).update(
        status=Export.Status.RUNNING, progress=42, stage="Laying out the cover and 17 canvases"
    )

    response = client_as(owner).get(_detail_url(export))

    html = response.content.decode()
    assert response.status_code == 200
    assert "HX-Request" in response["Vary"]
    assert "<html" in html
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in html
    assert "A test export" in html
    assert "Laying out the cover and 17 canvases" in html
    assert 'value="42"' in html
    assert 'hx-trigger="every 1s"' in html


def test_it_gives_htmx_the_progress_partial_to_poll(organisation, owner, client_as):
    export = _request(organisation, owner, "journey.canvases")

    response = client_as(owner).get(_detail_url(export), **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert "HX-Request" in response["Vary"]
    assert "<html" not in html
    assert html.lstrip().startswith('<section id="export-progress"')
    assert 'hx-trigger="every 1s"' in html
    assert "Waiting for its turn" in html


def test_it_stops_the_polling_once_the_file_is_ready(organisation, owner, client_as):
    export = _request(organisation, owner, "journey.canvas", {"number": 3})
    export_run.call(export.pk)

    response = client_as(owner).get(_detail_url(export), **HTMX)

    html = response.content.decode()
    assert response.status_code == 286
    assert "HX-Request" in response["Vary"]
    assert "hx-trigger" not in html
    assert _download_url(export) in html


def test_it_stops_the_polling_once_the_export_failed(organisation, owner, client_as, test_kinds):
    export = _request(organisation, owner, FAILING)
    export_run.call(export.pk)

    response = client_as(owner).get(_detail_url(export), **HTMX)

    assert response.status_code == 286
    assert "Step 99 has gone" in response.content.decode()


def test_it_gives_up_on_an_export_whose_worker_stopped(organisation, owner, client_as, settings):
    settings.EXPORT_TIME_BUDGET_SECONDS = 10
    export = _request(organisation, owner, "journey.canvases")
    Export.objects.filter(pk=export.pk).update(
        status=Export.Status.RUNNING, started_at=timezone.now() - timedelta(seconds=71)
    )

    response = client_as(owner).get(_detail_url(export), **HTMX)

    assert response.status_code == 286
    assert "The export worker stopped while making this file" in response.content.decode()
    assert _request(organisation, owner, "journey.canvases").pk != export.pk


def test_it_warns_when_an_export_is_slow_to_start(organisation, owner, client_as):
    export = _request(organisation, owner, "journey.canvases")
    client = client_as(owner)

    assert "longer than usual" not in client.get(_detail_url(export)).content.decode()
    Export.objects.filter(pk=export.pk).update(created_at=timezone.now() - timedelta(minutes=1))
    assert (
        "the export worker may not be running" in client.get(_detail_url(export)).content.decode()
    )


@pytest.mark.parametrize("url", [_detail_url, _download_url], ids=["page", "download"])
def test_it_hides_an_export_from_everyone_but_the_person_who_asked(
    url, organisation, members, client_as
):
    export = _request(organisation, members[Role.MEMBER], "journey.canvas", {"number": 3})
    export_run.call(export.pk)

    for role in (Role.OWNER, Role.FACILITATOR, Role.EXECUTIVE):
        assert client_as(members[role]).get(url(export)).status_code == 404
    assert client_as(members[Role.MEMBER]).get(url(export)).status_code == 200


@pytest.mark.parametrize("url", [_detail_url, _download_url], ids=["page", "download"])
def test_it_hides_an_export_from_an_outsider(url, organisation, owner, outsider, client_as):
    export = _request(organisation, owner, "journey.canvas", {"number": 3})
    export_run.call(export.pk)

    response = client_as(outsider).get(url(export))

    assert response.status_code == 404
    assert response["Content-Type"] != "application/pdf"


def test_it_does_not_find_an_export_through_another_organisation(
    organisation, other_organisation, outsider, client_as
):
    export = _request(other_organisation, outsider, "journey.canvases")
    url = reverse("exports:detail", kwargs={"org_slug": "globex", "export_id": export.pk})
    wrong = reverse("exports:detail", kwargs={"org_slug": "acme", "export_id": export.pk})

    assert client_as(outsider).get(url).status_code == 200
    assert client_as(outsider).get(wrong).status_code == 404


# --- a canvas at the form's limits ----------------------------------------------------------------


def test_it_exports_a_canvas_filled_to_the_limits_without_holding_the_request(
    organisation, facilitator_client
):
    step = journey_step(organisation, 3)
    canvas_fill_to_limits(step=step)
    # Where the button is; this first request also loads the URL configuration and views.
    assert facilitator_client.get(f"/o/acme/journey/{step.number}/").status_code == 200

    started = time.monotonic()
    response = facilitator_client.post(_step_url(organisation))
    request_seconds = time.monotonic() - started

    assert response.status_code == 302
    assert request_seconds < 2
    export = Export.objects.get()
    started = time.monotonic()
    assert export_run.call(export.pk) == "ready"
    render_seconds = time.monotonic() - started
    download = facilitator_client.get(_download_url(export))
    assert download.status_code == 200
    pdf = PdfReader(io.BytesIO(download.content))
    assert len(pdf.pages) > 1
    assert "today paragraph 1" in _pdf_text(download.content)
    print(f"request {request_seconds:.2f} s, render {render_seconds:.1f} s, {len(pdf.pages)} pages")
