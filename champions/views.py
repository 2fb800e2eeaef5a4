"""Pages of the champions' tools under /o/<slug>/champions/.

Each page has one context builder, used by the full page and by its htmx partial alike. Every
form posts to its own URL and works without JavaScript: a normal request gets a redirect (or
the whole page again, with the messages by the fields, on bad input); an htmx request gets
the partial it swaps.
"""

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kernel.charts import line_plotly, line_svg
from organisations.access import OrganisationRequest, organisation_view
from organisations.roles import Action

from . import charts, lvt, okr, selectors, services, usecases
from .forms import (
    CheckInForm,
    KeyResultEditForm,
    KeyResultForm,
    LvtNodeEditForm,
    LvtNodeForm,
    MilestoneEditForm,
    MilestoneForm,
    ObjectiveEditForm,
    ObjectiveForm,
    RoiMeasureForm,
    RoiMeasurementForm,
    ScoreForm,
    UseCaseEditForm,
    UseCaseForm,
)
from .models import KeyResult, LvtNode, Milestone, Objective, RoiMeasure, UseCase
from .services import Conflict

# --- access helpers: every lookup scoped to the request's organisation --------------------


def _get(selector, request: OrganisationRequest, **ids):
    try:
        return selector(organisation=request.organisation, **ids)
    except ObjectDoesNotExist:
        raise Http404("There is no such item here.") from None


def _can_edit(request: OrganisationRequest) -> bool:
    return request.actor.can(Action.CHAMPIONS_EDIT)


def _url(request: OrganisationRequest, name: str, *args) -> str:
    return reverse(f"champions:{name}", args=[request.organisation.slug, *args])


def _vary(response: HttpResponse) -> HttpResponse:
    patch_vary_headers(response, ["HX-Request"])
    return response


def _chart(chart) -> dict:
    return {"svg": line_svg(chart), "figure": line_plotly(chart), "id": f"chart-{chart.key}"}


def _on_their_version(form, theirs) -> QueryDict:
    """What the person typed, now based on the version saved meanwhile, so saving it again
    keeps theirs over it on purpose rather than clashing once more."""
    typed = form.data.copy()
    typed[form.add_prefix("version")] = str(theirs.version)
    return typed


# --- champion's home --------------------------------------------------------------------------


def _curve_context(request: OrganisationRequest, today, known=None) -> dict:
    position = selectors.curve_position(organisation=request.organisation, today=today, known=known)
    history = [
        (s.taken_on, s.position)
        for s in selectors.curve_history(organisation=request.organisation)
        if s.taken_on < today
    ]
    return {"curve": position, "curve_svg": charts.curve_svg(position, history), "history": history}


@require_GET
@organisation_view(Action.CHAMPIONS_VIEW)
def home(request: OrganisationRequest) -> HttpResponse:
    today = timezone.localdate()
    period = okr.quarter_of(today)
    overview = selectors.period_overview(
        organisation=request.organisation, period=period, today=today
    )
    context = {
        "board": selectors.milestone_board(organisation=request.organisation, today=today),
        "period": period,
        "at_risk": selectors.at_risk(overview),
        "objective_count": len(overview),
        "unowned_steps": selectors.steps_without_owner(organisation=request.organisation),
        "workshop_actions": selectors.workshop_actions(organisation=request.organisation),
        "today": today,
        "can_edit": _can_edit(request),
        **_curve_context(request, today, known=(period, overview)),
    }
    return render(request, "champions/home.html", context)


# --- milestones -----------------------------------------------------------------------------


def _milestone_edit_form(request: OrganisationRequest, milestone: Milestone, data=None):
    return MilestoneEditForm(
        data,
        organisation=request.organisation,
        prefix=f"m{milestone.pk}",
        initial={
            "title": milestone.title,
            "target_date": milestone.target_date,
            "status": milestone.status,
            "owner": milestone.owner_id,
            "step": milestone.step_id,
            "evidence": milestone.evidence,
            "version": milestone.version,
        },
    )


