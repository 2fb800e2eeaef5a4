"""Writes to an organisation's journey. Every write is checked against the version the
writer started from, so that two people never silently overwrite each other."""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from organisations.models import User

from . import canvas as canvas_content
from .models import Canvas, CanvasRevision, JourneyStep


@dataclass
class Conflict(Exception):
    """Someone saved a newer version first; `current` is what they saved."""

    current: Canvas | JourneyStep


def _step_update(step: JourneyStep, base_version: int, **values) -> JourneyStep:
    """Write `values` only if the step is still at `base_version`; else raise Conflict."""
    updated = JourneyStep.objects.filter(pk=step.pk, version=base_version).update(
        version=F("version") + 1, updated_at=timezone.now(), **values
    )
    if not updated:
        raise Conflict(
            current=JourneyStep.objects.select_related("definition", "owner").get(pk=step.pk)
        )
    step.refresh_from_db()
    return step


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
    author: User,
    restored_from: int | None = None,
) -> list[str]:
    """Save the canvas as a new revision; returns the labels of the sections that changed.

    Raises Conflict when the canvas moved past `base_version` meanwhile. Saving identical
    content changes nothing and returns [].
    """
    extra_list = canvas.step.definition.extra_list
    current = Canvas.objects.select_for_update().get(pk=canvas.pk)
    if current.version != base_version:
        raise Conflict(current=current)
    content = canvas_content.normalise(content, extra_list)
    changed = canvas_content.changed_sections(current.content, content, extra_list)
    if not changed:
        return []
    canvas.content = content
    canvas.version = current.version + 1
    canvas.updated_by = author
    canvas.updated_at = timezone.now()
    canvas.save(update_fields=["content", "version", "updated_by", "updated_at"])
    CanvasRevision.objects.create(
        canvas=canvas,
        version=canvas.version,
        content=content,
        changed=changed,
        author=author,
        restored_from=restored_from,
    )
    return changed


def canvas_restore(
    *, canvas: Canvas, revision: CanvasRevision, base_version: int, author: User
) -> list[str]:
    """Bring back an earlier revision's content as a new revision (history is never rewritten)."""
    return canvas_save(
        canvas=canvas,
        content=revision.content,
        base_version=base_version,
        author=author,
        restored_from=revision.version,
    )
