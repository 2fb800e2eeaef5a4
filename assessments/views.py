"""Assessment pages: rounds and their people (managers), answering (respondents, members or
guests through a personal link) and results (everyone in the organisation)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kernel.http import client_ip
from kernel.throttle import Throttled, throttled_response
from kernel.versioned import Conflict
from organisations.access import (
    GuestTarget,
    OrganisationRequest,
    guest_session_add,
    organisation_view,
)
from organisations.exports import export_redirect, export_request
from organisations.roles import Action, GuestKind
from organisations.services import GrantRefused, guest_grant_redeem

from . import report, scoring, selectors
from . import results as round_results
from .forms import AxisAnswerForm, LinkForm, RespondentsForm, RoundForm, RoundStatusForm
from .models import Respondent, Response, Round
from .services import (
    AnswerConflict,
    AxisAnswer,
    NotYourResponse,
    RoundClosed,
    may_answer,
    respondent_link_renew,
    respondent_link_revoke,
    respondent_link_send,
    respondents_add,
    response_save,
    round_close,
    round_open,
    round_reopen,
)

RESPONDENT = GuestTarget(GuestKind.ASSESSMENT_RESPONDENT, "respondent_id")
# Links made by the last request, shown once on the round page: only their hashes are stored.
SESSION_FRESH_LINKS = "assessment_fresh_links"


# --- access helpers: every lookup is scoped to the organisation in the URL ---------------------


def _get_round_for_member(request: OrganisationRequest, round_id: int) -> Round:
    try:
        return selectors.round_get(organisation=request.organisation, round_id=round_id)
    except Round.DoesNotExist:
        raise Http404("No such round.") from None


def _get_respondent_for_manager(round: Round, respondent_id: int) -> Respondent:
    try:
        return selectors.respondent_in_round(round=round, respondent_id=respondent_id)
    except Respondent.DoesNotExist:
        raise Http404("No such person in this round.") from None


def _get_respondent_for_answering(request: OrganisationRequest, respondent_id: int) -> Respondent:
    """The respondent row this actor may answer for: their own (a member) or their link's.

    Anyone else gets a 404, as a guest does for other targets: the page does not say whom
    else a round asks.
    """
    try:
        respondent = selectors.respondent_get(
            organisation=request.organisation, respondent_id=respondent_id
        )
    except Respondent.DoesNotExist:
        raise Http404("No such questionnaire.") from None
    if not may_answer(request.actor, respondent):
        raise Http404("No such questionnaire.")
    return respondent


def _link(request: HttpRequest, token: str) -> str:
    return request.build_absolute_uri(reverse("assessment_link", kwargs={"token": token}))


# --- rounds ------------------------------------------------------------------------------------


@require_GET
@organisation_view(Action.ASSESSMENT_VIEW)
def round_list(request: OrganisationRequest) -> HttpResponse:
    rounds = list(selectors.rounds_with_progress(request.organisation))
    mine = selectors.my_respondents(organisation=request.organisation, user=request.actor.user)
    for round in rounds:
        round.mine = mine.get(round.pk)
        round.unfinished = round.started - round.answered
    context = {
        "rounds": rounds,
        "can_manage": request.actor.can(Action.ASSESSMENT_MANAGE),
        "can_report": request.actor.can(Action.REPORT_VIEW),
    }
    return render(request, "assessments/round_list.html", context)


def _deliver_links(request: OrganisationRequest, tokens: dict[Respondent, str], send: bool) -> None:
    fresh = request.session.get(SESSION_FRESH_LINKS, {})
    sent = 0
    for respondent, token in tokens.items():
        link = _link(request, token)
        fresh[str(respondent.pk)] = link
        if send and respondent.email:
            respondent_link_send(respondent=respondent, link=link)
            sent += 1
    request.session[SESSION_FRESH_LINKS] = fresh
    if sent:
        messages.success(request, f"E-mailed {sent} personal link{'s' if sent != 1 else ''}.")


@require_http_methods(["GET", "POST"])
@organisation_view(Action.ASSESSMENT_MANAGE)
def round_new(request: OrganisationRequest) -> HttpResponse:
    form = RoundForm(request.POST or None, organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round, tokens = round_open(
                organisation=request.organisation,
                instrument=data["instrument"],
                title=data["title"],
                closes_on=data["closes_on"],
                anonymous=data["anonymous"],
                actor=request.actor,
                members=list(data["members"]),
                outsiders=data["outsiders"],
            )
        except ValidationError as error:
            form.add_error("outsiders", error)
        else:
            _deliver_links(request, tokens, send=data["send_links"])
            messages.success(request, f"“{round.title}” is open.")
            return redirect(
                "assessments:round", org_slug=request.organisation.slug, round_id=round.pk
            )
    status = 400 if form.is_bound else 200
    return render(request, "assessments/round_new.html", {"form": form}, status=status)


def _respondent_rows(request: OrganisationRequest, round: Round) -> list[Respondent]:
    fresh = request.session.pop(SESSION_FRESH_LINKS, {})
    rows = selectors.round_respondents(round)
    for row in rows:
        row.fresh_link = fresh.get(str(row.pk), "")
        row.answered = _response_state(row)
    return rows


def _response_state(respondent: Respondent) -> str:
    try:
        response = respondent.response
    except Response.DoesNotExist:
        return "not_started"
    return "answered" if response.submitted_at else "started"


def _round_context(request: OrganisationRequest, round: Round, **overrides) -> dict:
    rows = _respondent_rows(request, round)
    context = {
        "round": round,
        "respondents": rows,
        "progress": {
            "asked": len(rows),
            "answered": sum(r.answered == "answered" for r in rows),
            "started": sum(r.answered == "started" for r in rows),
        },
        "status_form": RoundStatusForm(initial={"version": round.version}),
        "add_form": RespondentsForm(organisation=request.organisation, round=round),
        "can_manage": True,
    }
    context.update(overrides)
    return context


@require_GET
@organisation_view(Action.ASSESSMENT_MANAGE)
def round_detail(request: OrganisationRequest, round_id: int) -> HttpResponse:
    round = _get_round_for_member(request, round_id)
    return render(request, "assessments/round_detail.html", _round_context(request, round))


@require_POST
@organisation_view(Action.ASSESSMENT_MANAGE)
def round_status(request: OrganisationRequest, round_id: int) -> HttpResponse:
    """Close or reopen a round, checked against the version the manager saw."""
    round = _get_round_for_member(request, round_id)
    form = RoundStatusForm(request.POST)
    status = 200
    notice = ""
    if not form.is_valid():
        status = 400
    else:
        change = round_close if form.cleaned_data["status"] == Round.Status.CLOSED else round_reopen
        try:
            round = change(round=round, base_version=form.cleaned_data["version"])
        except Conflict as conflict:
            round = selectors.round_get(organisation=request.organisation, round_id=round.pk)
            status = 409
            notice = (
                f"Someone else changed this round a moment ago; it is now "
                f"{_round_state(conflict.current)}. Nothing was changed. Choose again if needed."
            )
        else:
            notice = f"The round is now {_round_state(round)}."
    if request.htmx:
        context = {
            "round": round,
            "status_form": RoundStatusForm(initial={"version": round.version}),
            "errors": form.errors if status == 400 else None,
            "notice": notice,
            "conflict": status == 409,
        }
        return render(request, "assessments/round_detail.html#round-status", context, status=status)
    if status == 400:
        messages.error(request, "That change could not be read. Nothing was changed.")
    elif status == 409:
        messages.warning(request, notice)
    else:
        messages.success(request, notice)
    return redirect("assessments:round", org_slug=request.organisation.slug, round_id=round.pk)


def _round_state(round: Round) -> str:
    if round.is_open():
        return "open"
    if round.date_passed:
        return "closed (its closing date has passed)"
    return "closed"


@require_POST
@organisation_view(Action.ASSESSMENT_MANAGE)
def respondents_add_view(request: OrganisationRequest, round_id: int) -> HttpResponse:
    round = _get_round_for_member(request, round_id)
    form = RespondentsForm(request.POST, organisation=request.organisation, round=round)
    if form.is_valid():
        try:
            tokens = respondents_add(
                round=round,
                members=list(form.cleaned_data["members"]),
                outsiders=form.cleaned_data["outsiders"],
            )
        except ValidationError as error:
            form.add_error("outsiders", error)
        else:
            _deliver_links(request, tokens, send=form.cleaned_data["send_links"])
            count = len(tokens)
            messages.success(request, f"Added {count} {'person' if count == 1 else 'people'}.")
            return redirect(
                "assessments:round", org_slug=request.organisation.slug, round_id=round.pk
            )
    context = _round_context(request, round, add_form=form)
    return render(request, "assessments/round_detail.html", context, status=400)


def _row_response(
    request: OrganisationRequest, respondent: Respondent, notice: str
) -> HttpResponse:
    """After a change to one person's link: their row under htmx, else back to the round."""
    if request.htmx:
        respondent.fresh_link = request.session.pop(SESSION_FRESH_LINKS, {}).get(
            str(respondent.pk), ""
        )
        respondent.answered = _response_state(respondent)
        context = {"round": respondent.round, "respondent": respondent, "notice": notice}
        return render(request, "assessments/round_detail.html#respondent-row", context)
    messages.success(request, notice)
    return redirect(
        "assessments:round", org_slug=request.organisation.slug, round_id=respondent.round_id
    )