def _milestones_context(request: OrganisationRequest, *, new_form=None, bound=None) -> dict:
    today = timezone.localdate()
    items = list(selectors.milestones(organisation=request.organisation))
    can_edit = _can_edit(request)
    months: list[dict] = []
    for milestone in items:
        milestone.overdue = milestone.is_overdue(today)
        if can_edit:
            milestone.form = (
                bound
                if bound and bound.milestone_id == milestone.pk
                else _milestone_edit_form(request, milestone)
            )
        label = f"{milestone.target_date:%B %Y}"
        if not months or months[-1]["label"] != label:
            months.append({"label": label, "milestones": []})
        months[-1]["milestones"].append(milestone)
    return {
        "months": months,
        "overdue_count": sum(m.overdue for m in items),
        "done_count": sum(m.status == Milestone.Status.DONE for m in items),
        "total": len(items),
        "today": today,
        "can_edit": can_edit,
        "new_form": new_form or MilestoneForm(organisation=request.organisation),
    }


@require_GET
@organisation_view(Action.CHAMPIONS_VIEW)
def milestone_list(request: OrganisationRequest) -> HttpResponse:
    return render(request, "champions/milestones.html", _milestones_context(request))


@require_POST
@organisation_view(Action.CHAMPIONS_EDIT)
def milestone_add(request: OrganisationRequest) -> HttpResponse:
    form = MilestoneForm(request.POST, organisation=request.organisation)
    if not form.is_valid():
        return render(
            request,
            "champions/milestones.html",
            _milestones_context(request, new_form=form),
            status=400,
        )
    services.milestone_create(
        organisation=request.organisation, actor=request.actor, **form.cleaned_data
    )
    messages.success(request, "Milestone added.")
    return redirect(_url(request, "milestones"))


@require_POST
@organisation_view(Action.CHAMPIONS_EDIT)
def milestone_edit(request: OrganisationRequest, milestone_id: int) -> HttpResponse:
    milestone = _get(selectors.milestone_get, request, milestone_id=milestone_id)
    form = _milestone_edit_form(request, milestone, request.POST)
    form.milestone_id = milestone.pk
    status = 200
    if not form.is_valid():
        status = 400
    else:
        data = dict(form.cleaned_data)
        try:
            milestone = services.milestone_update(
                milestone=milestone,
                actor=request.actor,
                base_version=data.pop("version"),
                **data,
            )
        except Conflict as conflict:
            milestone = conflict.current
            status = 409
            form = _milestone_edit_form(request, milestone, _on_their_version(form, milestone))
            form.is_valid()
            form.milestone_id = milestone.pk
            form.theirs = milestone
    if status != 200:
        if request.htmx:
            milestone.form = form
            milestone.overdue = milestone.is_overdue(timezone.localdate())
            context = {"milestone": milestone, "can_edit": True, "today": timezone.localdate()}
            return render(request, "champions/milestones.html#milestone", context, status=status)
        return render(
            request,
            "champions/milestones.html",
            _milestones_context(request, bound=form),
            status=status,
        )
    if request.htmx:
        milestone.form = _milestone_edit_form(request, milestone)
        milestone.form.saved = True
        milestone.overdue = milestone.is_overdue(timezone.localdate())
        context = {"milestone": milestone, "can_edit": True, "today": timezone.localdate()}
        return render(request, "champions/milestones.html#milestone", context)
    messages.success(request, f"“{milestone.title}” saved.")
    return redirect(_url(request, "milestones") + f"#milestone-{milestone.pk}")


# --- the period view --------------------------------------------------------------------------


def _period_from(request: OrganisationRequest, today) -> okr.Period:
    """The quarter named by ?period=2026-Q4, or the current one."""
    text = request.GET.get("period", "")
    try:
        year, quarter = text.split("-Q")
        start_month = (int(quarter) - 1) * 3 + 1
        if not 1 <= int(quarter) <= 4:
            raise ValueError
        return okr.quarter_of(today.replace(year=int(year), month=start_month, day=1))
    except ValueError:
        return okr.quarter_of(today)


