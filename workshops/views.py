"""Workshop pages: the facilitators' list, agenda and preparation; joining by code; the live
board (participants, members and facilitators); exports and promotion into the journey."""

import io

import segno
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from journey.selectors import journey_steps
from kernel import live
from kernel.http import client_ip
from kernel.throttle import Throttle, Throttled, throttled_response
from kernel.versioned import Conflict
from organisations import exports
from organisations.access import (
    GuestTarget,
    OrganisationRequest,
    guest_session_add,
    organisation_view,
)
from organisations.models import Membership
from organisations.roles import Action, GuestKind

from . import board as board_view
from . import outcomes, rules, selectors, services
from .forms import (
    ActivityAddForm,
    ActivityForm,
    ChecklistAddForm,
    JoinCodeForm,
    JoinForm,
    MergeForm,
    NoteEditForm,
    NoteForm,
    NoteGroupForm,
    NoteMoveForm,
    PhaseForm,
    PreparationForm,
    PromoteForm,
    SaveAgendaForm,
    TimerForm,
    VersionForm,
    WorkshopForm,
    WorkshopSettingsForm,
)
from .models import Activity, ChecklistItem, Cluster, Note, Participant, Promotion, Workshop
from .services import WorkshopDetails, WorkshopRefused

PARTICIPANT = GuestTarget(GuestKind.WORKSHOP_PARTICIPANT, "workshop_id")
PAGE = board_view.PAGE

# Guessing codes: a few wrong ones per address, and few attempts per code from anywhere.
JOIN_BY_ADDRESS = Throttle("workshop-join-ip", limit=20, window=600)
JOIN_BY_CODE = Throttle("workshop-join-code", limit=300, window=600)


# --- access helpers: every lookup is scoped to the organisation in the URL ---------------------


def _get_workshop(request: OrganisationRequest, workshop_id: int) -> Workshop:
    try:
        return selectors.workshop_get(organisation=request.organisation, workshop_id=workshop_id)
    except Workshop.DoesNotExist:
        raise Http404("No such workshop.") from None


def _get_activity(workshop: Workshop, activity_id: int) -> Activity:
    try:
        return selectors.activity_get(workshop=workshop, activity_id=activity_id)
    except Activity.DoesNotExist:
        raise Http404("No such activity.") from None


def _get_note(activity: Activity, note_id: int) -> Note:
    try:
        return selectors.note_get(activity=activity, note_id=note_id)
    except Note.DoesNotExist:
        raise Http404("That note is no longer on this board.") from None


def _board_target(
    request: OrganisationRequest, workshop_id: int, activity_id: int
) -> tuple[Workshop, Activity]:
    workshop = _get_workshop(request, workshop_id)
    return workshop, _get_activity(workshop, activity_id)


def _is_facilitator(request: OrganisationRequest) -> bool:
    return request.actor.can(Action.WORKSHOP_RUN)


def _viewer(
    request: OrganisationRequest, workshop: Workshop, activity: Activity
) -> board_view.Viewer:
    participant = selectors.participant_of(workshop=workshop, actor=request.actor)
    if participant is not None and not participant.admitted:
        participant = None
    return board_view.Viewer(
        participant=participant,
        is_facilitator=_is_facilitator(request),
        can_contribute=request.actor.can(Action.BOARD_CONTRIBUTE),
        my_votes=selectors.my_votes(activity=activity, participant=participant),
        csrf_token=get_token(request),
    )


def _writer(request: OrganisationRequest, workshop: Workshop) -> Participant:
    """The participant a board write is made as; a member who may write joins with it."""
    participant = selectors.participant_of(workshop=workshop, actor=request.actor)
    if participant is None and request.actor.membership is not None:
        if not request.actor.can(Action.BOARD_CONTRIBUTE):
            raise PermissionDenied("Join this workshop with its code to write on its boards.")
        return services.participant_for_member(workshop=workshop, actor=request.actor)
    if participant is None:
        raise Http404("You are not on this workshop's boards.")
    if not participant.admitted:
        raise PermissionDenied("The facilitator has not let you in yet.")
    return participant


def _base_template(request: OrganisationRequest) -> str:
    return "workshops/guest_base.html" if request.actor.is_guest else "base.html"


# --- list and creation -------------------------------------------------------------------------


@require_GET
@organisation_view(Action.WORKSHOP_VIEW)
def workshop_list(request: OrganisationRequest) -> HttpResponse:
    context = {
        "workshops": list(selectors.workshops_of(request.organisation)),
        "can_run": _is_facilitator(request),
    }
    return render(request, "workshops/list.html", context)