@require_POST
@organisation_view(Action.ASSESSMENT_MANAGE)
def respondent_link(
    request: OrganisationRequest, round_id: int, respondent_id: int
) -> HttpResponse:
    """A new personal link for someone, shown to copy or e-mailed; the old one stops working."""
    round = _get_round_for_member(request, round_id)
    respondent = _get_respondent_for_manager(round, respondent_id)
    form = LinkForm(request.POST)
    deliver = form.cleaned_data["deliver"] if form.is_valid() else "copy"
    if deliver == "email" and not respondent.email:
        deliver = "copy"
    token = respondent_link_renew(respondent=respondent)
    link = _link(request, token)
    if deliver == "email":
        respondent_link_send(respondent=respondent, link=link)
        notice = f"A new link was e-mailed to {respondent.email}; the old one no longer works."
    else:
        request.session[SESSION_FRESH_LINKS] = {str(respondent.pk): link}
        notice = f"New link for {respondent.name}: copy it now, it is shown only once."
    return _row_response(request, respondent, notice)


@require_POST
@organisation_view(Action.ASSESSMENT_MANAGE)
def respondent_revoke(
    request: OrganisationRequest, round_id: int, respondent_id: int
) -> HttpResponse:
    round = _get_round_for_member(request, round_id)
    respondent = _get_respondent_for_manager(round, respondent_id)
    respondent_link_revoke(respondent=respondent)
    return _row_response(
        request, respondent, f"{respondent.name}'s link no longer works. Their answers stay."
    )