def _period_context(request: OrganisationRequest, *, objective_form=None) -> dict:
    today = timezone.localdate()
    period = _period_from(request, today)
    overview = selectors.period_overview(
        organisation=request.organisation, period=period, today=today
    )
    return {
        "period": period,
        "periods": selectors.periods(organisation=request.organisation, today=today),
        "overview": overview,
        "at_risk_count": sum(o.at_risk for o in overview),
        "today": today,
        "can_edit": _can_edit(request),
        "objective_form": objective_form
        or ObjectiveForm(
            organisation=request.organisation,
            initial={"period_start": period.start, "period_end": period.end},
        ),
    }


@require_GET
@organisation_view(Action.CHAMPIONS_VIEW)
def period(request: OrganisationRequest) -> HttpResponse:
    template = "champions/period.html#overview" if request.htmx else "champions/period.html"
    return _vary(render(request, template, _period_context(request)))


@require_POST
@organisation_view(Action.CHAMPIONS_EDIT)
def objective_add(request: OrganisationRequest) -> HttpResponse:
    form = ObjectiveForm(request.POST, organisation=request.organisation)
    if not form.is_valid():
        return render(
            request,
            "champions/period.html",
            _period_context(request, objective_form=form),
            status=400,
        )
    objective = services.objective_create(
        organisation=request.organisation, actor=request.actor, **form.cleaned_data
    )
    messages.success(request, "Objective added. Now give it its key results.")
    return redirect(_url(request, "objective", objective.pk))


# --- one objective ----------------------------------------------------------------------------


def _key_result_edit_form(key_result: KeyResult, data=None) -> KeyResultEditForm:
    return KeyResultEditForm(
        data,
        key_result=key_result,
        prefix=f"edit{key_result.pk}",
        initial={
            "title": key_result.title,
            "unit": key_result.unit,
            "baseline": key_result.baseline,
            "target": key_result.target,
            "direction": key_result.direction,
            "weight": key_result.weight,
            "version": key_result.version,
        },
    )


def _key_result_card(
    status: selectors.KeyResultStatus, history: list, can_edit: bool, **forms
) -> dict:
    key_result = status.key_result
    card = {
        "status": status,
        "key_result": key_result,
        "history": list(reversed(history)),
        "chart": _chart(charts.key_result_chart(key_result, history)),
        "revisions": list(key_result.revisions.all()),
    }
    if can_edit:
        card["check_in_form"] = forms.get("check_in_form") or CheckInForm(key_result=key_result)
        card["edit_form"] = forms.get("edit_form") or _key_result_edit_form(key_result)
    card.update({k: v for k, v in forms.items() if k in ("saved", "theirs")})
    return card


def _objective_edit_form(request: OrganisationRequest, objective: Objective, data=None):
    return ObjectiveEditForm(
        data,
        organisation=request.organisation,
        prefix="objective",
        initial={
            "title": objective.title,
            "period_start": objective.period_start,
            "period_end": objective.period_end,
            "lvt_node": objective.lvt_node_id,
            "owner": objective.owner_id,
            "version": objective.version,
        },
    )


def _objective_context(
    request: OrganisationRequest,
    objective: Objective,
    *,
    cards_override=None,
    new_kr=None,
    objective_form=None,
) -> dict:
    today = timezone.localdate()
    status = selectors.objective_status(objective, today)
    history = selectors.check_ins_of(objective=objective)
    can_edit = _can_edit(request)
    override = cards_override or {}
    cards = [
        _key_result_card(
            kr, history.get(kr.key_result.pk, []), can_edit, **override.get(kr.key_result.pk, {})
        )
        for kr in status.key_results
    ]
    return {
        "objective": objective,
        "status": status,
        "cards": cards,
        "today": today,
        "expected": okr.percent(
            okr.expected_progress(
                start=objective.period_start, end=objective.period_end, today=today
            )
        ),
        "period_key": okr.quarter_of(objective.period_start).key,
        "can_edit": can_edit,
        "key_result_form": new_kr or KeyResultForm(),
        "objective_form": objective_form or _objective_edit_form(request, objective),
    }


