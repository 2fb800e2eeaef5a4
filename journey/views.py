"""The journey's pages: the map, a step with its canvas (read view and editor), the canvas's
history, "my actions", and the exports.

Each swap target has one context builder, used by the full page and by the htmx response
alike. A save reads one way through: view -> form -> service -> response.
"""

import html
from datetime import date, datetime
from functools import cache
from operator import itemgetter

from django.contrib import messages
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.html import conditional_escape, escape, linebreaks
from django.utils.safestring import SafeString
from django.utils.timezone import template_localtime
from django.utils.translation import get_language
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
    owner_options,
    plan_fields,
    plan_fields_of,
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
_STATUS_LABELS_ESCAPED = {status: html.escape(label) for status, label in STATUS_LABELS.items()}


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
    return f"{day.day} {_month_abbreviations(get_language())[day.month]} {day.year:04d}"


def _short_datetime(moment: datetime | None) -> str:
    """`moment` as the date filter's "j M Y, H:i" writes it (18 Oct 2026, 09:05), in the
    current time zone, without the filter's format parser."""
    if not moment:
        return ""
    moment = template_localtime(moment)
    return f"{_short_date(moment)}, {moment:%H:%M}"


@cache
def _month_abbreviations(language: str) -> dict[int, str]:
    # Translated once per language rather than for every date shown.
    return {number: str(name).title() for number, name in MONTHS_3.items()}


def _canvas_view(shape: canvas_content.Shape, content: dict) -> dict:
    """A normalised canvas as journey/includes/canvas_view.html shows it, its text escaped
    once: each text section's paragraphs, the step's own list and the next actions as the
    rows of their tables (their due dates written out), and links with the address they may
    point to ("" for one that is shown as text). The template's filters (a lookup per cell,
    the date filter's format parser) and its loops over the tables' cells took longer than
    the rest of the read view."""
    actions = []
    for row in content["actions"]:
        due = canvas_content.action_due(row)
        when = "—"
        if row["due"]:
            due_text = _short_date(due) if due else row["due"]
            when = f'<time datetime="{html.escape(row["due"])}">{html.escape(due_text)}</time>'
        actions.append(
            f'<tr><td data-label="Action">{html.escape(row["action"])}</td>'
            f'<td data-label="Owner">{html.escape(row["owner"] or "—")}</td>'
            f'<td data-label="Due">{when}</td></tr>'
        )
    labels = [escape(label) for _, label in shape.item_columns]
    columns = [(label, key) for label, (key, _) in zip(labels, shape.item_columns, strict=True)]
    items = [
        "".join(f'<td data-label="{label}">{html.escape(row[key])}</td>' for label, key in columns)
        for row in content["items"]
    ]
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
        # Each table's rows as one string ("" for none).
        "items": SafeString("".join(f"<tr>{cells}</tr>" for cells in items)),
        "actions": SafeString("".join(actions)),
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
    row: dict,
    *,
    today: date,
    base_url: str,
    csrf_token: str | None,
    form: StatusForm | None = None,
) -> dict:
    """A map card from one of journey_map_rows' rows: its phase, and its markup with its
    status form when `csrf_token` is given (to those who may change the status). A step that
    is done or does not apply has nothing overdue any more."""
    number, status = row["definition__number"], row["status"]
    open_step = status not in (JourneyStep.Status.DONE, JourneyStep.Status.NOT_APPLICABLE)
    due = row["due_date"]
    fields = None
    if csrf_token is not None:
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
    overdue = 0
    if open_step and row["actions"]:
        overdue = len(canvas_content.overdue_actions({"actions": row["actions"]}, today))
    # html.escape rather than Django's escape: the same text without the check for lazy
    # strings, which cost more than the escaping over a card's dozen values. The result goes
    # into the card's markup, which is marked safe as a whole.
    markup = _card_html(
        number=str(number),
        url=html.escape(f"{base_url}{number}/"),
        title=html.escape(row["definition__title"]),
        status=html.escape(status),
        status_label=_STATUS_LABELS_ESCAPED[status],
        reason=html.escape(row["not_applicable_reason"])
        if status == JourneyStep.Status.NOT_APPLICABLE
        else "",
        # As User.__str__ has it.
        owner=html.escape(row["owner__name"] or row["owner__email"] or "—"),
        due=due,
        late=open_step and due is not None and due < today,
        overdue_actions=overdue,
        fields=fields,
        csrf_token=csrf_token,
    )
    return {
        "phase": row["definition__phase"],
        "phase_title": row["definition__phase_title"],
        "html": markup,
    }


