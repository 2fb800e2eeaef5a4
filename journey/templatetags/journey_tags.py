from datetime import date

from django import template

from journey.forms import is_web_link

register = template.Library()


@register.filter
def get_section(mapping: dict, key: str):
    """mapping[key] in a template, for keys that come from data (canvas sections and columns)."""
    return mapping.get(key, "") if isinstance(mapping, dict) else ""


@register.filter
def web_link(url: str) -> str:
    """The URL if it may be a link's href (http or https), else "" (shown as text instead)."""
    return url if is_web_link(url) else ""


@register.filter
def as_date(value: str):
    """An ISO date stored as text (a next action's due date) as a date, so that templates
    show it like every other date ("18 Oct 2026"); anything else unchanged."""
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return value