def _objective(request: OrganisationRequest, objective_id: int) -> Objective:
    return _get(selectors.objective_get, request, objective_id=objective_id)


@require_GET
@organisation_view(Action.CHAMPIONS_VIEW)
def objective_detail(request: OrganisationRequest, objective_id: int) -> HttpResponse:
    objective = _objective(request, objective_id)
    return render(request, "champions/objective.html", _objective_context(request, objective))


@require_POST
@organisation_view(Action.CHAMPIONS_EDIT)
def objective_edit(request: OrganisationRequest, objective_id: int) -> HttpResponse:
    objective = _objective(request, objective_id)
    form = _objective_edit_form(request, objective, request.POST)
    status = 400
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.objective_update(
                objective=objective, actor=request.actor, base_version=data.pop("version"), **data
            )
        except Conflict as conflict:
            theirs = conflict.current
            form = _objective_edit_form(request, theirs, _on_their_version(form, theirs))
            form.is_valid()
            form.theirs = theirs
            status = 409
        else:
            messages.success(request, "Objective changed.")
            return redirect(_url(request, "objective", objective.pk))
    objective = _objective(request, objective_id)
    context = _objective_context(request, objective, objective_form=form)
    return render(request, "champions/objective.html", context, status=status)


@require_POST
@organisation_view(Action.CHAMPIONS_EDIT)
def key_result_add(request: OrganisationRequest, objective_id: int) -> HttpResponse:
    objective = _objective(request, objective_id)
    form = KeyResultForm(request.POST)
    if not form.is_valid():
        context = _objective_context(request, objective, new_kr=form)
        return render(request, "champions/objective.html", context, status=400)
    services.key_result_add(objective=objective, actor=request.actor, **form.cleaned_data)
    messages.success(request, "Key result added.")
    return redirect(_url(request, "objective", objective.pk))


def _key_result_response(
    request: OrganisationRequest, key_result: KeyResult, status: int, **forms
) -> HttpResponse:
    """The key result's card (htmx) or its objective's page, with `forms` in the card."""
    objective = _objective(request, key_result.objective_id)
    if request.htmx:
        today = timezone.localdate()
        fresh = next(
            kr
            for kr in selectors.objective_status(objective, today).key_results
            if kr.key_result.pk == key_result.pk
        )
        history = selectors.check_ins_of(objective=objective).get(key_result.pk, [])
        context = {
            "card": _key_result_card(fresh, history, _can_edit(request), **forms),
            "objective": objective,
            "can_edit": _can_edit(request),
        }
        return render(request, "champions/objective.html#key-result", context, status=status)
    if status == 200:
        return redirect(_url(request, "objective", objective.pk) + f"#kr-{key_result.pk}")
    context = _objective_context(request, objective, cards_override={key_result.pk: forms})
    return render(request, "champions/objective.html", context, status=status)


@require_POST
@organisation_view(Action.CHAMPIONS_EDIT)
def check_in(request: OrganisationRequest, key_result_id: int) -> HttpResponse:
    key_result = _get(selectors.key_result_get, request, key_result_id=key_result_id)
    form = CheckInForm(request.POST, key_result=key_result)
    if not form.is_valid():
        return _key_result_response(request, key_result, 400, check_in_form=form)
    services.check_in_add(key_result=key_result, actor=request.actor, **form.cleaned_data)
    if not request.htmx:
        messages.success(request, f"Check-in on “{key_result.title}” saved.")
    return _key_result_response(request, key_result, 200, saved="Check-in saved.")


