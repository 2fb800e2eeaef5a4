from functools import cache

from django.db.models import Func, QuerySet, Subquery
from django.db.models.fields.json import KeyTransform
from django.http import Http404
from django.utils import timezone

from organisations.models import Organisation, User

from . import canvas as canvas_content
from .models import Canvas, CanvasRevision, JourneyStep, StepDefinition


def journey_ensure(organisation: Organisation) -> None:
    """Create the organisation's steps and canvases the first time its journey is opened.

    Done lazily rather than at sign-up so that steps added to the catalogue later reach
    existing organisations too. One query when nothing is missing.
    """
    present = JourneyStep.objects.filter(organisation=organisation).values("definition_id")
    missing = list(StepDefinition.objects.exclude(pk__in=present))
    if not missing:
        return
    JourneyStep.objects.bulk_create(
        [JourneyStep(organisation=organisation, definition=d) for d in missing],
        ignore_conflicts=True,
    )
    steps = JourneyStep.objects.filter(organisation=organisation, canvas__isnull=True)
    Canvas.objects.bulk_create([Canvas(step=step) for step in steps], ignore_conflicts=True)


def journey_steps(organisation: Organisation) -> QuerySet[JourneyStep]:
    journey_ensure(organisation)
    return (
        JourneyStep.objects.filter(organisation=organisation)
        .select_related("organisation", "definition", "owner", "canvas", "canvas__updated_by")
        .order_by("definition__number")
    )


def _steps_in_catalogue() -> Subquery:
    """The number of step definitions, as a column beside a step's own: one query instead of
    two (each query costs more to build than the database takes to answer it). COUNT as a
    plain function, so the subquery has no GROUP BY."""
    return Subquery(
        StepDefinition.objects.order_by().annotate(n=Func("pk", function="COUNT")).values("n")
    )


@cache
def _map_rows_query() -> QuerySet[JourneyStep]:
    """Every organisation's map rows, set up once per process: the eleven columns and their
    joins took longer to set up than the query takes to run. Each use filters it (a clone);
    it is never read itself."""
    return JourneyStep.objects.order_by("definition__number").values(
        "status",
        "not_applicable_reason",
        "due_date",
        "version",
        "definition__number",
        "definition__phase",
        "definition__phase_title",
        "definition__title",
        "owner__name",
        "owner__email",
        actions=KeyTransform("actions", "canvas__content"),
        steps_in_catalogue=_steps_in_catalogue(),
    )


def journey_map_rows(organisation: Organisation) -> list[dict]:
    """What the map shows of each step, as plain rows in catalogue order: the step's fields,
    its definition's number, phase and title, its owner's name and email, and its canvas's
    next actions (not the whole canvas). No model instances: building 68 of them (step,
    definition, owner, canvas) took longer than the rest of the map's reading.

    One query when nothing is missing (each row also counts the catalogue's steps); the steps
    are created first otherwise.
    """
    found = list(_map_rows_query().filter(organisation=organisation))
    if not found or len(found) < found[0]["steps_in_catalogue"]:
        journey_ensure(organisation)
        found = list(_map_rows_query().filter(organisation=organisation))
    return found


@cache
def _step_query() -> QuerySet[JourneyStep]:
    """A step with what its page shows, set up once per process (filtered, never read)."""
    return JourneyStep.objects.select_related(
        "definition", "owner", "canvas", "canvas__updated_by"
    ).annotate(steps_in_catalogue=_steps_in_catalogue())


def journey_step(organisation: Organisation, number: int) -> JourneyStep:
    """One step of the organisation's journey by its number, with the number of steps in the
    catalogue (`steps_in_catalogue`); 404 for an unknown number."""

    def find() -> JourneyStep | None:
        # get() rather than first(): a step is unique per organisation and number, and
        # first()'s ordering (a join more to compile) only slowed every step page down. The
        # organisation is the one given, not a copy read again through a join.
        try:
            step = _step_query().get(organisation=organisation, definition__number=number)
        except JourneyStep.DoesNotExist:
            return None
        step.organisation = organisation
        return step

    # Looked up first and created only when missing: the usual case is one query, not two.
    step = find()
    if step is None:
        journey_ensure(organisation)
        step = find()
    if step is None:
        raise Http404("There is no such step.")
    return step


def canvas_revisions(canvas: Canvas) -> QuerySet[CanvasRevision]:
    return canvas.revisions.order_by("-version")


def journey_statuses(organisation: Organisation) -> list[str]:
    """Every step's status, for the progress figures (one query, no rows loaded)."""
    journey_ensure(organisation)
    return list(
        JourneyStep.objects.filter(organisation=organisation).values_list("status", flat=True)
    )


def member_actions(organisation: Organisation, *, user: User | None) -> list[dict]:
    """The next actions a member owns on any open step's canvas, soonest due first (undated
    last): [{"step", "action", "due", "overdue"}]. Actions picked for them from the member
    list carry their id; older rows named only by text do not count."""
    if user is None:
        return []
    today = timezone.localdate()
    wanted = str(user.pk)
    found = []
    for step in journey_steps(organisation):
        if step.status in (JourneyStep.Status.DONE, JourneyStep.Status.NOT_APPLICABLE):
            continue
        for row in (step.canvas.content or {}).get("actions") or []:
            if isinstance(row, dict) and str(row.get("owner_id") or "") == wanted:
                due = canvas_content.action_due(row)
                found.append(
                    {
                        "step": step,
                        "action": str(row.get("action") or ""),
                        "due": due,
                        "overdue": bool(due and due < today),
                    }
                )
    return sorted(found, key=lambda a: (a["due"] is None, a["due"] or today, a["step"].number))
