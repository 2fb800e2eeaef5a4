from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from organisations.access import OrganisationRequest, organisation_view
from organisations.exports import export_redirect, export_request
from organisations.roles import Action

from . import canvas as canvas_content
from . import exports as journey_exports
from .forms import CanvasEditor, PlanForm, StatusForm
from .models import Canvas, CanvasRevision, JourneyStep, StepDefinition
from .progress import phases, progress
from .selectors import canvas_revisions, journey_step, journey_steps
from .services import Conflict, canvas_restore, canvas_save, step_plan, step_set_status


def _get_step_for_member(request: OrganisationRequest, number: int) -> JourneyStep:
    return journey_step(request.organisation, number)


def _get_revision_for_member(canvas: Canvas, version: int) -> CanvasRevision:
    return get_object_or_404(canvas.revisions.select_related("author"), version=version)


def _status_form(step: JourneyStep, data=None) -> StatusForm:
    return StatusForm(
        data,
        initial={
            "status": step.status,
            "not_applicable_reason": step.not_applicable_reason,
            "version": step.version,
        },
        prefix=f"step{step.number}",
    )


def _map_context(request: OrganisationRequest) -> dict:
    steps = list(journey_steps(request.organisation))
    today = timezone.localdate()
    for step in steps:
        step.status_form = _status_form(step)
        step.overdue_actions = len(canvas_content.overdue_actions(step.canvas.content, today))
    return {
        "phases": phases(steps),
        "progress": progress(step.status for step in steps),
        "can_plan": request.actor.can(Action.JOURNEY_PLAN),
        "status_choices": JourneyStep.Status.choices,
        "today": timezone.localdate(),
    }


@require_GET
@organisation_view(Action.JOURNEY_VIEW)
def journey_map(request: OrganisationRequest) -> HttpResponse:
    return render(request, "journey/map.html", _map_context(request))


def _step_context(request: OrganisationRequest, step: JourneyStep, **overrides) -> dict:
    canvas = step.canvas
    extra_list = step.definition.extra_list
    step_count = StepDefinition.objects.count()
    context = {
        "step": step,
        "canvas": canvas,
        "content": canvas_content.normalise(canvas.content, extra_list),
        "text_sections": canvas_content.TEXT_SECTIONS,
        "item_columns": canvas_content.item_columns(extra_list),
        "can_plan": request.actor.can(Action.JOURNEY_PLAN),
        "can_edit": request.actor.can(Action.CANVAS_EDIT),
        "status_form": _status_form(step),
        "plan_form": PlanForm(
            initial={"owner": step.owner_id, "due_date": step.due_date, "version": step.version},
            organisation=request.organisation,
        ),
        "editor": CanvasEditor(
            extra_list=extra_list, content=canvas.content, version=canvas.version
        ),
        "step_count": step_count,
        "previous_step": step.number - 1 if step.number > 1 else None,
        "next_step": step.number + 1 if step.number < step_count else None,
        "filled": canvas_content.filled_count(canvas.content, extra_list),
    }
    context.update(overrides)
    return context


@require_GET
@organisation_view(Action.JOURNEY_VIEW)
def step_detail(request: OrganisationRequest, number: int) -> HttpResponse:
    step = _get_step_for_member(request, number)
    return render(request, "journey/step.html", _step_context(request, step))