@require_POST
@organisation_view(Action.CHAMPIONS_EDIT)
def key_result_edit(request: OrganisationRequest, key_result_id: int) -> HttpResponse:
    key_result = _get(selectors.key_result_get, request, key_result_id=key_result_id)
    form = _key_result_edit_form(key_result, request.POST)
    if not form.is_valid():
        return _key_result_response(request, key_result, 400, edit_form=form)
    data = dict(form.cleaned_data)
    try:
        services.key_result_update(
            key_result=key_result, actor=request.actor, base_version=data.pop("version"), **data
        )
    except Conflict as conflict:
        theirs = conflict.current
        form = _key_result_edit_form(theirs, _on_their_version(form, theirs))
        form.is_valid()
        return _key_result_response(request, key_result, 409, edit_form=form, theirs=theirs)
    if not request.htmx:
        messages.success(request, "Key result changed; its earlier version is kept below.")
    return _key_result_response(request, key_result, 200, saved="Key result changed.")


# --- use cases --------------------------------------------------------------------------------


def _use_cases_context(request: OrganisationRequest, *, new_form=None, bound=None) -> dict:
    ranked = selectors.use_cases_ranked(organisation=request.organisation, user=request.actor.user)
    can_edit = _can_edit(request)
    if can_edit:
        for item in ranked:
            if bound is not None and bound.use_case_id == item.use_case.pk:
                item.form = bound
            else:
                item.form = ScoreForm(use_case=item.use_case, initial=item.mine or {})
    return {
        "ranked": ranked,
        "criteria": usecases.CRITERIA,
        "total_max": usecases.TOTAL_MAX,
        "can_edit": can_edit,
        "new_form": new_form or UseCaseForm(organisation=request.organisation),
    }


@require_GET
@organisation_view(Action.CHAMPIONS_VIEW)
def use_case_list(request: OrganisationRequest) -> HttpResponse:
    return render(request, "champions/use_cases.html", _use_cases_context(request))


@require_POST
@organisation_view(Action.CHAMPIONS_EDIT)
def use_case_add(request: OrganisationRequest) -> HttpResponse:
    form = UseCaseForm(request.POST, organisation=request.organisation)
    if not form.is_valid():
        context = _use_cases_context(request, new_form=form)
        return render(request, "champions/use_cases.html", context, status=400)
    use_case = services.use_case_create(
        organisation=request.organisation, actor=request.actor, **form.cleaned_data
    )
    messages.success(request, f"“{use_case.title}” added. Score it to rank it.")
    return redirect(_url(request, "use_cases") + f"#use-case-{use_case.pk}")


@require_POST
@organisation_view(Action.CHAMPIONS_EDIT)
def use_case_score(request: OrganisationRequest, use_case_id: int) -> HttpResponse:
    use_case = _get(selectors.use_case_get, request, use_case_id=use_case_id)
    form = ScoreForm(request.POST, use_case=use_case)
    form.use_case_id = use_case.pk
    status = 200
    if form.is_valid():
        services.use_case_score(use_case=use_case, actor=request.actor, scores=form.scores())
    else:
        status = 400
    if request.htmx:
        context = _use_cases_context(request, bound=form if status != 200 else None)
        if status == 200:
            context["saved"] = use_case.pk
        return render(request, "champions/use_cases.html#ranking", context, status=status)
    if status != 200:
        context = _use_cases_context(request, bound=form)
        return render(request, "champions/use_cases.html", context, status=status)
    messages.success(request, f"Your scores for “{use_case.title}” are saved.")
    return redirect(_url(request, "use_cases") + f"#use-case-{use_case.pk}")


def _use_case_edit_form(request: OrganisationRequest, use_case: UseCase, data=None):
    return UseCaseEditForm(
        data,
        organisation=request.organisation,
        initial={
            "title": use_case.title,
            "as_a": use_case.as_a,
            "i_want": use_case.i_want,
            "so_that": use_case.so_that,
            "intended_value": use_case.intended_value,
            "how_measured": use_case.how_measured,
            "bet": use_case.bet_id,
            "version": use_case.version,
        },
    )


