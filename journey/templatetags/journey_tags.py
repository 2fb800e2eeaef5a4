from django import template

register = template.Library()


@register.filter
def get_section(mapping: dict, key: str):
    """mapping[key] in a template, for keys that come from data (canvas sections and columns)."""
    return mapping.get(key, "") if isinstance(mapping, dict) else ""
