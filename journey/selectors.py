from django.db.models import QuerySet
from django.http import Http404

from organisations.models import Organisation

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


def journey_step(organisation: Organisation, number: int) -> JourneyStep:
    """One step of the organisation's journey by its number; 404 for an unknown number."""
    step = journey_steps(organisation).filter(definition__number=number).first()
    if step is None:
        raise Http404("There is no such step.")
    return step


def canvas_revisions(canvas: Canvas) -> QuerySet[CanvasRevision]:
    return canvas.revisions.order_by("-version")
