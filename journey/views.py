"""The journey's pages: the map, a step with its canvas (read view and editor), the canvas's
history, "my actions", and the exports.

Each swap target has one context builder, used by the full page and by the htmx response
alike. A save reads one way through: view -> form -> service -> response.
"""

from datetime import date
from operator import itemgetter

from django.contrib import messages
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.html import escape, linebreaks
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from kernel.templatetags.fixed_urls import organisation_url
from organisations.access import OrganisationRequest, organisation_view
from organisations.exports import export_redirect, export_request
from organisations.roles import Action

from . import canvas as canvas_content
from . import exports as journey_exports
from .forms import (
    CanvasEditor,
    ExportForm,
    Owner,
    PlanForm,
    StatusFields,
    StatusForm,
    is_web_link,
    owner_choices,
    status_fields,
    status_fields_of,
)
from .models import Canvas, CanvasRevision, JourneyStep, StepDefinition
from .progress import phases, progress
from .selectors import (
    canvas_revisions,
    journey_map_rows,
    journey_statuses,
    journey_step,
    journey_steps,
    member_actions,
)
from .services import Conflict, canvas_restore, canvas_save, step_plan, step_set_status

STATUS_LABELS = dict(JourneyStep.Status.choices)


def _get_step_for_member(request: OrganisationRequest, number: int) -> JourneyStep:
    return journey_step(request.organisation, number)


def _get_revision_for_member(canvas: Canvas, version: int) -> CanvasRevision:
    return get_object_or_404(canvas.revisions, version=version)


def _step_url(request: OrganisationRequest, name: str, step: JourneyStep) -> str:
    return reverse(
        f"journey:{name}", kwargs={"org_slug": request.organisation.slug, "number": step.number}
    )


def _map_url(request: OrganisationRequest) -> str:
    return organisation_url("journey:map", request.organisation.slug)


def _step_links(request: OrganisationRequest, number: int) -> dict[str, str]:
    """The step page's links and form actions, joined onto the map's URL as the map's cards
    do (journey/urls.py) rather than reversed one by one: ten {% url %} tags were a good
    part of the page's own render time."""
    map_url = _map_url(request)
    step_url = f"{map_url}{number}/"
    return {
        "map": map_url,
        "step": step_url,
        "edit": f"{step_url}edit/",
        "canvas": f"{step_url}canvas/",
        "canvas_pdf": f"{step_url}canvas.pdf",
        "history": f"{step_url}history/",
        "status": f"{step_url}status/",
        "plan": f"{step_url}plan/",
    }


# Forms with their initial values


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


def _plan_form(request: OrganisationRequest, step: JourneyStep, data=None) -> PlanForm:
    return PlanForm(
        data,
        initial={"owner": step.owner_id, "due_date": step.due_date, "version": step.version},
        organisation=request.organisation,
    )


def _editor(request: OrganisationRequest, step: JourneyStep, data=None) -> CanvasEditor:
    shape = step.definition.shape
    return CanvasEditor(
        shape=shape,
        content=shape.normalise(step.canvas.content),
        version=step.canvas.version,
        data=data,
        owners=owner_choices(request.organisation),
    )


# One context builder per partial


def _map_row(step: JourneyStep) -> dict:
    """A loaded step as one of journey_map_rows' rows, for the card swapped in after a change."""
    owner, definition = step.owner, step.definition
    return {
        "status": step.status,
        "not_applicable_reason": step.not_applicable_reason,
        "due_date": step.due_date,
        "version": step.version,
        "definition__number": definition.number,
        "definition__phase": definition.phase,
        "definition__phase_title": definition.phase_title,
        "definition__title": definition.title,
        "owner__name": owner.name if owner else None,
        "owner__email": owner.email if owner else None,
        "actions": (step.canvas.content or {}).get("actions"),
    }


