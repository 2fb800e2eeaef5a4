"""Version-checked writes: two people never silently overwrite each other.

Every editable row carries a `version`. A write names the version its author started from;
when the row has moved on meanwhile, the write raises `Conflict` holding the row as it is now,
so the view can show both versions and keep everything the author typed.
"""

from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import models
from django.db.models import F, QuerySet

M = TypeVar("M", bound=models.Model)


@dataclass
class Conflict(Exception):
    """Someone saved a newer version first; `current` is the row as they left it."""

    current: Any


def versioned_update(
    instance: M, *, base_version: int, reload: QuerySet[M] | None = None, **values
) -> M:
    """Write `values` in one `UPDATE ... WHERE version = base_version`, bumping the version.

    Raises Conflict with the fresh row (read through `reload`, for its select_related) when
    the row is no longer at `base_version`. Returns `instance`, refreshed.
    """
    manager = type(instance)._default_manager
    updated = manager.filter(pk=instance.pk, version=base_version).update(
        version=F("version") + 1, **values
    )
    if not updated:
        raise Conflict(current=(reload if reload is not None else manager).get(pk=instance.pk))
    instance.refresh_from_db()
    return instance


def lock_at_version(queryset: QuerySet[M], *, pk: Any, base_version: int) -> M:
    """The row, locked for the rest of the transaction, if it is still at `base_version`.

    For writes that change the row and add others (a canvas and its revision) in one
    transaction. Must run inside `transaction.atomic`.
    """
    current = queryset.select_for_update().get(pk=pk)
    if current.version != base_version:
        raise Conflict(current=current)
    return current
