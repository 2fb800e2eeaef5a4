"""Documents composed of sections that several apps contribute.

The executive maturity report is the assessment's, but journey progress, canvas risks and (with
the champions' tools) milestones and OKRs belong to other apps. Rather than the report's app
importing all of them, each app registers its sections here in its AppConfig.ready(), and the
report asks for them by document name. The kernel knows no app: a section is a template and a
function from the subject (an organisation) to that template's context, or to None when the
section has nothing to say yet and is left out.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString


@dataclass(frozen=True)
class Section:
    key: str
    order: int
    template: str
    build: Callable[[Any], dict | None]


_DOCUMENTS: dict[str, dict[str, Section]] = {}


def register(document: str, section: Section) -> None:
    """Add `section` to `document`; registering the same key again replaces it."""
    _DOCUMENTS.setdefault(document, {})[section.key] = section


def sections(document: str) -> list[Section]:
    return sorted(_DOCUMENTS.get(document, {}).values(), key=lambda s: (s.order, s.key))


def render_sections(document: str, subject: Any, **extra) -> list[SafeString]:
    """Each section of `document` about `subject`, rendered (autoescaped) in order; sections
    with nothing to say are left out. `extra` joins every section's context."""
    rendered = []
    for section in sections(document):
        context = section.build(subject)
        if context is not None:
            rendered.append(SafeString(render_to_string(section.template, {**extra, **context})))
    return rendered