def _short_date(day: date) -> str:
    """`day` as the date filter's "j M Y" writes it (18 Oct 2026), in the active language,
    without the filter's format parser, which took longer than the rest of a card."""
    return f"{day.day} {MONTHS_3[day.month].title()} {day.year:04d}"


def _canvas_view(shape: canvas_content.Shape, content: dict) -> dict:
    """A normalised canvas as journey/includes/canvas_view.html shows it, its text escaped
    once: each text section's paragraphs, the step's own list as rows of (column label,
    value), next actions with their due date written out, and links with the address they
    may point to ("" for one that is shown as text). The template's filters (a lookup per
    cell, the date filter's format parser) took longer than the rest of the read view."""
    actions = []
    for row in content["actions"]:
        due = canvas_content.action_due(row)
        actions.append(
            {
                "action": escape(row["action"]),
                "owner": escape(row["owner"] or "—"),
                "due": escape(row["due"]),
                "due_text": escape(_short_date(due) if due else row["due"]),
            }
        )
    labels = [escape(label) for _, label in shape.item_columns]
    return {
        "sections": [
            {
                "key": section.key,
                "label": section.label,
                # What the linebreaks filter gives: paragraphs of the escaped text.
                "text": SafeString(linebreaks(content[section.key], autoescape=True))
                if content[section.key]
                else "",
            }
            for section in canvas_content.TEXT_SECTIONS
        ],
        "has_items": shape.has_items,
        "items_title": shape.items_title,
        "item_labels": labels,
        "items": [
            [
                (label, escape(row[key]))
                for label, (key, _) in zip(labels, shape.item_columns, strict=True)
            ]
            for row in content["items"]
        ],
        "actions": actions,
        "links": [
            {
                "href": escape(row["url"]) if is_web_link(row["url"]) else "",
                "title": escape(row["title"]),
                "url": escape(row["url"]),
            }
            for row in content["links"]
        ],
    }


def _card_context(
    row: dict, *, today: date, base_url: str, can_plan: bool, form: StatusForm | None = None
) -> dict:
    """A map card from one of journey_map_rows' rows, with its links, its status fields (for
    those who may change them) and how many of its actions are overdue. A step that is done or
    does not apply has nothing overdue any more.

    Seventeen cards make most of the map's render time, so the card is worked out here as a
    dict (a template looks a dict's keys up faster than an object's attributes) of text,
    escaped once (the template would escape the number and URLs again on each of their
    uses): numbers as text, URLs joined rather than reversed, the due date written out."""
    number, status = row["definition__number"], row["status"]
    open_step = status not in (JourneyStep.Status.DONE, JourneyStep.Status.NOT_APPLICABLE)
    due = row["due_date"]
    url = escape(f"{base_url}{number}/")
    fields = None
    if can_plan:
        fields = (
            status_fields_of(form)
            if form
            else status_fields(
                number=number,
                status=status,
                reason=row["not_applicable_reason"],
                version=row["version"],
            )
        )
    return {
        "number": escape(number),
        "phase": row["definition__phase"],
        "phase_title": row["definition__phase_title"],
        "title": escape(row["definition__title"]),
        "url": url,
        "status_url": escape(f"{url}status/"),
        "status": escape(status),
        "status_label": escape(STATUS_LABELS[status]),
        "reason": escape(row["not_applicable_reason"])
        if status == JourneyStep.Status.NOT_APPLICABLE
        else "",
        # As User.__str__ has it.
        "owner": escape(row["owner__name"] or row["owner__email"] or "—"),
        "due_iso": escape(due.isoformat()) if due else "",
        "due_text": escape(_short_date(due)) if due else "",
        "late": open_step and due is not None and due < today,
        "overdue_actions": len(
            canvas_content.overdue_actions({"actions": row["actions"] or []}, today)
        )
        if open_step
        else 0,
        "fields": fields,
    }


