"""The shape of a reflection canvas, as plain data: no database, no forms.

A canvas's content is a dict:
    {"today": str, "decisions": str, "assumptions": str, "risks": str, "open_questions": str,
     "actions": [{"action", "owner", "owner_id", "due"}], "links": [{"title", "url"}],
     "items": [{<the step's own columns>}]}

`owner_id` is the id (as text) of the member who owns a next action, or "" for someone outside
the organisation, whose name is only in `owner`.

`Shape` is built once per step definition (StepDefinition.shape) and answers every question
about a canvas of that step: its sections, its lists, their columns, and how to clean content.
"""

from dataclasses import dataclass
from datetime import date
from functools import cached_property


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
ACTION_KEYS = ("action", "owner", "owner_id", "due")
LINK_COLUMNS = (("title", "Title"), ("url", "Link"))
LIST_LABELS = {"actions": "Next actions", "links": "Evidence and links"}
ITEMS_FALLBACK_LABEL = "Step list"

TEXT_MAX = 5000
CELL_MAX = 300
URL_MAX = 500
ROWS_MAX = 50


def empty_content() -> dict:
    return {**{s.key: "" for s in TEXT_SECTIONS}, "actions": [], "links": [], "items": []}


def _clean_rows(rows: list[dict] | None, keys: tuple[str, ...]) -> list[dict]:
    cleaned = []
    for row in rows or []:
        if not isinstance(row, dict):
            continue
        values = {k: str(row.get(k) or "").strip() for k in keys}
        if any(values.values()):
            cleaned.append(values)
    return cleaned


@dataclass(frozen=True)
class Shape:
    """What a canvas of one step holds: five text sections, next actions, links, and the
    step's own list when it has one (`items_title` and `item_columns`)."""

    items_title: str = ""
    item_columns: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, extra_list: dict | None) -> "Shape":
        """The shape for a step definition's `extra_list` ({"title", "columns": [...]})."""
        extra_list = extra_list or {}
        if not extra_list:
            return cls()
        columns = tuple((c["key"], c["label"]) for c in extra_list.get("columns", []))
        return cls(items_title=extra_list.get("title", ITEMS_FALLBACK_LABEL), item_columns=columns)

    @property
    def has_items(self) -> bool:
        return bool(self.items_title)

    @property
    def lists(self) -> tuple[str, ...]:
        return ("actions", "links", "items") if self.has_items else ("actions", "links")

    @cached_property
    def section_keys(self) -> tuple[str, ...]:
        """Every section in canvas order: the text sections, then the lists."""
        return tuple(s.key for s in TEXT_SECTIONS) + self.lists

    @cached_property
    def labels(self) -> dict[str, str]:
        return {
            **{s.key: s.label for s in TEXT_SECTIONS},
            **LIST_LABELS,
            "items": self.items_title or ITEMS_FALLBACK_LABEL,
        }

    @cached_property
    def _item_keys(self) -> tuple[str, ...]:
        return tuple(key for key, _ in self.item_columns)

    def normalise(self, content: dict | None) -> dict:
        """Every section present, text stripped, blank rows dropped, unknown keys ignored."""
        content = content or {}
        result = empty_content()
        for section in TEXT_SECTIONS:
            result[section.key] = str(content.get(section.key) or "").strip()
        result["actions"] = _clean_rows(content.get("actions"), ACTION_KEYS)
        result["links"] = _clean_rows(content.get("links"), tuple(k for k, _ in LINK_COLUMNS))
        result["items"] = _clean_rows(content.get("items"), self._item_keys)
        return result

    def changed_sections(self, old: dict, new: dict) -> list[str]:
        """Labels of the sections whose content differs, in canvas order. Both sides are
        normalised first, so whitespace and blank rows are not a change."""
        old, new = self.normalise(old), self.normalise(new)
        return [self.labels[key] for key in self.section_keys if old[key] != new[key]]

    def filled_count(self, content: dict) -> tuple[int, int]:
        """How many sections of a normalised canvas hold something, out of how many it has."""
        return sum(1 for key in self.section_keys if content[key]), len(self.section_keys)


def is_empty(content: dict) -> bool:
    """Whether a normalised canvas holds nothing at all."""
    return not any(content[key] for key in empty_content())


def action_due(row: dict) -> date | None:
    try:
        return date.fromisoformat(row.get("due") or "")
    except (TypeError, ValueError):  # TypeError: raw JSON content may hold a null date
        return None


def overdue_actions(content: dict, today: date) -> list[dict]:
    return [row for row in content.get("actions", []) if (due := action_due(row)) and due < today]
