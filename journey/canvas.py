"""The shape of a reflection canvas, as plain data: no database, no forms.

A canvas's content is a dict:
    {"today": str, "decisions": str, "assumptions": str, "risks": str, "open_questions": str,
     "actions": [{"action", "owner", "due"}], "links": [{"title", "url"}],
     "items": [{<the step's own columns>}]}
"""

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    prompt: str


TEXT_SECTIONS = (
    Section("today", "Where we are today", "What is true now? Facts, not plans."),
    Section("decisions", "What we decided", "Decisions taken, with the reason behind each."),
    Section("assumptions", "Assumptions", "What we believe but have not proven yet."),
    Section("risks", "Risks", "What could go wrong, and how likely or how bad it would be."),
    Section("open_questions", "Open questions", "What we still need to find out, and from whom."),
)
ACTION_COLUMNS = (("action", "Next action"), ("owner", "Owner"), ("due", "Due"))
LINK_COLUMNS = (("title", "Title"), ("url", "Link"))
LIST_LABELS = {"actions": "Next actions", "links": "Evidence and links"}
ITEMS_FALLBACK_LABEL = "Step list"

TEXT_MAX = 5000
CELL_MAX = 300
URL_MAX = 500
ROWS_MAX = 50


def item_columns(extra_list: dict) -> list[tuple[str, str]]:
    return [(c["key"], c["label"]) for c in extra_list.get("columns", [])]


def empty_content() -> dict:
    return {**{s.key: "" for s in TEXT_SECTIONS}, "actions": [], "links": [], "items": []}


def _clean_rows(rows: list[dict], keys: list[str]) -> list[dict]:
    cleaned = []
    for row in rows or []:
        values = {k: str(row.get(k) or "").strip() for k in keys}
        if any(values.values()):
            cleaned.append(values)
    return cleaned


def normalise(content: dict | None, extra_list: dict) -> dict:
    """Every section present, text stripped, blank rows dropped, unknown keys ignored."""
    content = content or {}
    result = empty_content()
    for section in TEXT_SECTIONS:
        result[section.key] = str(content.get(section.key) or "").strip()
    result["actions"] = _clean_rows(content.get("actions"), [k for k, _ in ACTION_COLUMNS])
    result["links"] = _clean_rows(content.get("links"), [k for k, _ in LINK_COLUMNS])
    result["items"] = _clean_rows(content.get("items"), [k for k, _ in item_columns(extra_list)])
    return result


def section_labels(extra_list: dict) -> dict[str, str]:
    return {
        **{s.key: s.label for s in TEXT_SECTIONS},
        **LIST_LABELS,
        "items": extra_list.get("title", ITEMS_FALLBACK_LABEL),
    }


def changed_sections(old: dict, new: dict, extra_list: dict) -> list[str]:
    """Labels of the sections whose content differs, in canvas order."""
    old, new = normalise(old, extra_list), normalise(new, extra_list)
    labels = section_labels(extra_list)
    keys = [s.key for s in TEXT_SECTIONS] + ["actions", "links"]
    if extra_list:
        keys.append("items")
    return [labels[key] for key in keys if old[key] != new[key]]


def filled_count(content: dict, extra_list: dict) -> tuple[int, int]:
    """How many of the canvas's sections hold something, out of how many it has."""
    content = normalise(content, extra_list)
    keys = [s.key for s in TEXT_SECTIONS] + ["actions", "links"] + (["items"] if extra_list else [])
    return sum(1 for key in keys if content[key]), len(keys)


def overdue_actions(content: dict, today: date) -> list[dict]:
    overdue = []
    for row in content.get("actions", []):
        try:
            due = date.fromisoformat(row.get("due", ""))
        except (TypeError, ValueError):  # TypeError: raw JSON content may hold a null date
            continue
        if due < today:
            overdue.append(row)
    return overdue