def _map_context(request: OrganisationRequest, forms: dict[int, StatusForm] | None = None) -> dict:
    """The whole map. `forms` holds a step's status form as sent, when it comes back invalid
    without htmx: that card shows what was chosen, with the errors."""
    rows = journey_map_rows(request.organisation)
    today = timezone.localdate()
    presenting = request.GET.get("view") == "present"
    can_plan = request.actor.can(Action.JOURNEY_PLAN) and not presenting
    base_url = _map_url(request)
    forms = forms or {}
    cards = [
        _card_context(
            row,
            today=today,
            base_url=base_url,
            can_plan=can_plan,
            form=forms.get(row["definition__number"]),
        )
        for row in rows
    ]
    context = {
        "phases": phases(cards, phase_of=itemgetter("phase", "phase_title")),
        "progress": progress(row["status"] for row in rows),
        "can_plan": can_plan,
        "can_export": request.actor.can(Action.CANVAS_EXPORT),
        "presenting": presenting,
    }
    if can_plan:
        # The token the csrf context processor would give, worked out and escaped once rather
        # than on each of the seventeen forms.
        context["csrf_token"] = escape(get_token(request))
    return context


def _status_context(
    request: OrganisationRequest, step: JourneyStep, form: StatusForm | None, *, can_plan: bool
) -> dict:
    return {
        "step": step,
        "links": _step_links(request, step.number),
        "status_fields": status_fields_of(form) if form else _initial_status_fields(step),
        "can_plan": can_plan,
    }


def _initial_status_fields(step: JourneyStep) -> StatusFields:
    return status_fields(
        number=step.number,
        status=step.status,
        reason=step.not_applicable_reason,
        version=step.version,
    )


def _plan_context(
    request: OrganisationRequest,
    step: JourneyStep,
    form: PlanForm,
    *,
    can_plan: bool,
    owners: list[Owner] | None = None,
) -> dict:
    """The owner and due date: a form for those who may plan (`owners` are the members it
    offers, read here when not given), else the values."""
    if can_plan and owners is None:
        owners = owner_choices(request.organisation)
    return {
        "step": step,
        "links": _step_links(request, step.number),
        "plan_form": form,
        "owner_options": form.owner_options(owners) if can_plan else [],
        "can_plan": can_plan,
    }


def _canvas_context(
    request: OrganisationRequest, step: JourneyStep, *, editor: CanvasEditor | None, **state
) -> dict:
    """The canvas panel: its heading and meta line, then the read view or the editor.
    `state` carries what a save left to say: notice, invalid, conflict."""
    shape = step.definition.shape
    content = shape.normalise(step.canvas.content)
    return {
        "step": step,
        "links": _step_links(request, step.number),
        "canvas": step.canvas,
        "filled": shape.filled_count(content),
        "can_edit": request.actor.can(Action.CANVAS_EDIT),
        "editor": editor,
        "editor_fields": editor.fields() if editor else None,
        "view": None if editor else _canvas_view(shape, content),
        "text_max": canvas_content.TEXT_MAX,
        **state,
    }


def _step_context(
    request: OrganisationRequest,
    step: JourneyStep,
    *,
    editor: CanvasEditor | None = None,
    status_form: StatusForm | None = None,
    plan_form: PlanForm | None = None,
    **canvas_state,
) -> dict:
    can_plan = request.actor.can(Action.JOURNEY_PLAN)
    step_count = StepDefinition.objects.count()
    return {
        **_canvas_context(request, step, editor=editor, **canvas_state),
        **_status_context(request, step, status_form, can_plan=can_plan),
        # The editor's owner picker and the plan form offer the same members: read once.
        **_plan_context(
            request,
            step,
            plan_form or _plan_form(request, step),
            can_plan=can_plan,
            owners=editor.owners if editor else None,
        ),
        "step_count": step_count,
        "previous_step": step.number - 1 if step.number > 1 else None,
        "next_step": step.number + 1 if step.number < step_count else None,
        "map_url": _map_url(request),
    }