# --- results -----------------------------------------------------------------------------------


@require_GET
@organisation_view(Action.ASSESSMENT_VIEW)
def round_results_view(request: OrganisationRequest, round_id: int) -> HttpResponse:
    round = _get_round_for_member(request, round_id)
    context = round_results.results_context(round=round, organisation=request.organisation)
    context["can_manage"] = request.actor.can(Action.ASSESSMENT_MANAGE)
    context["can_report"] = request.actor.can(Action.REPORT_VIEW)
    return render(request, "assessments/results.html", context)


# --- answering ---------------------------------------------------------------------------------


def _answer_labels(definition: dict) -> dict[str, str]:
    return scoring.level_labels(definition)


def _axis_context(
    definition: dict,
    axis: dict,
    response: Response | None,
    *,
    form: AxisAnswerForm | None = None,
    conflict: bool = False,
    saved: bool = False,
) -> dict:
    """What one question card shows: used by the whole page and by its own htmx swap."""
    labels = _answer_labels(definition)
    saved_level = response.answers.get(axis["key"], "") if response else ""
    saved_comment = response.comments.get(axis["key"], "") if response else ""
    version = response.version if response else 0
    level, comment = saved_level, saved_comment
    errors: list[str] = []
    if form is not None:
        # Show what this person sent, not what is saved, so nothing they chose is lost.
        level = form.data.get(form.add_prefix("level"), saved_level) or saved_level
        comment = form.data.get(form.add_prefix("comment"), saved_comment)
        errors = [e for field_errors in form.errors.values() for e in field_errors]
    levels = [
        {"key": key, "label": labels[key], "description": axis["levels"][key]}
        for key in scoring.level_keys(definition)
    ]
    dont_know = definition["dont_know"]["key"]
    return {
        "axis": axis,
        "number": definition["axes"].index(axis) + 1,
        "levels": levels,
        "dont_know": {"key": dont_know, "label": labels[dont_know]},
        "level": level,
        "comment": comment,
        "base": version,
        "errors": errors,
        "conflict": conflict,
        "saved": saved,
        "theirs": {
            "level": labels.get(saved_level, "no answer"),
            "comment": saved_comment,
        }
        if conflict
        else None,
    }