def _use_case_edit_response(
    request: OrganisationRequest,
    use_case: UseCase,
    form: UseCaseEditForm,
    status: int = 200,
    **context,
) -> HttpResponse:
    """The edit page, or under htmx only its form (the swap target), with `context` in it."""
    context = {"use_case": use_case, "form": form, **context}
    template = "champions/use_case_edit.html"
    if request.htmx and request.method == "POST":
        template += "#edit-form"
    return render(request, template, context, status=status)


@require_http_methods(["GET", "POST"])
@organisation_view(Action.CHAMPIONS_EDIT)
def use_case_edit(request: OrganisationRequest, use_case_id: int) -> HttpResponse:
    use_case = _get(selectors.use_case_get, request, use_case_id=use_case_id)
    if request.method == "GET":
        return _use_case_edit_response(request, use_case, _use_case_edit_form(request, use_case))
    form = _use_case_edit_form(request, use_case, request.POST)
    if not form.is_valid():
        return _use_case_edit_response(request, use_case, form, 400)
    data = dict(form.cleaned_data)
    try:
        use_case = services.use_case_update(
            use_case=use_case, actor=request.actor, base_version=data.pop("version"), **data
        )
    except Conflict as conflict:
        theirs = conflict.current
        form = _use_case_edit_form(request, theirs, _on_their_version(form, theirs))
        form.is_valid()
        return _use_case_edit_response(request, theirs, form, 409, theirs=theirs)
    if request.htmx:
        return _use_case_edit_response(
            request, use_case, _use_case_edit_form(request, use_case), saved=True
        )
    messages.success(request, f"“{use_case.title}” saved.")
    return redirect(_url(request, "use_cases") + f"#use-case-{use_case.pk}")


# --- Lean Value Tree --------------------------------------------------------------------------


def _tree_context(request: OrganisationRequest, *, bound=None, add_form=None) -> dict:
    nodes = selectors.lvt_nodes(organisation=request.organisation)
    can_edit = _can_edit(request)
    for node in nodes:
        if not can_edit:
            continue
        if bound is not None and getattr(bound, "node", None) and bound.node.pk == node.pk:
            node.form = bound
        else:
            node.form = LvtNodeEditForm(
                node=node,
                initial={
                    "title": node.title,
                    "measures": node.measures,
                    "status": node.status,
                    "parent": node.parent_id,
                    "version": node.version,
                },
            )
        node.child_tier = lvt.CHILD_TIER.get(node.tier)
    return {
        "tree": selectors.lvt_tree(nodes),
        "has_vision": any(n.tier == lvt.VISION for n in nodes),
        "can_edit": can_edit,
        "add_form": add_form,
    }


def _tree_response(request: OrganisationRequest, status: int = 200, **context) -> HttpResponse:
    template = "champions/tree.html#tree" if request.htmx else "champions/tree.html"
    return render(request, template, _tree_context(request, **context), status=status)


@require_GET
@organisation_view(Action.CHAMPIONS_VIEW)
def tree(request: OrganisationRequest) -> HttpResponse:
    return render(request, "champions/tree.html", _tree_context(request))


@require_POST
@organisation_view(Action.CHAMPIONS_EDIT)
def tree_add(request: OrganisationRequest) -> HttpResponse:
    form = LvtNodeForm(request.POST, organisation=request.organisation)
    if form.is_valid():
        try:
            services.lvt_node_add(
                organisation=request.organisation, actor=request.actor, **form.cleaned_data
            )
        except lvt.InvalidTree as error:
            form.add_error("title", str(error))
    if not form.is_valid():
        return _tree_response(request, 400, add_form=form)
    if request.htmx:
        return _tree_response(request)
    return redirect(_url(request, "tree"))


