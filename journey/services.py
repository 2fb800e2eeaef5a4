"""Writes to an organisation's journey. Every write is checked against the version the
writer started from, so that two people never silently overwrite each other."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from kernel.versioned import Conflict, lock_at_version, versioned_update
from organisations.access import Actor
from organisations.models import User

from .models import Canvas, CanvasRevision, JourneyStep

__all__ = ["Conflict", "canvas_restore", "canvas_save", "step_plan", "step_set_status"]


def _step_update(step: JourneyStep, base_version: int, **values) -> JourneyStep:
    """Write `values` only if the step is still at `base_version`; else raise Conflict."""
    return versioned_update(
        step,
        base_version=base_version,
        reload=JourneyStep.objects.select_related("definition", "owner"),
        updated_at=timezone.now(),
        **values,
    )


def step_set_status(
    *, step: JourneyStep, status: str, not_applicable_reason: str, base_version: int
) -> JourneyStep:
    reason = not_applicable_reason.strip() if status == JourneyStep.Status.NOT_APPLICABLE else ""
    return _step_update(step, base_version, status=status, not_applicable_reason=reason)


def step_plan(
    *, step: JourneyStep, owner: User | None, due_date: date | None, base_version: int
) -> JourneyStep:
    return _step_update(step, base_version, owner=owner, due_date=due_date)


@transaction.atomic
def canvas_save(
    *,
    canvas: Canvas,
    content: dict,
    base_version: int,
    actor: Actor,
    restored_from: int | None = None,
) -> list[str]:
    """Save the canvas as a new revision; returns the labels of the sections that changed.

    Raises Conflict when the canvas moved past `base_version` meanwhile. Saving identical
    content changes nothing and returns [].
    """
    shape = canvas.step.definition.shape
    current = lock_at_version(Canvas.objects, pk=canvas.pk, base_version=base_version)
    content = shape.normalise(content)
    changed = shape.changed_sections(current.content, content)
    if not changed:
        return []
    canvas.content = content
    canvas.version = current.version + 1
    canvas.updated_by = actor.user
    canvas.updated_at = timezone.now()
    canvas.save(update_fields=["content", "version", "updated_by", "updated_at"])
    CanvasRevision.objects.create(
        canvas=canvas,
        version=canvas.version,
        content=content,
        changed=changed,
        author=actor.user,
        author_name=actor.display_name,
        restored_from=restored_from,
    )
    return changed


def canvas_restore(
    *, canvas: Canvas, revision: CanvasRevision, base_version: int, actor: Actor
) -> list[str]:
    """Bring back an earlier revision's content as a new revision (history is never rewritten)."""
    return canvas_save(
        canvas=canvas,
        content=revision.content,
        base_version=base_version,
        actor=actor,
        restored_from=revision.version,
    )