@require_POST
@organisation_view(Action.JOURNEY_PLAN)
def step_status(request: OrganisationRequest, number: int) -> HttpResponse:
    """Change a step's status, from the map (a card swaps in place) or from the step page."""
    step = _get_step_for_member(request, number)
    form = _status_form(step, request.POST)
    status = 200
    if not form.is_valid():
        status = 400
    else:
        try:
            step = step_set_status(
                step=step,
                status=form.cleaned_data["status"],
                not_applicable_reason=form.cleaned_data["not_applicable_reason"],
                base_version=form.cleaned_data["version"],
            )
        except Conflict as conflict:
            step = conflict.current
            status = 409
            form = _status_form(step)
            form.conflict = True
        else:
            form = _status_form(step)
            form.saved = True
    from_page = request.POST.get("from") == "step"
    step.status_form = form
    step.overdue_actions = len(
        canvas_content.overdue_actions(step.canvas.content, timezone.localdate())
    )
    if request.htmx:
        template = "journey/step.html#status" if from_page else "journey/map.html#step-card"
        context = {
            "step": step,
            "status_form": form,
            "status_choices": JourneyStep.Status.choices,
            "can_plan": True,
            "today": timezone.localdate(),
        }
        return render(request, template, context, status=status)
    if status == 200:
        messages.success(request, f"Step {step.number} is now {step.get_status_display().lower()}.")
    elif status == 409:
        messages.error(
            request,
            f"Someone changed step {step.number} while you were looking; "
            f"it is now {step.get_status_display().lower()}. Choose again if needed.",
        )
    else:
        if from_page:
            return render(
                request,
                "journey/step.html",
                _step_context(request, step, status_form=form),
                status=400,
            )
        context = _map_context(request)
        for phase in context["phases"]:
            phase["steps"] = [step if s.pk == step.pk else s for s in phase["steps"]]
        return render(request, "journey/map.html", context, status=400)
    if from_page:
        return redirect("journey:step", org_slug=request.organisation.slug, number=step.number)
    return redirect(f"{_map_url(request)}#step-{step.number}")


def _map_url(request: OrganisationRequest) -> str:
    return reverse("journey:map", kwargs={"org_slug": request.organisation.slug})


@require_POST
@organisation_view(Action.JOURNEY_PLAN)
def step_plan_view(request: OrganisationRequest, number: int) -> HttpResponse:
    step = _get_step_for_member(request, number)
    form = PlanForm(request.POST, organisation=request.organisation)
    if not form.is_valid():
        return _plan_response(request, step, form, status=400)
    try:
        step = step_plan(
            step=step,
            owner=form.cleaned_data["owner"],
            due_date=form.cleaned_data["due_date"],
            base_version=form.cleaned_data["version"],
        )
    except Conflict as conflict:
        step = conflict.current
        data = request.POST.copy()
        data["version"] = str(step.version)
        form = PlanForm(data, organisation=request.organisation)
        form.is_valid()
        form.conflict = True
        return _plan_response(request, step, form, status=409)
    form = PlanForm(
        initial={"owner": step.owner_id, "due_date": step.due_date, "version": step.version},
        organisation=request.organisation,
    )
    form.saved = True
    if request.htmx:
        return _plan_response(request, step, form)
    messages.success(request, "Owner and due date saved.")
    return redirect("journey:step", org_slug=request.organisation.slug, number=step.number)


def _plan_response(request, step, form, status=200) -> HttpResponse:
    if request.htmx:
        context = {"step": step, "plan_form": form, "can_plan": True}
        return render(request, "journey/step.html#plan", context, status=status)
    return render(
        request, "journey/step.html", _step_context(request, step, plan_form=form), status=status
    )


@require_POST
@organisation_view(Action.CANVAS_EDIT)
def canvas_save_view(request: OrganisationRequest, number: int) -> HttpResponse:
    step = _get_step_for_member(request, number)
    canvas = step.canvas
    extra_list = step.definition.extra_list
    editor = CanvasEditor(
        extra_list=extra_list, content=canvas.content, version=canvas.version, data=request.POST
    )
    if add_row := request.POST.get("add_row"):
        return _canvas_response(request, step, editor.with_extra_row(add_row))
    if not editor.is_valid():
        return _canvas_response(request, step, editor, status=400, invalid=True)
    try:
        changed = canvas_save(
            canvas=canvas,
            content=editor.content(),
            base_version=editor.base_version,
            author=request.user,
        )
    except Conflict as conflict:
        theirs = conflict.current
        # Keep everything this person typed, now based on the newer version, so that saving
        # again is a deliberate choice made after seeing the other version.
        return _canvas_response(
            request,
            step,
            editor.with_rebased_version(theirs.version),
            status=409,
            conflict={
                "content": canvas_content.normalise(theirs.content, extra_list),
                "by": theirs.updated_by,
                "at": theirs.updated_at,
                "version": theirs.version,
            },
        )
    fresh = CanvasEditor(extra_list=extra_list, content=canvas.content, version=canvas.version)
    notice = f"Saved: {', '.join(changed)}." if changed else "Nothing had changed."
    if request.htmx:
        return _canvas_response(request, step, fresh, notice=notice)
    messages.success(request, notice)
    return redirect("journey:step", org_slug=request.organisation.slug, number=step.number)


