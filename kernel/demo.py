"""Demo data, composed from the apps that own it.

Each app that has demo data keeps a `demo.py` beside its models with `build(demo: Demo)`. The
`load_demo` command runs every such builder in INSTALLED_APPS order, in one transaction, handing
each the same `Demo`: the organisations app creates the organisation and its people, and the
apps after it add their own data to that organisation. So no app imports another's demo code,
and the kernel, which knows no app, only composes them.

Builders are idempotent: each creates only what is missing and keeps whatever people changed
in the demo since.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.apps import apps
from django.db import transaction
from django.utils import timezone


@dataclass
class Demo:
    """What the builders share: set by the first builder, read by the later ones."""

    today: date = field(default_factory=timezone.localdate)
    organisation: Any = None
    # Demo users by role value ("owner", "facilitator", ...).
    people: dict[str, Any] = field(default_factory=dict)
    # Lines for the command to print, in order.
    report: list[str] = field(default_factory=list)


Builder = Callable[[Demo], None]


def builders() -> list[tuple[str, Builder]]:
    """(app label, build) for every installed app with a demo module, in INSTALLED_APPS order."""
    found = []
    for app_config in apps.get_app_configs():
        name = f"{app_config.name}.demo"
        if find_spec(name) is None:
            continue
        # This module is found too: it composes builders but is none.
        if build := getattr(import_module(name), "build", None):
            found.append((app_config.label, build))
    return found


def run_builders(demo: Demo | None = None) -> Demo:
    demo = demo or Demo()
    with transaction.atomic():
        for _label, build in builders():
            build(demo)
    return demo