def _answer_context(
    request: OrganisationRequest,
    respondent: Respondent,
    response: Response | None,
    cards: dict[str, dict] | None = None,
) -> dict:
    round = respondent.round
    definition = round.instrument.definition
    cards = cards or {}
    axes = [
        cards.get(axis["key"]) or _axis_context(definition, axis, response)
        for axis in definition["axes"]
    ]
    answered = len(response.answers) if response else 0
    return {
        "respondent": respondent,
        "round": round,
        "instrument": round.instrument,
        "cards": axes,
        "answered": answered,
        "total": len(axes),
        "is_open": round.is_open(),
        "answer_labels": _answer_labels(definition),
    }


def _axis_answers(
    request: HttpRequest, definition: dict, axis_keys: list[str]
) -> tuple[dict[str, AxisAnswer], dict[str, AxisAnswerForm]]:
    labels = _answer_labels(definition)
    forms = {key: AxisAnswerForm(request.POST, prefix=key, answers=labels) for key in axis_keys}
    answers = {
        key: AxisAnswer(
            level=form.cleaned_data["level"],
            comment=form.cleaned_data["comment"],
            base=form.cleaned_data["base"],
        )
        for key, form in forms.items()
        if form.is_valid()
    }
    return answers, forms


@require_http_methods(["GET", "POST"])
@organisation_view(Action.ASSESSMENT_RESPOND, target=RESPONDENT)
def answer(request: OrganisationRequest, respondent_id: int) -> HttpResponse:
    """The whole questionnaire: works as one plain form; htmx saves each card as you go."""
    respondent = _get_respondent_for_answering(request, respondent_id)
    response = selectors.response_of(respondent)
    if request.method == "GET":
        return render(
            request, "assessments/answer.html", _answer_context(request, respondent, response)
        )
    definition = respondent.round.instrument.definition
    sent = [key for key in scoring.axis_keys(definition) if f"{key}-base" in request.POST]
    answers, forms = _axis_answers(request, definition, sent)
    invalid = {key for key, form in forms.items() if not form.is_valid()}
    cards: dict[str, dict] = {}
    status = 200
    problem = ""
    if not sent:
        status, problem = 400, "Nothing was sent. Choose an answer and save again."
    elif invalid:
        status = 400
        problem = "Nothing was saved: check the questions marked below."
    else:
        try:
            response = response_save(respondent=respondent, actor=request.actor, answers=answers)
        except RoundClosed:
            status, problem = 400, "This round is closed: answers can no longer change."
        except NotYourResponse:
            raise Http404("No such questionnaire.") from None
        except ValidationError as error:
            status, problem = 400, " ".join(error.messages)
        except AnswerConflict as conflict:
            status = 409
            response = conflict.current
            problem = (
                "Some answers were changed elsewhere (another tab or device) while this page "
                "was open. Nothing was saved: compare them below and save again."
            )
            for key in conflict.axes:
                axis = next(a for a in definition["axes"] if a["key"] == key)
                cards[key] = _axis_context(
                    definition, axis, response, form=forms[key], conflict=True
                )
    if status == 200:
        messages.success(
            request, "Your answers are saved. You can change them until the round closes."
        )
        return redirect(
            "assessments:answer", org_slug=request.organisation.slug, respondent_id=respondent.pk
        )
    for key in invalid:
        axis = next(a for a in definition["axes"] if a["key"] == key)
        cards[key] = _axis_context(definition, axis, response, form=forms[key])
    for key in sent:
        if key not in cards:
            axis = next(a for a in definition["axes"] if a["key"] == key)
            cards[key] = _axis_context(definition, axis, response, form=forms[key])
    context = _answer_context(request, respondent, response, cards)
    context["problem"] = problem
    return render(request, "assessments/answer.html", context, status=status)


