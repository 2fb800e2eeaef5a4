"""URLs that stay the same while the process runs, worked out once instead of on every page.

base.html, around every page, needs five static files and about ten links. With the manifest
storage a static file's URL is fixed when the process starts, and a named URL depends only on
the URL configuration and the script prefix, yet `{% static %}` and `{% url %}` work each one out
again on every render: together more than the rest of the header costs. These tags give the
same text, kept per process:

    {% static_url 'css/app.css' %}                      like {% static 'css/app.css' %}
    {% fixed_url 'home' %}                              like {% url 'home' %}, no arguments
    {% organisation_url 'journey:map' organisation.slug %}  like {% url 'journey:map' slug %}

An organisation's link is the per-process URL pattern with the slug put in: nothing about a
person or an organisation is kept between requests. A slug the URL pattern would not accept
goes through `reverse`, which refuses it as `{% url %}` would. Our URL namespaces each have a
single instance, so the current app `{% url %}` passes to `reverse` never changes the result.
"""

import functools
import re

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()

# What the `slug` path converter accepts; Django's reverse leaves these characters unquoted.
_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
_PLACEHOLDER = "organisation-slug-placeholder"


def _where() -> tuple:
    """What a reversed URL depends on besides its name: the URL configuration and prefix."""
    return settings.ROOT_URLCONF, get_urlconf(), get_script_prefix()


@functools.cache
def _static(path: str) -> str:
    return static(path)


@functools.cache
def _fixed(where: tuple, name: str) -> str:
    return reverse(name)


@functools.cache
def _around_slug(where: tuple, name: str) -> tuple[str, str] | None:
    """The URL for `name` split where its one argument, an organisation's slug, goes."""
    parts = reverse(name, args=[_PLACEHOLDER]).split(_PLACEHOLDER)
    return (parts[0], parts[1]) if len(parts) == 2 else None


@receiver(setting_changed)
def _forget(**kwargs) -> None:
    # Tests change settings (storages, URL configuration) within one process.
    for cached in (_static, _fixed, _around_slug):
        cached.cache_clear()


@register.simple_tag
def static_url(path: str) -> str:
    return _static(path)


@register.simple_tag
def fixed_url(name: str) -> str:
    return _fixed(_where(), name)


@register.simple_tag
def organisation_url(name: str, slug: str) -> str:
    around = _around_slug(_where(), name)
    if around is None or not isinstance(slug, str) or not _SLUG.fullmatch(slug):
        return reverse(name, args=[slug])
    return around[0] + slug + around[1]