# Pages


@require_GET
@organisation_view(Action.JOURNEY_VIEW)
def journey_map(request: OrganisationRequest) -> HttpResponse:
    return render(request, "journey/map.html", _map_context(request))


@require_GET
@organisation_view(Action.JOURNEY_VIEW)
def step_detail(request: OrganisationRequest, number: int) -> HttpResponse:
    """The step with its canvas as a read view, for everyone (an editor gets "Edit")."""
    step = _get_step_for_member(request, number)
    return render(request, "journey/step.html", _step_context(request, step))


@require_GET
@organisation_view(Action.CANVAS_EDIT)
def canvas_edit(request: OrganisationRequest, number: int) -> HttpResponse:
    """The same step page with the canvas as a form."""
    step = _get_step_for_member(request, number)
    context = _step_context(request, step, editor=_editor(request, step), focus_first=True)
    return render(request, "journey/step.html", context)


@require_GET
@organisation_view(Action.JOURNEY_VIEW)
def my_actions(request: OrganisationRequest) -> HttpResponse:
    """The next actions, across every canvas, that the signed-in member owns."""
    today = timezone.localdate()
    actions = member_actions(request.organisation, user=request.actor.user)
    owned_steps = [
        step
        for step in journey_steps(request.organisation).filter(owner=request.actor.user)
        if step.status not in (JourneyStep.Status.DONE, JourneyStep.Status.NOT_APPLICABLE)
    ]
    return render(
        request,
        "journey/my_actions.html",
        {"actions": actions, "owned_steps": owned_steps, "today": today},
    )


# Writes


@require_POST
@organisation_view(Action.JOURNEY_PLAN)
def step_status(request: OrganisationRequest, number: int) -> HttpResponse:
    """Change a step's status, from the map (a card swaps in place) or from the step page."""
    step = _get_step_for_member(request, number)
    from_page = request.POST.get("from") == "step"
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
            step, status = conflict.current, 409
            form = _status_form(step)
            form.conflict = True
        else:
            form = _status_form(step)
            form.saved = True
    return _status_response(request, step, form, status=status, from_page=from_page)


def _status_response(
    request: OrganisationRequest, step: JourneyStep, form: StatusForm, *, status: int, from_page
) -> HttpResponse:
    if request.htmx:
        if from_page:
            context = _status_context(request, step, form, can_plan=True)
            return render(request, "journey/step.html#status", context, status=status)
        context = {
            "card": _card_context(
                _map_row(step),
                today=timezone.localdate(),
                base_url=_map_url(request),
                can_plan=True,
                form=form,
            ),
            "can_plan": True,
            # The progress card beside the map changes with the status: swapped out of band.
            "progress": progress(journey_statuses(request.organisation)),
            "swap_progress": True,
        }
        return render(request, "journey/map.html#step-card", context, status=status)
    if status == 400:
        if from_page:
            context = _step_context(request, step, status_form=form)
            return render(request, "journey/step.html", context, status=400)
        context = _map_context(request, forms={step.number: form})
        return render(request, "journey/map.html", context, status=400)
    if status == 200:
        messages.success(request, f"Step {step.number} is now {step.get_status_display().lower()}.")
    else:
        messages.error(
            request,
            f"Someone changed step {step.number} while you were looking; "
            f"it is now {step.get_status_display().lower()}. Choose again if needed.",
        )
    if from_page:
        return redirect(_step_url(request, "step", step))
    return redirect(f"{_map_url(request)}#step-{step.number}")


@require_POST
@organisation_view(Action.JOURNEY_PLAN)
def step_plan_view(request: OrganisationRequest, number: int) -> HttpResponse:
    step = _get_step_for_member(request, number)
    form = _plan_form(request, step, request.POST)
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
        form = _plan_form(request, step, data)
        form.is_valid()
        form.conflict = True
        return _plan_response(request, step, form, status=409)
    if not request.htmx:
        messages.success(request, "Owner and due date saved.")
        return redirect(_step_url(request, "step", step))
    form = _plan_form(request, step)
    form.saved = True
    return _plan_response(request, step, form)


