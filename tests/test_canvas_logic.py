"""journey.canvas (a canvas's Shape), journey.progress and journey.summary: plain data, no
database."""

from datetime import date
from types import SimpleNamespace

from journey.canvas import TEXT_SECTIONS, Shape, empty_content, is_empty, overdue_actions
from journey.progress import progress
from journey.summary import excerpt, summarise

STAKEHOLDERS = {
    "title": "Stakeholders",
    "columns": [
        {"key": "who", "label": "Group or person"},
        {"key": "stance", "label": "Where they stand"},
        {"key": "approach", "label": "How we engage them"},
    ],
}
NO_LIST: dict = {}
PLAIN = Shape.of(NO_LIST)
WITH_LIST = Shape.of(STAKEHOLDERS)


# normalise


def test_it_fills_in_every_missing_section() -> None:
    assert PLAIN.normalise(None) == empty_content()
    assert WITH_LIST.normalise({}) == {
        "today": "",
        "decisions": "",
        "assumptions": "",
        "risks": "",
        "open_questions": "",
        "actions": [],
        "links": [],
        "items": [],
    }


def test_it_strips_whitespace_from_text_and_cells() -> None:
    content = PLAIN.normalise(
        {
            "today": "  We have two data teams.\n",
            "actions": [{"action": " Call finance ", "owner": " Ann"}],
        }
    )

    assert content["today"] == "We have two data teams."
    assert content["actions"] == [
        {"action": "Call finance", "owner": "Ann", "owner_id": "", "due": ""}
    ]


def test_it_drops_blank_rows() -> None:
    content = PLAIN.normalise(
        {
            "actions": [{"action": "", "owner": "  ", "due": None}, {}, {"action": "Book room"}],
            "links": [{"title": " ", "url": ""}],
        }
    )

    assert content["actions"] == [{"action": "Book room", "owner": "", "owner_id": "", "due": ""}]
    assert content["links"] == []


def test_it_ignores_unknown_keys() -> None:
    content = PLAIN.normalise(
        {
            "today": "Facts",
            "secret": "<b>not a section</b>",
            "actions": [{"action": "Do it", "colour": "red"}],
        }
    )

    assert "secret" not in content
    assert set(content) == set(empty_content())
    assert content["actions"] == [{"action": "Do it", "owner": "", "owner_id": "", "due": ""}]


def test_it_takes_the_item_columns_from_the_extra_list() -> None:
    raw = {"items": [{"who": "Finance", "stance": "Wary", "approach": "Show ROI", "extra": "x"}]}

    assert WITH_LIST.normalise(raw)["items"] == [
        {"who": "Finance", "stance": "Wary", "approach": "Show ROI"}
    ]


def test_it_keeps_no_items_for_a_step_without_an_extra_list() -> None:
    assert PLAIN.normalise({"items": [{"who": "Finance"}]})["items"] == []


def test_it_turns_non_text_values_into_text() -> None:
    content = WITH_LIST.normalise({"risks": 42, "items": [{"who": 7}]})

    assert content["risks"] == "42"
    assert content["items"] == [{"who": "7", "stance": "", "approach": ""}]


# changed_sections


def test_it_lists_changed_sections_in_canvas_order() -> None:
    old = {"today": "a", "risks": "r", "links": [{"title": "Wiki", "url": "https://x.org"}]}
    new = {
        "today": "b",
        "risks": "r",
        "open_questions": "q",
        "links": [],
        "actions": [{"action": "Act"}],
        "decisions": "d",
    }

    assert PLAIN.changed_sections(old, new) == [
        "Where we are today",
        "What we decided",
        "Open questions",
        "Next actions",
        "Evidence and links",
    ]


def test_it_names_the_items_section_after_the_extra_list() -> None:
    new = {"items": [{"who": "IT"}], "today": "now"}

    assert WITH_LIST.changed_sections({}, new) == ["Where we are today", "Stakeholders"]


def test_it_ignores_items_when_the_step_has_no_extra_list() -> None:
    assert PLAIN.changed_sections({}, {"items": [{"who": "IT"}]}) == []


def test_it_reports_no_change_for_the_same_content() -> None:
    content = {"today": "now", "actions": [{"action": "Act", "owner": "Ann", "due": "2026-01-01"}]}

    assert WITH_LIST.changed_sections(content, dict(content)) == []


def test_it_does_not_count_whitespace_or_blank_rows_as_a_change() -> None:
    old = {"today": "now"}
    new = {"today": "  now  ", "actions": [{"action": " "}], "links": [{}]}

    assert PLAIN.changed_sections(old, new) == []


# filled_count


def test_it_counts_filled_sections_out_of_the_steps_sections() -> None:
    content = {"today": "now", "risks": "  ", "links": [{"url": "https://x.org"}]}

    assert PLAIN.filled_count(PLAIN.normalise(content)) == (2, len(TEXT_SECTIONS) + 2)


def test_it_counts_the_items_section_only_with_an_extra_list() -> None:
    content = {"items": [{"who": "IT"}]}

    assert WITH_LIST.filled_count(WITH_LIST.normalise(content)) == (1, len(TEXT_SECTIONS) + 3)
    assert PLAIN.filled_count(PLAIN.normalise(content)) == (0, len(TEXT_SECTIONS) + 2)


def test_it_counts_nothing_in_an_empty_canvas() -> None:
    assert WITH_LIST.filled_count(WITH_LIST.normalise({})) == (0, 8)