def _card_html(
    *,
    number: str,
    url: str,
    title: str,
    status: str,
    status_label: str,
    reason: str,
    owner: str,
    due: date | None,
    late: bool,
    overdue_actions: int,
    fields: StatusFields | None,
    csrf_token: str | None,
) -> SafeString:
    """A map card's <li>, from text escaped already, with its status form when `fields` are
    given (as forms.status_fields gives them).

    Written out here rather than in journey/map.html: seventeen cards of some thirty template
    variables and conditions each were most of the map's render time, and joining strings
    takes a fraction of that (workshops.board does the same for notes). The markup, its
    whitespace included, is what the template wrote."""
    if reason:
        reason = f'<p class="step-card__reason">{reason}</p>'
    when = "—"
    if due:
        late_class = ' class="overdue"' if late else ""
        when = (
            f'<time datetime="{due.isoformat()}"{late_class}>{html.escape(_short_date(due))}</time>'
        )
    overdue = ""
    if overdue_actions:
        plural = "" if overdue_actions == 1 else "s"
        overdue = (
            f'<p class="step-card__overdue"><a href="{url}#canvas-heading">{overdue_actions} '
            f"next action{plural} overdue</a></p>"
        )
    form = ""
    if fields is not None:
        form = _card_form_html(
            fields, number=number, url=url, status_label=status_label, csrf_token=csrf_token
        )
    return SafeString(
        f'<li class="step-card step-card--{status}" id="step-{number}">\n'
        '            <div class="step-card__head">\n'
        f'              <span class="step-card__number" aria-hidden="true">{number}</span>\n'
        f'              <h3 class="step-card__title"><a href="{url}"><span '
        f'class="visually-hidden">Step {number}: </span>{title}</a></h3>\n'
        "            </div>\n"
        f'            <p class="status-pill status-pill--{status}">{status_label}</p>\n'
        f"            {reason}\n"
        '            <dl class="step-card__meta">\n'
        f"              <div><dt>Owner</dt><dd>{owner}</dd></div>\n"
        f"              <div><dt>Due</dt><dd>{when}</dd></div>\n"
        "            </dl>\n"
        f"            {overdue}\n"
        f"            {form}\n"
        "          </li>"
    )


def _card_form_html(
    fields: StatusFields, *, number: str, url: str, status_label: str, csrf_token: str | None
) -> str:
    """A card's status form: the fields of includes/status_fields.html, labelled for the map."""
    prefix = fields["prefix"]
    reason_id = f"id_{prefix}-not_applicable_reason"
    invalid_class = invalid_attrs = reason_errors = errors = conflict = saved = ""
    if fields["reason_errors"]:
        invalid_class = " field--invalid"
        invalid_attrs = f' aria-invalid="true" aria-describedby="{reason_id}_error" data-focus'
        reason_errors = (
            f'<div class="errorlist" id="{reason_id}_error">'
            f"{_paragraphs(fields['reason_errors'])}</div>"
        )
    if fields["errors"]:
        errors = f'<div class="errorlist" role="alert">{_paragraphs(fields["errors"])}</div>'
    if fields["conflict"]:
        conflict = (
            '<p class="alert alert--warning" role="alert" tabindex="-1" data-focus>Someone '
            f"changed this step a moment ago; it now reads “{status_label}”. Choose again if "
            "you still want a change.</p>"
        )
    if fields["saved"]:
        saved = (
            f'<p class="status-form__saved" data-announce>Saved: step {number} is now '
            f"{status_label.lower()}.</p>"
        )
    focus = " data-focus" if fields["saved"] else ""
    status_url = f"{url}status/"
    return (
        "\n              \n"
        f'              <form class="status-form" method="post" action="{status_url}" '
        f'hx-post="{status_url}" hx-target="#step-{number}" hx-swap="outerHTML" data-guard>\n'
        '                <input type="hidden" name="csrfmiddlewaretoken" '
        f'value="{csrf_token}">\n'
        "                \n"
        f'                <input type="hidden" name="{prefix}-version" '
        f'value="{fields["version"]}">\n'
        '                <div class="field status-form__status">\n'
        f'                  <label for="id_{prefix}-status" class="visually-hidden">Status of '
        f"step {number}</label>\n"
        f'                  <select name="{prefix}-status" id="id_{prefix}-status"{focus}>\n'
        f"                    {fields['options']}\n"
        "                  </select>\n"
        "                </div>\n"
        f'                <div class="field status-form__reason{invalid_class}">\n'
        f'                  <label for="{reason_id}">Why it does not apply</label>\n'
        f'                  <input type="text" name="{prefix}-not_applicable_reason" '
        f'id="{reason_id}" maxlength="300" value="{fields["reason"]}" '
        f'autocomplete="off"{invalid_attrs}>\n'
        f"                  {reason_errors}\n"
        "                </div>\n"
        f"                {errors}\n"
        f"                {conflict}\n"
        f"                {saved}\n"
        '                <button class="btn btn--small" type="submit">Update<span '
        f'class="visually-hidden"> step {number}</span></button>\n'
        "              </form>\n"
        "              \n"
        "            "
    )