def _plan_response(
    request: OrganisationRequest, step: JourneyStep, form: PlanForm, status: int = 200
) -> HttpResponse:
    if request.htmx:
        context = _plan_context(request, step, form, can_plan=True)
        return render(request, "journey/step.html#plan", context, status=status)
    context = _step_context(request, step, plan_form=form)
    return render(request, "journey/step.html", context, status=status)


@require_POST
@organisation_view(Action.CANVAS_EDIT)
def canvas_save_view(request: OrganisationRequest, number: int) -> HttpResponse:
    step = _get_step_for_member(request, number)
    editor = _editor(request, step, request.POST)
    if add_row := request.POST.get("add_row"):
        return _canvas_response(request, step, editor.with_extra_row(add_row))
    if not editor.is_valid():
        return _canvas_response(request, step, editor, status=400, invalid=True)
    try:
        changed = canvas_save(
            canvas=step.canvas,
            content=editor.content(),
            base_version=editor.base_version,
            actor=request.actor,
        )
    except Conflict as conflict:
        theirs = conflict.current
        # Keep everything this person typed, now based on the newer version, so that saving
        # again is a deliberate choice made after seeing the other version.
        step.canvas = theirs
        shape = step.definition.shape
        conflict_state = {
            "view": _canvas_view(shape, shape.normalise(theirs.content)),
            "by": theirs.updated_by,
            "at": theirs.updated_at,
            "version": theirs.version,
        }
        rebased = editor.with_rebased_version(theirs.version)
        return _canvas_response(request, step, rebased, status=409, conflict=conflict_state)
    notice = f"Saved: {', '.join(changed)}." if changed else "Nothing had changed."
    if not request.htmx:
        messages.success(request, notice)
        return redirect(_step_url(request, "edit", step) + "#canvas-panel")
    return _canvas_response(request, step, _editor(request, step), notice=notice)


def _canvas_response(
    request: OrganisationRequest,
    step: JourneyStep,
    editor: CanvasEditor,
    status: int = 200,
    **state,
) -> HttpResponse:
    if request.htmx:
        context = _canvas_context(request, step, editor=editor, **state)
        return render(request, "journey/step.html#canvas-panel", context, status=status)
    context = _step_context(request, step, editor=editor, **state)
    return render(request, "journey/step.html", context, status=status)


@require_GET
@organisation_view(Action.JOURNEY_VIEW)
def canvas_history(request: OrganisationRequest, number: int) -> HttpResponse:
    step = _get_step_for_member(request, number)
    revisions = list(canvas_revisions(step.canvas))
    shape = step.definition.shape
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
        "shown_view": _canvas_view(shape, shape.normalise(shown.content)) if shown else None,
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
        return redirect(_step_url(request, "history", step))
    try:
        changed = canvas_restore(
            canvas=step.canvas, revision=revision, base_version=base_version, actor=request.actor
        )
    except Conflict:
        messages.error(
            request,
            "The canvas changed after you opened its history. Look at the latest version "
            "before restoring.",
        )
        return redirect(_step_url(request, "history", step))
    if changed:
        messages.success(request, f"Version {revision.version} is back as the current canvas.")
    else:
        messages.info(request, "The canvas already matches that version.")
    url = _step_url(request, "step", step)
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
    """Ask for every canvas, with a summary, as one PDF made in the background."""
    form = ExportForm(request.POST)
    include_empty = form.is_valid() and form.cleaned_data["include_empty"]
    export = export_request(
        organisation=request.organisation,
        actor=request.actor,
        kind=journey_exports.CANVASES,
        params={"include_empty": include_empty},
        title=journey_exports.CANVASES_TITLE,
    )
    return export_redirect(request, export)
