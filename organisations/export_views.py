"""The page that follows one background export, and its download.

Only the person who asked for an export may see it: anyone else in the organisation, even an
owner, gets a 404, as if it did not exist.
"""

from datetime import timedelta

from django.db.models.functions import Length
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET
from django_htmx.http import HttpResponseStopPolling

from .access import OrganisationRequest, organisation_view
from .exports import KEEP_FOR, exports_for, is_abandoned
from .models import Export
from .roles import Action

SLOW_TO_START = timedelta(seconds=30)


def _get_export_for_requester(request: OrganisationRequest, export_id: int) -> Export:
    exports = exports_for(organisation=request.organisation, actor=request.actor)
    # The file itself is read only by the download.
    return get_object_or_404(
        exports.defer("content").annotate(size=Length("content")), pk=export_id
    )


def _progress_context(export: Export) -> dict:
    now = timezone.now()
    # Say so rather than poll for ever when a worker stopped mid-export.
    abandoned = is_abandoned(export, now=now)
    return {
        "export": export,
        "finished": export.is_finished or abandoned,
        "abandoned": abandoned,
        # Still queued after this long usually means no export worker is running.
        "slow_to_start": export.status == Export.Status.QUEUED
        and now - export.created_at > SLOW_TO_START,
        "kept_until": export.finished_at + KEEP_FOR if export.finished_at else None,
        "running_seconds": int((now - export.started_at).total_seconds())
        if export.started_at
        else 0,
    }


@require_GET
@organisation_view(Action.EXPORTS_VIEW)
def export_detail(request: OrganisationRequest, export_id: int) -> HttpResponse:
    """Title, stage and progress; the partial polls itself until the file is ready or failed."""
    export = _get_export_for_requester(request, export_id)
    context = _progress_context(export)
    if request.htmx:
        response = render(request, "exports/detail.html#progress", context)
        if context["finished"]:
            # 286: htmx swaps this last version in and stops polling.
            response.status_code = HttpResponseStopPolling.status_code
    else:
        response = render(request, "exports/detail.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
@organisation_view(Action.EXPORTS_VIEW)
def export_download(request: OrganisationRequest, export_id: int) -> HttpResponse:
    export = _get_export_for_requester(request, export_id)
    if export.status != Export.Status.READY:
        return redirect("exports:detail", org_slug=request.organisation.slug, export_id=export.pk)
    content = Export.objects.values_list("content", flat=True).get(pk=export.pk)
    response = HttpResponse(bytes(content), content_type=export.content_type)
    response.headers["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=export.filename
    )
    # A download must never be sniffed as HTML, and no shared cache may keep organisation data.
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