@require_POST
@organisation_view(Action.ASSESSMENT_RESPOND, target=RESPONDENT)
def answer_axis(request: OrganisationRequest, respondent_id: int, axis: str) -> HttpResponse:
    """Save one question card as soon as it changes (htmx), and send back that card."""
    respondent = _get_respondent_for_answering(request, respondent_id)
    definition = respondent.round.instrument.definition
    axis_definition = next((a for a in definition["axes"] if a["key"] == axis), None)
    if axis_definition is None:
        raise Http404("No such question.")
    answers, forms = _axis_answers(request, definition, [axis])
    form = forms[axis]
    response = selectors.response_of(respondent)
    status = 200
    card: dict
    if not form.is_valid():
        status = 400
        card = _axis_context(definition, axis_definition, response, form=form)
    else:
        try:
            response = response_save(respondent=respondent, actor=request.actor, answers=answers)
        except RoundClosed:
            status = 400
            card = _axis_context(definition, axis_definition, response, form=form)
            card["errors"] = ["This round is closed: answers can no longer change."]
        except NotYourResponse:
            raise Http404("No such questionnaire.") from None
        except ValidationError as error:
            status = 400
            card = _axis_context(definition, axis_definition, response, form=form)
            card["errors"] = error.messages
        except AnswerConflict as conflict:
            status = 409
            card = _axis_context(
                definition, axis_definition, conflict.current, form=form, conflict=True
            )
        else:
            card = _axis_context(definition, axis_definition, response, saved=True)
    if not request.htmx:
        # Without JavaScript the whole page comes back, this card with its message.
        if status == 200:
            messages.success(request, f"Saved your answer on {axis_definition['name']}.")
            return redirect(
                "assessments:answer",
                org_slug=request.organisation.slug,
                respondent_id=respondent.pk,
            )
        context = _answer_context(request, respondent, response, {axis: card})
        return render(request, "assessments/answer.html", context, status=status)
    context = {
        "card": card,
        "respondent": respondent,
        "round": respondent.round,
        "is_open": respondent.round.is_open(),
        "answered": len(response.answers) if response else 0,
        "total": len(definition["axes"]),
        "oob": True,
    }
    return render(request, "assessments/answer.html#axis-status", context, status=status)


# --- personal links, outside /o/<org_slug>/ ----------------------------------------------------

REFUSALS = {
    "unknown": (
        404,
        "This link does not open anything",
        "It may have been copied incompletely. Check that you used the whole link from your "
        "e-mail, or ask the person who sent it for a new one.",
    ),
    "revoked": (
        410,
        "This link is no longer valid",
        "It was withdrawn, perhaps because a new link was sent to you. Use the newest link "
        "you received, or ask the person who sent it.",
    ),
    "expired": (
        410,
        "This link has expired",
        "Ask the person who sent it for a new link if you still want to answer.",
    ),
    "closed": (
        410,
        "This survey is closed",
        "It no longer takes answers. Thank you for your interest; the answers already given "
        "are kept.",
    ),
}


def _refused(request: HttpRequest, reason: str) -> HttpResponse:
    status, title, text = REFUSALS[reason]
    context = {"title": title, "text": text}
    return render(request, "assessments/link_refused.html", context, status=status)


@require_GET
def respondent_link_open(request: HttpRequest, token: str) -> HttpResponse:
    """A respondent's personal link: keep its grant in the session, then open their answers."""
    try:
        grant = guest_grant_redeem(
            token=token, kind=GuestKind.ASSESSMENT_RESPONDENT, client_ip=client_ip(request)
        )
    except Throttled as exc:
        return throttled_response(request, exc)
    except GrantRefused as refused:
        return _refused(request, refused.reason if refused.reason in REFUSALS else "unknown")
    respondent = selectors.respondent_for_grant(grant.pk)
    if respondent is None or respondent.round.organisation_id != grant.organisation_id:
        return _refused(request, "unknown")
    if not respondent.round.is_open():
        return _refused(request, "closed")
    guest_session_add(request, grant)
    return redirect(
        "assessments:answer",
        org_slug=respondent.round.organisation.slug,
        respondent_id=respondent.pk,
    )


@never_cache
@require_GET
@organisation_view(Action.REPORT_VIEW)
def maturity_report(request: OrganisationRequest) -> HttpResponse:
    """What the executive maturity report will say, and the button that makes its PDF."""
    context = report.report_context(request.organisation)
    return render(request, "assessments/report.html", context)


@require_POST
@organisation_view(Action.REPORT_VIEW)
def maturity_report_pdf(request: OrganisationRequest) -> HttpResponse:
    export = export_request(
        organisation=request.organisation,
        actor=request.actor,
        kind=report.KIND,
        params={},
        title=report.TITLE,
    )
    return export_redirect(request, export)