def test_it_builds_the_shape_from_the_extra_list() -> None:
    assert WITH_LIST.items_title == "Stakeholders"
    assert WITH_LIST.item_columns[0] == ("who", "Group or person")
    assert WITH_LIST.lists == ("actions", "links", "items")
    assert PLAIN.lists == ("actions", "links")
    assert not PLAIN.has_items


def test_it_keeps_the_member_who_owns_an_action() -> None:
    content = PLAIN.normalise({"actions": [{"action": "Call", "owner": "Ann", "owner_id": 7}]})

    assert content["actions"] == [{"action": "Call", "owner": "Ann", "owner_id": "7", "due": ""}]


def test_it_tells_an_empty_canvas_from_a_filled_one() -> None:
    assert is_empty(WITH_LIST.normalise({"today": "  ", "actions": [{}]}))
    assert not is_empty(WITH_LIST.normalise({"items": [{"who": "IT"}]}))


# overdue_actions


def test_it_lists_actions_due_before_today() -> None:
    late = {"action": "Late", "due": "2026-03-01"}
    today = {"action": "Today", "due": "2026-03-02"}
    later = {"action": "Later", "due": "2026-04-01"}

    assert overdue_actions({"actions": [late, today, later]}, date(2026, 3, 2)) == [late]


def test_it_ignores_actions_without_a_valid_date() -> None:
    rows = [
        {"action": "No date", "due": ""},
        {"action": "No key"},
        {"action": "Nonsense", "due": "soon"},
        {"action": "Impossible", "due": "2026-13-45"},
        {"action": "Null", "due": None},
    ]

    assert overdue_actions({"actions": rows}, date(2030, 1, 1)) == []


def test_it_finds_no_overdue_actions_without_actions() -> None:
    assert overdue_actions({}, date(2030, 1, 1)) == []


# progress


def test_it_counts_steps_by_status() -> None:
    result = progress(["done", "done", "in_progress", "not_started", "not_applicable"])

    assert (result.done, result.in_progress, result.not_applicable, result.total) == (2, 1, 1, 5)
    assert result.applicable == 4


def test_it_leaves_not_applicable_steps_out_of_the_percentage() -> None:
    assert progress(["done", "not_started", "not_applicable", "not_applicable"]).percent == 50
    assert progress(["done", "not_started", "not_started"]).percent == 33


def test_it_is_complete_when_every_step_is_not_applicable() -> None:
    assert progress(["not_applicable"] * 17).percent == 100


def test_it_is_zero_percent_without_steps() -> None:
    assert progress([]).percent == 0


def test_it_accepts_any_iterable_of_statuses() -> None:
    assert progress(s for s in ["done", "done"]).percent == 100


# the PDF's executive summary (journey.summary)


def _step(number, status="in_progress", *, phase=1, due=None, owner=None, **content):
    definition = SimpleNamespace(
        number=number,
        title=f"Step {number} title",
        phase=phase,
        phase_title=f"P{phase}",
        shape=PLAIN,
    )
    return SimpleNamespace(
        number=number,
        status=status,
        due_date=due,
        owner=owner,
        definition=definition,
        canvas=SimpleNamespace(content=content),
    )


def test_it_summarises_progress_by_phase() -> None:
    steps = [_step(1, "done"), _step(2, "not_applicable"), _step(3, phase=2)]

    result = summarise(steps, today=date(2026, 3, 2))

    assert [p["progress"].done for p in result.phases] == [1, 0]
    assert [p["progress"].applicable for p in result.phases] == [1, 1]
    assert result.progress.total == 3


def test_it_lists_overdue_and_upcoming_actions_of_open_steps_by_date() -> None:
    actions = [
        {"action": "Late", "owner": "Ann", "due": "2026-03-01"},
        {"action": "Soon", "due": "2026-03-10"},
        {"action": "Far off", "due": "2026-09-01"},
    ]
    steps = [
        _step(1, actions=actions, due=date(2026, 2, 1)),
        _step(2, "done", actions=[{"action": "Closed", "due": "2000-01-01"}]),
    ]

    result = summarise(steps, today=date(2026, 3, 2))

    assert [(i.text, i.who) for i in result.overdue.items] == [
        ("Finish this step", ""),
        ("Late", "Ann"),
    ]
    assert [i.text for i in result.upcoming.items] == ["Soon"]


def test_it_takes_risks_and_questions_from_open_steps_and_decisions_from_all() -> None:
    steps = [
        _step(1, "done", risks="Old risk", decisions="We chose X."),
        _step(2, risks="Live risk", open_questions="Who pays?"),
    ]

    result = summarise(steps, today=date(2026, 3, 2))

    assert [i.text for i in result.risks.items] == ["Live risk"]
    assert [i.text for i in result.questions.items] == ["Who pays?"]
    assert [i.text for i in result.decisions.items] == ["We chose X."]


def test_it_lists_only_what_fits_and_counts_the_rest() -> None:
    steps = [_step(n, risks=f"Risk {n}") for n in range(1, 8)]

    result = summarise(steps, today=date(2026, 3, 2))

    assert len(result.risks.items) == 4
    assert result.risks.more == 3


def test_it_cuts_long_text_at_a_word() -> None:
    text = excerpt("word " * 100, limit=20)

    assert text == "word word word word…"