@require_http_methods(["GET", "POST"])
@organisation_view(Action.WORKSHOP_RUN)
def workshop_new(request: OrganisationRequest) -> HttpResponse:
    start, end = rules.DEFAULT_TIMES[rules.REMOTE]
    form = WorkshopForm(
        request.POST or None,
        organisation=request.organisation,
        initial={"starts_at": start, "ends_at": end},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        workshop = services.workshop_create(
            organisation=request.organisation,
            actor=request.actor,
            details=WorkshopDetails(
                title=data["title"],
                format=data["format"],
                session_dates=data["dates"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                time_zone=data["time_zone"],
                passcode=data["passcode"].strip(),
                admit_by_facilitator=data["admit_by_facilitator"],
                names_shown=data["names_shown"],
            ),
            agenda=data["agenda"],
        )
        messages.success(request, f"“{workshop.title}” is planned. Adapt its agenda below.")
        return redirect(
            "workshops:detail", org_slug=request.organisation.slug, workshop_id=workshop.pk
        )
    status = 400 if form.is_bound else 200
    return render(request, "workshops/new.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
@organisation_view(Action.WORKSHOP_RUN)
def workshop_settings(request: OrganisationRequest, workshop_id: int) -> HttpResponse:
    """Title, dates and times, passcode, admission and names, after planning."""
    workshop = _get_workshop(request, workshop_id)
    if request.method == "GET":
        form = WorkshopSettingsForm.for_workshop(workshop)
        return render(request, "workshops/settings.html", {"workshop": workshop, "form": form})
    data = request.POST.copy()
    if not data.get("first_day") and workshop.session_dates:
        data["first_day"] = workshop.session_dates[0]
    form = WorkshopSettingsForm(data, workshop=workshop)
    status = 400
    if form.is_valid():
        values = form.cleaned_data
        try:
            services.workshop_update(
                workshop=workshop,
                base_version=values["version"],
                title=values["title"],
                session_dates=[d.isoformat() for d in values["dates"]],
                starts_at=values["starts_at"],
                ends_at=values["ends_at"],
                time_zone=values["time_zone"],
                passcode=values["passcode"].strip(),
                admit_by_facilitator=values["admit_by_facilitator"],
                names_shown=values["names_shown"],
            )
        except Conflict as clash:
            status = 409
            data["version"] = str(clash.current.version)
            form = WorkshopSettingsForm(data, workshop=workshop)
            form.is_valid()
            form.add_error(
                None,
                "Someone else changed these details while you were editing. Nothing was "
                "saved; what you typed is kept below. Save again to keep it.",
            )
        else:
            messages.success(request, "Saved.")
            return _back_to_agenda(request, workshop)
    context = {"workshop": workshop, "form": form}
    return render(request, "workshops/settings.html", context, status=status)


# --- agenda ------------------------------------------------------------------------------------


def _agenda_context(request: OrganisationRequest, workshop: Workshop, **extra) -> dict:
    activities = selectors.activities_of(workshop)
    timing = rules.agenda_timing(
        format=workshop.format,
        timeboxes=[(a.session, a.timebox_minutes) for a in activities],
        start=workshop.starts_at,
        end=workshop.ends_at,
    )
    sessions = []
    for session in timing:
        number = session.number
        date = workshop.session_dates[number - 1] if number <= len(workshop.session_dates) else ""
        sessions.append(
            {
                "number": number,
                "name": rules.session_name(workshop.format, number),
                "date": date,
                "timing": session,
                "activities": [a for a in activities if a.session == number],
            }
        )
    context = {
        "workshop": workshop,
        "sessions": sessions,
        "can_run": _is_facilitator(request),
        "templates": selectors.built_in_templates(),
        "save_form": SaveAgendaForm(),
        "code": rules.display_code(workshop.join_code),
        "open_actions": selectors.open_actions(organisation=request.organisation, before=workshop),
        "waiting": workshop.participants.filter(admitted=False),
        "participant_count": workshop.participants.filter(admitted=True).count(),
    }
    context.update(extra)
    return context


@require_GET
@organisation_view(Action.WORKSHOP_VIEW)
def workshop_detail(request: OrganisationRequest, workshop_id: int) -> HttpResponse:
    workshop = _get_workshop(request, workshop_id)
    return render(request, "workshops/agenda.html", _agenda_context(request, workshop))


def _back_to_agenda(request: OrganisationRequest, workshop: Workshop) -> HttpResponse:
    url = reverse(
        "workshops:detail",
        kwargs={"org_slug": request.organisation.slug, "workshop_id": workshop.pk},
    )
    return redirect(url + "#agenda")


@require_POST
@organisation_view(Action.WORKSHOP_RUN)
def activity_add(request: OrganisationRequest, workshop_id: int) -> HttpResponse:
    workshop = _get_workshop(request, workshop_id)
    form = ActivityAddForm(request.POST)
    if not form.is_valid() or form.cleaned_data["session"] > rules.session_count(workshop.format):
        messages.error(request, "Choose a session for the new activity.")
        return _back_to_agenda(request, workshop)
    key = form.cleaned_data["template"]
    template = selectors.built_in_templates().filter(pk=key).first() if key.isdigit() else None
    try:
        activity = services.activity_add(
            workshop=workshop, session=form.cleaned_data["session"], template=template
        )
    except WorkshopRefused as refused:
        messages.error(request, refused.message)
        return _back_to_agenda(request, workshop)
    messages.success(request, f"Added “{activity.name}”. Edit it below.")
    return redirect(
        "workshops:activity_edit",
        org_slug=request.organisation.slug,
        workshop_id=workshop.pk,
        activity_id=activity.pk,
    )


@require_http_methods(["GET", "POST"])
@organisation_view(Action.WORKSHOP_RUN)
def activity_edit(request: OrganisationRequest, workshop_id: int, activity_id: int) -> HttpResponse:
    workshop, activity = _board_target(request, workshop_id, activity_id)
    sessions = rules.session_count(workshop.format)
    if request.method == "GET":
        form = ActivityForm.for_activity(activity, sessions)
        return render(
            request,
            "workshops/activity_edit.html",
            {"workshop": workshop, "activity": activity, "form": form},
        )
    form = ActivityForm(request.POST, sessions=sessions)
    status = 400
    conflict = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.activity_update(
                activity=activity,
                base_version=data["version"],
                zones=data["zones"],
                name=data["name"],
                question=data["question"],
                outcome=data["outcome"],
                steps=data["steps"],
                session=data["session"],
                timebox_minutes=data["timebox_minutes"],
                private_writing=data["private_writing"],
                votes_per_person=data["votes_per_person"],
                several_votes_per_note=data["several_votes_per_note"],
            )
        except Conflict as clash:
            status = 409
            conflict = clash.current
        except ValidationError as error:
            form.add_error("zones", error)
        else:
            messages.success(request, f"Saved “{data['name']}”.")
            return _back_to_agenda(request, workshop)
    if conflict is not None:
        data = dict(request.POST.items())
        data["version"] = str(conflict.version)
        form = ActivityForm(data, sessions=sessions)
        form.is_valid()
        form.add_error(
            None,
            "Someone else saved this activity while you were editing it. Nothing was saved. "
            "Check the agenda, then save again to keep your version.",
        )
    context = {"workshop": workshop, "activity": activity, "form": form, "conflict": conflict}
    return render(request, "workshops/activity_edit.html", context, status=status)


@require_POST
@organisation_view(Action.WORKSHOP_RUN)
def activity_move(request: OrganisationRequest, workshop_id: int, activity_id: int) -> HttpResponse:
    workshop, activity = _board_target(request, workshop_id, activity_id)
    direction = -1 if request.POST.get("direction") == "up" else 1
    services.activity_move(activity=activity, direction=direction)
    if request.htmx:
        context = _agenda_context(request, _get_workshop(request, workshop_id))
        return render(request, "workshops/agenda.html#agenda", context)
    return _back_to_agenda(request, workshop)


@require_POST
@organisation_view(Action.WORKSHOP_RUN)
def activity_remove(
    request: OrganisationRequest, workshop_id: int, activity_id: int
) -> HttpResponse:
    workshop, activity = _board_target(request, workshop_id, activity_id)
    try:
        services.activity_remove(activity=activity)
    except WorkshopRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, f"Removed “{activity.name}” from the agenda.")
    return _back_to_agenda(request, workshop)


@require_POST
@organisation_view(Action.WORKSHOP_RUN)
def agenda_save(request: OrganisationRequest, workshop_id: int) -> HttpResponse:
    workshop = _get_workshop(request, workshop_id)
    form = SaveAgendaForm(request.POST)
    if form.is_valid():
        template = services.agenda_save_as_template(
            workshop=workshop, name=form.cleaned_data["name"], actor=request.actor
        )
        messages.success(
            request, f"Saved as “{template.name}”: choose it when you plan the next workshop."
        )
        return _back_to_agenda(request, workshop)
    context = _agenda_context(request, workshop, save_form=form)
    return render(request, "workshops/agenda.html", context, status=400)


@require_POST
@organisation_view(Action.WORKSHOP_RUN)
def workshop_end(request: OrganisationRequest, workshop_id: int) -> HttpResponse:
    workshop = _get_workshop(request, workshop_id)
    if not workshop.is_ended:
        services.workshop_end(workshop=workshop)
        messages.success(request, "The workshop has ended. Its boards stay readable.")
    return _back_to_agenda(request, workshop)


@require_POST
@organisation_view(Action.WORKSHOP_RUN)
def participant_admit(
    request: OrganisationRequest, workshop_id: int, participant_id: int
) -> HttpResponse:
    workshop = _get_workshop(request, workshop_id)
    participant = workshop.participants.filter(pk=participant_id).first()
    if participant is None:
        raise Http404("No such person waiting.")
    services.participant_admit(participant=participant)
    messages.success(request, f"{participant.display_name} is in.")
    return _back_to_agenda(request, workshop)


@require_POST
@organisation_view(Action.WORKSHOP_RUN)
def action_done(request: OrganisationRequest, workshop_id: int, action_id: int) -> HttpResponse:
    """Tick off an action carried over from an earlier workshop."""
    workshop = _get_workshop(request, workshop_id)
    note = next(
        (
            n
            for n in selectors.open_actions(organisation=request.organisation, before=workshop)
            if n.pk == action_id
        ),
        None,
    )
    if note is None:
        raise Http404("No such open action.")
    services.note_mark_done(note=note, done=True)
    messages.success(request, "Marked as done.")
    return _back_to_agenda(request, workshop)


# --- preparation and invitation ----------------------------------------------------------------


def _preparation_context(workshop: Workshop, **extra) -> dict:
    items = list(workshop.checklist.all())
    groups = [
        {"label": label, "items": [i for i in items if i.group == value]}
        for value, label in ChecklistItem.Group.choices
    ]
    context = {
        "workshop": workshop,
        "groups": groups,
        "done": sum(1 for i in items if i.done_at),
        "total": len(items),
        "form": PreparationForm(
            initial={
                "intro_email": workshop.intro_email,
                "reading_links": workshop.reading_links,
                "one_on_ones": workshop.one_on_ones,
                "version": workshop.version,
            }
        ),
        "add_form": ChecklistAddForm(),
    }
    context.update(extra)
    return context


@require_http_methods(["GET", "POST"])
@organisation_view(Action.WORKSHOP_RUN)
def preparation(request: OrganisationRequest, workshop_id: int) -> HttpResponse:
    workshop = _get_workshop(request, workshop_id)
    if request.method == "GET":
        return render(request, "workshops/preparation.html", _preparation_context(workshop))
    form = PreparationForm(request.POST)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.workshop_update(
                workshop=workshop,
                base_version=data["version"],
                intro_email=data["intro_email"],
                reading_links=data["reading_links"],
                one_on_ones=data["one_on_ones"],
            )
        except Conflict as clash:
            status = 409
            data = request.POST.copy()
            data["version"] = str(clash.current.version)
            form = PreparationForm(data)
            form.is_valid()
            form.add_error(
                None,
                "Someone else saved these notes while you were editing. Nothing was saved; "
                "what you typed is kept below. Save again to keep it.",
            )
        else:
            messages.success(request, "Saved.")
            return redirect(
                "workshops:preparation", org_slug=request.organisation.slug, workshop_id=workshop.pk
            )
    context = _preparation_context(workshop, form=form)
    return render(request, "workshops/preparation.html", context, status=status)


@require_POST
@organisation_view(Action.WORKSHOP_RUN)
def checklist_tick(request: OrganisationRequest, workshop_id: int, item_id: int) -> HttpResponse:
    workshop = _get_workshop(request, workshop_id)
    item = workshop.checklist.filter(pk=item_id).first()
    if item is None:
        raise Http404("No such checklist item.")
    item = services.checklist_tick(
        item=item, done=request.POST.get("done") == "1", actor=request.actor
    )
    if request.htmx:
        return render(
            request,
            "workshops/preparation.html#checklist-item",
            {"workshop": workshop, "item": item},
        )
    return redirect(
        "workshops:preparation", org_slug=request.organisation.slug, workshop_id=workshop.pk
    )


@require_POST
@organisation_view(Action.WORKSHOP_RUN)
def checklist_add(request: OrganisationRequest, workshop_id: int) -> HttpResponse:
    workshop = _get_workshop(request, workshop_id)
    form = ChecklistAddForm(request.POST)
    if form.is_valid():
        services.checklist_add(workshop=workshop, **form.cleaned_data)
        return redirect(
            "workshops:preparation", org_slug=request.organisation.slug, workshop_id=workshop.pk
        )
    context = _preparation_context(workshop, add_form=form)
    return render(request, "workshops/preparation.html", context, status=400)


def join_link(request: HttpRequest, workshop: Workshop) -> str:
    return request.build_absolute_uri(reverse("workshop_join_code", args=[workshop.join_code]))


def qr_svg(link: str) -> str:
    """The join link as an SVG QR code, drawn on the server: no script, nothing fetched."""
    buffer = io.BytesIO()
    segno.make(link, error="m").save(
        buffer,
        kind="svg",
        scale=5,
        border=2,
        xmldecl=False,
        svgns=True,
        svgclass="qr",
        # A viewBox instead of a fixed size, so the page can scale it.
        omitsize=True,
    )
    svg = buffer.getvalue().decode()
    # segno writes only its own markup: the link is encoded in the drawing, not in the text.
    labelled = svg.replace("<svg ", '<svg role="img" aria-label="QR code of the join link" ', 1)
    return mark_safe(labelled)  # noqa: S308


@require_GET
@organisation_view(Action.WORKSHOP_RUN)
def invitation(request: OrganisationRequest, workshop_id: int) -> HttpResponse:
    workshop = _get_workshop(request, workshop_id)
    link = join_link(request, workshop)
    context = _agenda_context(request, workshop)
    context.update(
        {
            "link": link,
            "qr": qr_svg(link),
            "text": outcomes.invitation_text(
                workshop=workshop, link=link, sessions=context["sessions"]
            ),
        }
    )
    return render(request, "workshops/invitation.html", context)


# --- exports -----------------------------------------------------------------------------------


def _export(request: OrganisationRequest, *, kind: str, params: dict, title: str) -> HttpResponse:
    export = exports.export_request(
        organisation=request.organisation,
        actor=request.actor,
        kind=kind,
        params=params,
        title=title,
    )
    return exports.export_redirect(request, export)


@require_POST
@organisation_view(Action.WORKSHOP_VIEW)
def agenda_pdf(request: OrganisationRequest, workshop_id: int) -> HttpResponse:
    workshop = _get_workshop(request, workshop_id)
    return _export(
        request,
        kind=outcomes.AGENDA_KIND,
        params={"workshop": workshop.pk},
        title=f"Agenda of {workshop.title}",
    )


@require_POST
@organisation_view(Action.WORKSHOP_VIEW)
def report_pdf(request: OrganisationRequest, workshop_id: int) -> HttpResponse:
    workshop = _get_workshop(request, workshop_id)
    return _export(
        request,
        kind=outcomes.REPORT_KIND,
        params={"workshop": workshop.pk},
        title=f"Outcomes of {workshop.title}",
    )


@require_POST
@organisation_view(Action.WORKSHOP_VIEW)
def board_csv(request: OrganisationRequest, workshop_id: int, activity_id: int) -> HttpResponse:
    workshop, activity = _board_target(request, workshop_id, activity_id)
    return _export(
        request,
        kind=outcomes.BOARD_CSV_KIND,
        params={"activity": activity.pk},
        title=f"{workshop.title} {activity.name} board",
    )


@require_POST
@organisation_view(Action.WORKSHOP_VIEW)
def board_pdf(request: OrganisationRequest, workshop_id: int, activity_id: int) -> HttpResponse:
    workshop, activity = _board_target(request, workshop_id, activity_id)
    return _export(
        request,
        kind=outcomes.BOARD_PDF_KIND,
        params={"activity": activity.pk},
        title=f"{workshop.title} {activity.name} board",
    )


# --- joining, outside /o/<org_slug>/ -----------------------------------------------------------


def _join_refused(request: HttpRequest, status: int, title: str, text: str) -> HttpResponse:
    return render(
        request, "workshops/join_refused.html", {"title": title, "text": text}, status=status
    )


def _throttle_join(request: HttpRequest, code: str) -> None:
    for throttle, key in ((JOIN_BY_ADDRESS, client_ip(request)), (JOIN_BY_CODE, code)):
        verdict = throttle.hit(key)
        if not verdict.allowed:
            raise Throttled(
                verdict.retry_after,
                "Too many tries to join from here. Wait a little, then check the code with "
                "the facilitator.",
            )


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    """Type the code shown by the facilitator."""
    form = JoinCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        try:
            _throttle_join(request, code)
        except Throttled as exc:
            return throttled_response(request, exc)
        if selectors.workshop_by_code(code) is not None:
            return redirect("workshop_join_code", code=code)
        form.add_error(
            "code", "No workshop has this code. Check it with the facilitator and try again."
        )
    status = 400 if form.is_bound else 200
    return render(request, "workshops/join.html", {"form": form}, status=status)


def _membership(request: HttpRequest, workshop: Workshop) -> Membership | None:
    if not request.user.is_authenticated:
        return None
    return Membership.objects.filter(organisation=workshop.organisation, user=request.user).first()


def _board_url(workshop: Workshop, activity: Activity | None) -> str:
    if activity is None:
        return reverse(
            "workshops:lobby",
            kwargs={"org_slug": workshop.organisation.slug, "workshop_id": workshop.pk},
        )
    return reverse(
        "workshops:board",
        kwargs={
            "org_slug": workshop.organisation.slug,
            "workshop_id": workshop.pk,
            "activity_id": activity.pk,
        },
    )


@require_http_methods(["GET", "POST"])
def join_code(request: HttpRequest, code: str) -> HttpResponse:
    """The join link (and the QR code's target): a name, perhaps a passcode, and in."""
    normalised = rules.normalise_code(code)
    workshop = (
        selectors.workshop_by_code(normalised) if len(normalised) == rules.CODE_LENGTH else None
    )
    if request.method == "POST" or workshop is None:
        try:
            _throttle_join(request, normalised or "-")
        except Throttled as exc:
            return throttled_response(request, exc)
    if workshop is None:
        return _join_refused(
            request,
            404,
            "No workshop has this code",
            "Check the code with the facilitator, or type it again on the join page.",
        )
    if workshop.is_ended:
        return _join_refused(
            request,
            410,
            "This workshop has ended",
            "Its boards are closed. The facilitator will share what came out of it.",
        )
    membership = _membership(request, workshop)
    member_name = str(request.user) if membership else ""
    data = request.POST if request.method == "POST" else None
    form = JoinForm(data, workshop=workshop, member_name=member_name)
    if request.method == "POST" and form.is_valid():
        _participant, grant = services.participant_join(
            workshop=workshop,
            actor_user=request.user if membership else None,
            display_name=form.cleaned_data["display_name"] or member_name,
            role=membership.role if membership else None,
        )
        if grant is not None:
            guest_session_add(request, grant)
        request.session["workshop_joined"] = workshop.pk
        return redirect(_board_url(workshop, workshop.current_activity))
    context = {
        "form": form,
        "workshop": workshop,
        "member_name": member_name,
        "code": rules.display_code(workshop.join_code),
    }
    status = 400 if form.is_bound else 200
    return render(request, "workshops/join_name.html", context, status=status)


@require_GET
@organisation_view(Action.WORKSHOP_VIEW, target=PARTICIPANT)
def lobby(request: OrganisationRequest, workshop_id: int) -> HttpResponse:
    """Where people land before the facilitator starts an activity, or while they wait to be
    let in. It reloads itself every few seconds until there is a board to go to."""
    workshop = _get_workshop(request, workshop_id)
    participant = selectors.participant_of(workshop=workshop, actor=request.actor)
    waiting = participant is not None and not participant.admitted
    if workshop.current_activity_id and not waiting:
        return redirect(_board_url(workshop, workshop.current_activity))
    context = {
        "workshop": workshop,
        "waiting": waiting,
        "base_template": _base_template(request),
    }
    return render(request, "workshops/lobby.html", context)


# --- the board ---------------------------------------------------------------------------------


def _board_page_context(
    request: OrganisationRequest, workshop: Workshop, activity: Activity
) -> dict:
    viewer = _viewer(request, workshop, activity)
    context = board_view.board_context(activity, viewer)
    context.update(
        {
            "base_template": _base_template(request),
            "activities": list(workshop.activities.all()),
            "is_guest": request.actor.is_guest,
            "note_form": NoteForm(),
            "steps": list(journey_steps(request.organisation)) if viewer.is_facilitator else [],
            "open_actions": selectors.open_actions(
                organisation=request.organisation, before=workshop
            )
            if viewer.is_facilitator or activity.key == "kick_off"
            else [],
        }
    )
    return context


def _vary(response: HttpResponse) -> HttpResponse:
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
@organisation_view(Action.WORKSHOP_VIEW, target=PARTICIPANT)
def board(request: OrganisationRequest, workshop_id: int, activity_id: int) -> HttpResponse:
    """The whole board; under htmx only its live part (a reset fetches it again)."""
    workshop, activity = _board_target(request, workshop_id, activity_id)
    participant = selectors.participant_of(workshop=workshop, actor=request.actor)
    if participant is not None and not participant.admitted:
        return redirect(_board_url(workshop, None))
    context = _board_page_context(request, workshop, activity)
    template = f"{PAGE}#board" if request.htmx else PAGE
    return _vary(render(request, template, context))


@require_GET
@organisation_view(Action.WORKSHOP_VIEW, target=PARTICIPANT)
def board_stream(request: OrganisationRequest, workshop_id: int, activity_id: int) -> HttpResponse:
    workshop, activity = _board_target(request, workshop_id, activity_id)
    viewer = _viewer(request, workshop, activity)
    return live.stream_response(
        request, channel=board_view.channel(activity), audiences=viewer.audiences()
    )


@require_GET
@organisation_view(Action.WORKSHOP_VIEW, target=PARTICIPANT)
def board_poll(request: OrganisationRequest, workshop_id: int, activity_id: int) -> HttpResponse:
    workshop, activity = _board_target(request, workshop_id, activity_id)
    viewer = _viewer(request, workshop, activity)
    return live.poll_response(
        request, channel=board_view.channel(activity), audiences=viewer.audiences()
    )


def _problem(
    request: OrganisationRequest,
    workshop: Workshop,
    activity: Activity,
    message: str,
    status: int,
    *,
    typed: str = "",
    typed_zone: int | None = None,
    note: Note | None = None,
) -> HttpResponse:
    """A refused board write, losing nothing that was typed. Under htmx: the notice out of
    band (the board's forms swap nothing themselves), and for a note that changed meanwhile
    its current copy, menu open, with the text the person sent in the edit box. Else the
    whole board with the notice and what was typed."""
    context = {"notice": message, "activity": activity, "status_code": status}
    if request.htmx:
        parts = []
        if note is not None:
            viewer = _viewer(request, workshop, activity)
            n = board_view.note_context(
                note,
                activity,
                viewer,
                oob="true",
                steps=board_view.step_choices() if viewer.is_facilitator else None,
            )
            n["typed"] = typed
            parts.append(render_to_string(f"{PAGE}#note", {"n": n}, request=request))
        elif typed and typed_zone is None:
            # An edit of a note that has gone: its form is going too, keep the text in sight.
            context["typed_orphan"] = typed
        parts.insert(0, render_to_string(f"{PAGE}#notice", {**context, "oob": True}))
        response = HttpResponse("".join(parts), status=status)
        # Some forms swap the whole board on success; a refusal leaves it where it is.
        response["HX-Reswap"] = "none"
        return response
    context.update(_board_page_context(request, workshop, activity))
    context.update({"notice": message, "typed": typed, "typed_zone": typed_zone})
    if typed and (typed_zone is None or not any(zone["may_add"] for zone in context["zones"])):
        # No form on the page holds it now: show it with the notice, so nothing is lost.
        context["typed_orphan"] = typed
    return render(request, PAGE, context, status=status)


def _done(
    request: OrganisationRequest, workshop: Workshop, activity: Activity, notice: str = ""
) -> HttpResponse:
    """After a facilitator's change to the whole board: htmx gets the notice and this
    facilitator's phase bar and timer at once; the rest of the board comes by the stream,
    rendered once in the change's transaction for every facilitator (rendering a 300-note
    board again here, with every note's menu, would take longer than the change itself). A
    form post goes back to the page."""
    if not request.htmx:
        if notice:
            messages.success(request, notice)
        return redirect(_board_url(workshop, activity))
    # The services changed `activity` itself (versioned_update refreshes it): no read again.
    activity.workshop = workshop
    viewer = _viewer(request, workshop, activity)
    phase = board_view.phase_context(activity, viewer, board_view.votes_left(activity, viewer))
    parts = [
        render_to_string(f"{PAGE}#notice", {"notice": notice, "oob": True}),
        render_to_string(f"{PAGE}#phasebar", {"p": {**phase, "oob": True}}, request=request),
        render_to_string(
            f"{PAGE}#timer", {"t": {**board_view.timer_context(activity), "oob": True}}
        ),
    ]
    response = HttpResponse("".join(parts))
    response["HX-Reswap"] = "none"
    return response


def _note_done(
    request: OrganisationRequest,
    workshop: Workshop,
    activity: Activity,
    notice: str,
    changes: list[tuple[str, int]],
) -> HttpResponse:
    """After a write on notes: htmx gets out-of-band fragments of the notes as this viewer
    sees them (the same the live stream sends, so getting both changes nothing), else the
    page. `changes` is [(place, note id)], place "append", "replace" or "removed"."""
    if not request.htmx:
        if notice:
            messages.success(request, notice)
        return redirect(_board_url(workshop, activity))
    viewer = _viewer(request, workshop, activity)
    parts = [render_to_string(f"{PAGE}#notice", {"notice": notice, "oob": True})]
    for place, note_id in changes:
        if place == "removed":
            parts.append(render_to_string(f"{PAGE}#note-removed", {"note": {"pk": note_id}}))
            continue
        try:
            note = selectors.note_get(activity=activity, note_id=note_id)
        except Note.DoesNotExist:
            continue
        context = board_view.note_context(
            note,
            activity,
            viewer,
            oob="true" if place == "replace" else "",
            steps=board_view.step_choices() if viewer.is_facilitator else None,
        )
        partial = "note-append" if place == "append" else "note"
        parts.append(render_to_string(f"{PAGE}#{partial}", {"n": context}, request=request))
    parts.append(
        render_to_string(
            f"{PAGE}#votes-left",
            {"votes_left": board_view.votes_left(activity, viewer), "oob": True},
        )
    )
    return HttpResponse("".join(parts))


@require_POST
@organisation_view(Action.BOARD_CONTRIBUTE, target=PARTICIPANT)
def note_add(request: OrganisationRequest, workshop_id: int, activity_id: int) -> HttpResponse:
    workshop, activity = _board_target(request, workshop_id, activity_id)
    form = NoteForm(request.POST)
    zone = (
        activity.zones.filter(pk=request.POST.get("zone") or 0).first()
        if (request.POST.get("zone") or "").isdigit()
        else None
    )
    typed = {"typed": request.POST.get("text", ""), "typed_zone": zone.pk if zone else None}
    if zone is None:
        return _problem(request, workshop, activity, "Choose a column for the note.", 400, **typed)
    if not form.is_valid():
        message = " ".join(e for errors in form.errors.values() for e in errors)
        return _problem(request, workshop, activity, message, 400, **typed)
    try:
        participant = _writer(request, workshop)
        note = services.note_add(
            activity=activity,
            zone=zone,
            participant=participant,
            text=form.cleaned_data["text"],
            colour=form.cleaned_data["colour"] or Note.Colour.YELLOW,
            is_facilitator=_is_facilitator(request),
        )
    except Throttled as exc:
        response = _problem(request, workshop, activity, exc.message, 429, **typed)
        response["Retry-After"] = str(exc.retry_after)
        return response
    except WorkshopRefused as refused:
        return _problem(request, workshop, activity, refused.message, 400, **typed)
    except ValidationError as error:
        return _problem(request, workshop, activity, " ".join(error.messages), 400, **typed)
    return _note_done(request, workshop, activity, "Note added.", [("append", note.pk)])


def _note_write(request, workshop_id, activity_id, note_id, write) -> HttpResponse:
    """Run one write on a note with the usual refusals: 400 for a rule, 409 for a conflict."""
    workshop, activity = _board_target(request, workshop_id, activity_id)
    note = _get_note(activity, note_id)
    participant = selectors.participant_of(workshop=workshop, actor=request.actor)
    is_facilitator = _is_facilitator(request)
    if participant is not None and not participant.admitted:
        raise PermissionDenied("The facilitator has not let you in yet.")
    try:
        notice, changes = write(
            note=note,
            participant=participant,
            is_facilitator=is_facilitator,
            activity=activity,
            workshop=workshop,
        )
    except Conflict as clash:
        current = clash.current
        if current is None:
            message = "Someone removed this note a moment ago. Nothing was changed."
        else:
            message = (
                f"Someone changed this note a moment ago; it now reads “{current.text}”. "
                "Nothing was changed: yours is kept below, send it again to replace theirs."
            )
        typed = request.POST.get("text", "") if "text" in request.POST else ""
        if current is not None:
            current.activity = activity
        return _problem(request, workshop, activity, message, 409, typed=typed, note=current)
    except WorkshopRefused as refused:
        return _problem(request, workshop, activity, refused.message, 400)
    except ValidationError as error:
        return _problem(
            request,
            workshop,
            activity,
            " ".join(error.messages),
            400,
            typed=request.POST.get("text", ""),
        )
    return _note_done(request, workshop, activity, notice, changes)


def _version(request: OrganisationRequest) -> int:
    form = VersionForm(request.POST)
    if not form.is_valid():
        raise ValidationError("The page was out of date. Reload it and try again.")
    return form.cleaned_data["version"]


@require_POST
@organisation_view(Action.BOARD_CONTRIBUTE, target=PARTICIPANT)
def note_edit(
    request: OrganisationRequest, workshop_id: int, activity_id: int, note_id: int
) -> HttpResponse:
    def write(*, note, participant, is_facilitator, **_):
        form = NoteEditForm(request.POST)
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        services.note_edit(
            note=note,
            base_version=form.cleaned_data["version"],
            text=form.cleaned_data["text"],
            colour=form.cleaned_data["colour"] or note.colour,
            participant=participant,
            is_facilitator=is_facilitator,
        )
        return "Note saved.", [("replace", note.pk)]

    return _note_write(request, workshop_id, activity_id, note_id, write)


@require_POST
@organisation_view(Action.BOARD_CONTRIBUTE, target=PARTICIPANT)
def note_move(
    request: OrganisationRequest, workshop_id: int, activity_id: int, note_id: int
) -> HttpResponse:
    def write(*, note, participant, is_facilitator, activity, **_):
        form = NoteMoveForm(request.POST)
        zone = (
            activity.zones.filter(pk=form.cleaned_data["zone"]).first() if form.is_valid() else None
        )
        if zone is None:
            raise ValidationError("Choose the column to move the note to.")
        services.note_move(
            note=note,
            base_version=form.cleaned_data["version"],
            zone=zone,
            participant=participant,
            is_facilitator=is_facilitator,
        )
        return f"Note moved to {zone.name}.", [("append", note.pk)]

    return _note_write(request, workshop_id, activity_id, note_id, write)


@require_POST
@organisation_view(Action.BOARD_CONTRIBUTE, target=PARTICIPANT)
def note_delete(
    request: OrganisationRequest, workshop_id: int, activity_id: int, note_id: int
) -> HttpResponse:
    def write(*, note, participant, is_facilitator, **_):
        services.note_delete(
            note=note,
            base_version=_version(request),
            participant=participant,
            is_facilitator=is_facilitator,
        )
        return "Note deleted.", [("removed", note.pk)]

    return _note_write(request, workshop_id, activity_id, note_id, write)


@require_POST
@organisation_view(Action.BOARD_CONTRIBUTE, target=PARTICIPANT)
def note_group(
    request: OrganisationRequest, workshop_id: int, activity_id: int, note_id: int
) -> HttpResponse:
    def write(*, note, participant, is_facilitator, activity, **_):
        form = NoteGroupForm(request.POST)
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        chosen = form.cleaned_data["cluster"]
        cluster = (
            Cluster.objects.filter(activity=activity, pk=chosen).first()
            if chosen.isdigit()
            else None
        )
        if chosen.isdigit() and cluster is None:
            raise ValidationError("That group is no longer on this board.")
        services.note_group(
            note=note,
            base_version=form.cleaned_data["version"],
            cluster=cluster,
            new_name=form.cleaned_data["new_name"],
            participant=participant,
            is_facilitator=is_facilitator,
        )
        grouped = cluster or form.cleaned_data["new_name"].strip()
        notice = "Note grouped." if grouped else "Note taken out of its group."
        return notice, [("replace", note.pk)]

    return _note_write(request, workshop_id, activity_id, note_id, write)


def _voter(
    request: OrganisationRequest, workshop: Workshop, participant: Participant | None
) -> Participant:
    if participant is not None:
        return participant
    return _writer(request, workshop)


@require_POST
@organisation_view(Action.BOARD_CONTRIBUTE, target=PARTICIPANT)
def note_vote(
    request: OrganisationRequest, workshop_id: int, activity_id: int, note_id: int
) -> HttpResponse:
    def write(*, note, participant, is_facilitator, workshop, **_):
        voter = _voter(request, workshop, participant)
        if request.POST.get("take_back"):
            services.vote_withdraw(note=note, participant=voter, is_facilitator=is_facilitator)
            return "Vote taken back.", [("replace", note.pk)]
        services.vote_cast(note=note, participant=voter, is_facilitator=is_facilitator)
        return "Vote cast.", [("replace", note.pk)]

    return _note_write(request, workshop_id, activity_id, note_id, write)


@require_POST
@organisation_view(Action.WORKSHOP_RUN)
def note_merge(
    request: OrganisationRequest, workshop_id: int, activity_id: int, note_id: int
) -> HttpResponse:
    def write(*, note, activity, **_):
        form = MergeForm(request.POST)
        if not form.is_valid():
            raise ValidationError("Choose the note to merge this one into.")
        target = _get_note(activity, form.cleaned_data["into"])
        source_id = note.pk
        services.notes_merge(target=target, source=note, base_version=target.version)
        return f"Note {source_id} merged into note {target.pk}.", [
            ("removed", source_id),
            ("replace", target.pk),
        ]

    return _note_write(request, workshop_id, activity_id, note_id, write)


@require_POST
@organisation_view(Action.WORKSHOP_RUN)
def note_promote(
    request: OrganisationRequest, workshop_id: int, activity_id: int, note_id: int
) -> HttpResponse:
    def write(*, note, activity, **_):
        form = PromoteForm(request.POST)
        if not form.is_valid():
            raise ValidationError(form.problem())
        note.activity = activity
        kind = form.cleaned_data["kind"]
        if kind != Promotion.Kind.CANVAS:
            # Whoever runs workshops may edit the champions' tools today; should that ever
            # change, promoting must not become a way round it.
            if not request.actor.can(Action.CHAMPIONS_EDIT):
                raise PermissionDenied("Only those who edit the champions' tools can add to them.")
            promotion = services.note_promote_to_tool(note=note, kind=kind, actor=request.actor)
            return _promoted_notice(promotion), [("replace", note.pk)]
        step = next(
            (
                s
                for s in journey_steps(request.organisation)
                if s.definition.number == form.cleaned_data["step"]
            ),
            None,
        )
        if step is None:
            raise ValidationError("There is no such step in the journey.")
        promotion = services.note_promote(
            note=note, step=step, section=form.cleaned_data["section"], actor=request.actor
        )
        return f"Added to the journey: {promotion.target_label}.", [("replace", note.pk)]

    return _note_write(request, workshop_id, activity_id, note_id, write)


def _promoted_notice(promotion: Promotion) -> str:
    named = f"{promotion.get_kind_display()} “{promotion.target_label}”"
    if promotion.kind == Promotion.Kind.MILESTONE:
        return f"{named} added, due in three months: change its date on the milestones page."
    if promotion.kind == Promotion.Kind.OBJECTIVE:
        return f"{named} added for this quarter: give it key results on its page."
    return f"{named} added to the use cases, ready to be scored."


@require_POST
@organisation_view(Action.WORKSHOP_RUN)
def phase(request: OrganisationRequest, workshop_id: int, activity_id: int) -> HttpResponse:
    workshop, activity = _board_target(request, workshop_id, activity_id)
    form = PhaseForm(request.POST)
    if not form.is_valid():
        return _problem(request, workshop, activity, "Choose a phase.", 400)
    try:
        services.phase_set(
            activity=activity,
            phase=form.cleaned_data["phase"],
            base_version=form.cleaned_data["version"],
        )
    except Conflict:
        return _problem(
            request,
            workshop,
            activity,
            "Another facilitator changed this board's phase a moment ago. Check it and choose "
            "again.",
            409,
        )
    except WorkshopRefused as refused:
        return _problem(request, workshop, activity, refused.message, 400)
    return _done(
        request,
        workshop,
        activity,
        f"The board is now in the {activity.get_phase_display().lower()} phase.",
    )


@require_POST
@organisation_view(Action.WORKSHOP_RUN)
def start(request: OrganisationRequest, workshop_id: int, activity_id: int) -> HttpResponse:
    workshop, activity = _board_target(request, workshop_id, activity_id)
    try:
        services.activity_start(activity=activity)
    except WorkshopRefused as refused:
        messages.error(request, refused.message)
        return _back_to_agenda(request, workshop)
    messages.success(request, f"“{activity.name}” has started: people who join land here.")
    return redirect(_board_url(workshop, activity))


@require_POST
@organisation_view(Action.WORKSHOP_RUN)
def reveal_votes(request: OrganisationRequest, workshop_id: int, activity_id: int) -> HttpResponse:
    workshop, activity = _board_target(request, workshop_id, activity_id)
    if workshop.is_ended:
        return _problem(
            request,
            workshop,
            activity,
            "This workshop has ended: its boards no longer change.",
            400,
        )
    revealed = request.POST.get("revealed", "1") == "1"
    services.votes_reveal(activity=activity, revealed=revealed)
    return _done(
        request,
        workshop,
        activity,
        "Votes are shown to everyone." if revealed else "Votes are hidden again.",
    )


@require_POST
@organisation_view(Action.WORKSHOP_RUN)
def timer(request: OrganisationRequest, workshop_id: int, activity_id: int) -> HttpResponse:
    workshop, activity = _board_target(request, workshop_id, activity_id)
    form = TimerForm(request.POST)
    if not form.is_valid():
        return _problem(request, workshop, activity, "A timer runs for 0 to 180 minutes.", 400)
    services.timer_set(activity=activity, minutes=form.cleaned_data["minutes"])
    minutes = form.cleaned_data["minutes"]
    return _done(
        request,
        workshop,
        activity,
        f"Timer set to {minutes} minutes." if minutes else "Timer stopped.",
    )


@require_POST
@organisation_view(Action.WORKSHOP_RUN)
def cluster_rename(
    request: OrganisationRequest, workshop_id: int, activity_id: int, cluster_id: int
) -> HttpResponse:
    workshop, activity = _board_target(request, workshop_id, activity_id)
    cluster = activity.clusters.filter(pk=cluster_id).first()
    if cluster is None:
        raise Http404("No such group.")
    cluster.activity = activity
    try:
        services.cluster_rename(cluster=cluster, name=request.POST.get("name", ""))
    except ValidationError as error:
        return _problem(request, workshop, activity, " ".join(error.messages), 400)
    return _done(request, workshop, activity, "Group renamed.")