def _paragraphs(texts: list[str]) -> str:
    return "".join(f"<p>{conditional_escape(text)}</p>" for text in texts)


# A card in its phase's list, laid out as journey/map.html's loop over the cards laid it out
# before they were joined here (the page is the same, byte for byte). The swap of one card
# uses the template's step-card partial.
_CARD_IN_PHASE = "\n          \n          %s\n          \n          \n        "


def _map_context(request: OrganisationRequest, forms: dict[int, StatusForm] | None = None) -> dict:
    """The whole map. `forms` holds a step's status form as sent, when it comes back invalid
    without htmx: that card shows what was chosen, with the errors."""
    rows = journey_map_rows(request.organisation)
    today = timezone.localdate()
    presenting = request.GET.get("view") == "present"
    can_plan = request.actor.can(Action.JOURNEY_PLAN) and not presenting
    base_url = _map_url(request)
    # The token the csrf context processor would give, worked out and escaped once for the
    # seventeen forms.
    csrf_token = escape(get_token(request)) if can_plan else None
    forms = forms or {}
    cards = [
        _card_context(
            row,
            today=today,
            base_url=base_url,
            csrf_token=csrf_token,
            form=forms.get(row["definition__number"]),
        )
        for row in rows
    ]
    context = {
        "phases": [
            {
                "number": str(phase["number"]),
                "title": phase["title"],
                "cards": SafeString(
                    "".join(_CARD_IN_PHASE % card["html"] for card in phase["steps"])
                ),
            }
            for phase in phases(cards, phase_of=itemgetter("phase", "phase_title"))
        ],
        "progress": progress(row["status"] for row in rows),
        "can_export": request.actor.can(Action.CANVAS_EXPORT),
        "presenting": presenting,
    }
    if csrf_token is not None:
        context["csrf_token"] = csrf_token
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
    form: PlanForm | None,
    *,
    can_plan: bool,
    owners: list[Owner] | None = None,
) -> dict:
    """The owner and due date: a form for those who may plan (`owners` are the members it
    offers, read here when not given), else the values. Without `form` (a page, not an
    answer to a post) the form's fields are the step's values, and no form is built: its
    fields and its owner query took longer than the rest of the panel."""
    plan = None
    options = ""
    if can_plan:
        if owners is None:
            owners = owner_choices(request.organisation)
        plan = (
            plan_fields_of(form)
            if form
            else plan_fields(owner_id=step.owner_id, due_date=step.due_date, version=step.version)
        )
        # The select's options written out here: a template loop over them cost more than
        # the rest of the form.
        options = SafeString(
            "".join(
                f'<option value="{html.escape(value)}"{" selected" if selected else ""}>'
                f"{html.escape(label)}</option>"
                for value, label, selected in owner_options(owners, chosen=plan["owner"])
            )
        )
    return {
        "step": step,
        "links": _step_links(request, step.number),
        "plan": plan,
        "owner_options": options,
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
        "saved_at": _short_datetime(step.canvas.updated_at),
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
    # journey_step counted the catalogue's steps with the step; a step read again after a
    # conflicting write was not.
    step_count = getattr(step, "steps_in_catalogue", None)
    if step_count is None:
        step_count = StepDefinition.objects.count()
    return {
        **_canvas_context(request, step, editor=editor, **canvas_state),
        **_status_context(request, step, status_form, can_plan=can_plan),
        # The editor's owner picker and the plan form offer the same members: read once.
        **_plan_context(
            request,
            step,
            plan_form,
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
                csrf_token=escape(get_token(request)),
                form=form,
            ),
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