@require_POST
@organisation_view(Action.CHAMPIONS_EDIT)
def tree_edit(request: OrganisationRequest, node_id: int) -> HttpResponse:
    node = _get(selectors.lvt_node_get, request, node_id=node_id)
    form = LvtNodeEditForm(request.POST, node=node)
    status = 200
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            with transaction.atomic():
                services.lvt_node_update(
                    node=node,
                    actor=request.actor,
                    base_version=data.pop("version"),
                    title=data["title"],
                    measures=data["measures"],
                    status=data.get("status") or LvtNode.Status.OPEN,
                    parent=data["parent"],
                )
        except lvt.InvalidTree as error:
            form.add_error("parent", str(error))
            status = 400
        except Conflict as clash:
            theirs = clash.current
            if theirs is not None:
                # Yours stays in the form, now on their version: saving again is a choice.
                form = LvtNodeEditForm(_on_their_version(form, theirs), node=theirs)
                form.is_valid()
                message = (
                    f"Someone saved this node meanwhile, as “{theirs.title}”. Nothing of yours "
                    "was saved: it is still in the form. Save again to put it over theirs."
                )
            else:
                message = "Someone removed this node meanwhile. Nothing was saved."
            form.add_error(None, message)
            status = 409
    else:
        status = 400
    if status == 200:
        if request.htmx:
            return _tree_response(request)
        messages.success(request, "Saved.")
        return redirect(_url(request, "tree") + f"#node-{node.pk}")
    return _tree_response(request, status, bound=form)


# --- ROI --------------------------------------------------------------------------------------


def _roi_context(request: OrganisationRequest, *, measure_form=None, measurement_form=None):
    measures = selectors.roi_measures(organisation=request.organisation)
    rows = [
        (m.period_end, measure.kind, m.amount)
        for measure in measures
        for m in measure.measurements.all()
    ]
    units = sorted({m.unit for m in measures})
    chart = charts.roi_chart(rows, units[0] if len(units) == 1 else "Amount") if rows else None
    benefit = sum(a for _, kind, a in rows if kind == RoiMeasure.Kind.BENEFIT)
    cost = sum(a for _, kind, a in rows if kind == RoiMeasure.Kind.COST)
    return {
        "measures": measures,
        "chart": _chart(chart) if chart else None,
        "benefit": benefit,
        "cost": cost,
        "ratio": round(benefit / cost, 2) if cost else None,
        "mixed_units": len(units) > 1,
        "can_edit": _can_edit(request),
        "measure_form": measure_form or RoiMeasureForm(),
        "measurement_form": measurement_form
        or RoiMeasurementForm(
            organisation=request.organisation, initial={"period_end": timezone.localdate()}
        ),
    }


@require_GET
@organisation_view(Action.CHAMPIONS_VIEW)
def roi(request: OrganisationRequest) -> HttpResponse:
    return render(request, "champions/roi.html", _roi_context(request))


@require_POST
@organisation_view(Action.CHAMPIONS_EDIT)
def roi_measure_add(request: OrganisationRequest) -> HttpResponse:
    form = RoiMeasureForm(request.POST)
    if not form.is_valid():
        return render(
            request, "champions/roi.html", _roi_context(request, measure_form=form), status=400
        )
    services.roi_measure_add(
        organisation=request.organisation, actor=request.actor, **form.cleaned_data
    )
    messages.success(request, "Measure added.")
    return redirect(_url(request, "roi"))


@require_POST
@organisation_view(Action.CHAMPIONS_EDIT)
def roi_measurement_add(request: OrganisationRequest) -> HttpResponse:
    form = RoiMeasurementForm(request.POST, organisation=request.organisation)
    if not form.is_valid():
        context = _roi_context(request, measurement_form=form)
        return render(request, "champions/roi.html", context, status=400)
    services.roi_measurement_record(actor=request.actor, **form.cleaned_data)
    messages.success(request, "Measurement recorded.")
    return redirect(_url(request, "roi"))


# --- maturity curve ---------------------------------------------------------------------------


@require_GET
@organisation_view(Action.CHAMPIONS_VIEW)
def maturity_curve(request: OrganisationRequest) -> HttpResponse:
    today = timezone.localdate()
    context = {**_curve_context(request, today), "today": today}
    return render(request, "champions/curve.html", context)