def _canvas_response(
    request: OrganisationRequest,
    step: JourneyStep,
    editor: CanvasEditor,
    status: int = 200,
    **extra,
) -> HttpResponse:
    step.canvas.refresh_from_db()
    context = _step_context(request, step, editor=editor, **extra)
    template = "journey/step.html#canvas-form" if request.htmx else "journey/step.html"
    return render(request, template, context, status=status)


@require_GET
@organisation_view(Action.JOURNEY_VIEW)
def canvas_history(request: OrganisationRequest, number: int) -> HttpResponse:
    step = _get_step_for_member(request, number)
    revisions = list(canvas_revisions(step.canvas))
    extra_list = step.definition.extra_list
    shown = None
    if version := request.GET.get("version"):
        shown = next((r for r in revisions if str(r.version) == version), None)
        if shown is None:
            messages.error(request, "There is no such revision.")
    context = {
        "step": step,
        "canvas": step.canvas,
        "revisions": revisions,
        "shown": shown,
        "shown_content": canvas_content.normalise(shown.content, extra_list) if shown else None,
        "text_sections": canvas_content.TEXT_SECTIONS,
        "item_columns": canvas_content.item_columns(extra_list),
        "can_edit": request.actor.can(Action.CANVAS_EDIT),
    }
    return render(request, "journey/history.html", context)


@require_POST
@organisation_view(Action.CANVAS_EDIT)
def canvas_restore_view(request: OrganisationRequest, number: int, version: int) -> HttpResponse:
    step = _get_step_for_member(request, number)
    revision = _get_revision_for_member(step.canvas, version)
    try:
        base_version = int(request.POST.get("base_version", ""))
    except ValueError:
        messages.error(request, "That restore request was incomplete. Try again.")
        return redirect("journey:history", org_slug=request.organisation.slug, number=step.number)
    try:
        changed = canvas_restore(
            canvas=step.canvas, revision=revision, base_version=base_version, author=request.user
        )
    except Conflict:
        messages.error(
            request,
            "The canvas changed after you opened its history. Look at the latest version "
            "before restoring.",
        )
        return redirect("journey:history", org_slug=request.organisation.slug, number=step.number)
    if changed:
        messages.success(request, f"Version {revision.version} is back as the current canvas.")
    else:
        messages.info(request, "The canvas already matches that version.")
    url = reverse(
        "journey:step", kwargs={"org_slug": request.organisation.slug, "number": step.number}
    )
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


@require_POST
@organisation_view(Action.CANVAS_EXPORT)
def canvas_pdf(request: OrganisationRequest, number: int) -> HttpResponse:
    """Ask for one canvas as a PDF; it is made in the background (organisations.exports)."""
    step = _get_step_for_member(request, number)
    export = export_request(
        organisation=request.organisation,
        actor=request.actor,
        kind=journey_exports.CANVAS,
        params={"number": step.number},
        title=journey_exports.canvas_title(step),
    )
    return export_redirect(request, export)


@require_POST
@organisation_view(Action.CANVAS_EXPORT)
def journey_pdf(request: OrganisationRequest) -> HttpResponse:
    """Ask for every canvas, with a cover and the map, as one PDF made in the background."""
    export = export_request(
        organisation=request.organisation,
        actor=request.actor,
        kind=journey_exports.CANVASES,
        params={},
        title=journey_exports.CANVASES_TITLE,
    )
    return export_redirect(request, export)
