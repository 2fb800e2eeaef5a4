"""assessments.scoring: aggregation, the verdict rule and round comparison, without a database."""

import copy

import pytest

from assessments.scoring import (
    check_instrument,
    compare,
    read_instrument,
    summarise,
    validate_answer,
    verdict,
)
from journey.steps_data import STEPS

READINESS = read_instrument("readiness")
AXES = [axis["key"] for axis in READINESS["axes"]]

# A small instrument keeps the arithmetic in the tests readable.
TINY = {
    "slug": "tiny",
    "version": 1,
    "name": "Tiny",
    "scale": [
        {"key": "low", "label": "Low", "score": 1},
        {"key": "medium", "label": "Medium", "score": 2},
        {"key": "high", "label": "High", "score": 3},
    ],
    "dont_know": {"key": "dont_know", "label": "Don't know"},
    "rule": {"kind": "all_at_least", "level": "medium", "text": "Every axis medium or better."},
    "axes": [
        {
            "key": "a",
            "name": "Alpha",
            "question": "A?",
            "explanation": "About A.",
            "levels": {"low": "l", "medium": "m", "high": "h"},
            "journey_steps": [1],
        },
        {
            "key": "b",
            "name": "Beta",
            "question": "B?",
            "explanation": "About B.",
            "levels": {"low": "l", "medium": "m", "high": "h"},
            "journey_steps": [2],
        },
    ],
}


def _axis(answers: list[str | None], axis: str = "a"):
    responses = [{axis: answer} if answer is not None else {} for answer in answers]
    return {s.key: s for s in summarise(TINY, responses)}[axis]


def _round(a: list[str], b: list[str]):
    return summarise(TINY, [{"a": x, "b": y} for x, y in zip(a, b, strict=True)])


# the instrument file


def test_it_ships_a_readiness_instrument_that_can_be_scored() -> None:
    check_instrument(READINESS)

    assert READINESS["slug"] == "readiness"
    assert len(AXES) == 8
    assert [level["key"] for level in READINESS["scale"]] == ["low", "medium", "high"]


def test_it_links_every_axis_to_one_to_three_existing_journey_steps() -> None:
    step_numbers = {step["number"] for step in STEPS}
    for axis in READINESS["axes"]:
        assert 1 <= len(axis["journey_steps"]) <= 3, axis["key"]
        assert set(axis["journey_steps"]) <= step_numbers, axis["key"]


def test_it_refuses_an_instrument_whose_rule_names_no_level() -> None:
    broken = copy.deepcopy(TINY)
    broken["rule"]["level"] = "very_high"

    with pytest.raises(ValueError, match="very_high"):
        check_instrument(broken)


def test_it_refuses_an_axis_that_does_not_describe_every_level() -> None:
    broken = copy.deepcopy(TINY)
    del broken["axes"][1]["levels"]["high"]

    with pytest.raises(ValueError, match="'b'"):
        check_instrument(broken)


def test_it_refuses_an_instrument_name_that_is_a_path() -> None:
    with pytest.raises(ValueError):
        read_instrument("../pyproject")


# validate_answer


@pytest.mark.parametrize("answer", ["low", "medium", "high", "dont_know"])
def test_it_accepts_every_answer_on_the_scale_and_dont_know(answer: str) -> None:
    validate_answer(READINESS, "executive_support", answer)


@pytest.mark.parametrize("answer", ["", "LOW", "very_high", "3", "low "])
def test_it_rejects_an_answer_outside_the_scale(answer: str) -> None:
    with pytest.raises(ValueError, match="not one of the answers"):
        validate_answer(READINESS, "executive_support", answer)


def test_it_rejects_an_axis_of_another_instrument() -> None:
    with pytest.raises(ValueError, match="not a question"):
        validate_answer(READINESS, "a", "low")


def test_it_refuses_to_summarise_an_answer_outside_the_scale() -> None:
    with pytest.raises(ValueError):
        summarise(TINY, [{"a": "extreme"}])


# summarise: median


def test_it_takes_the_middle_answer_of_an_odd_count() -> None:
    summary = _axis(["high", "low", "medium", "high", "high"])

    assert summary.median == "high"
    assert summary.median_rank == 3


def test_it_takes_the_lower_middle_answer_of_an_even_count() -> None:
    assert _axis(["low", "high"]).median == "low"
    assert _axis(["medium", "high"]).median == "medium"
    assert _axis(["high", "low", "high", "medium"]).median == "medium"
    assert _axis(["high", "high", "medium", "high"]).median == "high"


def test_it_keeps_the_summary_in_the_instruments_order_with_every_level_counted() -> None:
    summaries = summarise(READINESS, [{"long_term_commitment": "high"}])

    assert [s.key for s in summaries] == AXES
    assert summaries[-1].counts == {"low": 0, "medium": 0, "high": 1}
    assert list(summaries[0].counts) == ["low", "medium", "high"]


# summarise: spread and disagreement


def test_it_measures_the_spread_from_lowest_to_highest_answer() -> None:
    summary = _axis(["medium", "high", "medium"])

    assert (summary.lowest, summary.highest) == ("medium", "high")
    assert (summary.lowest_rank, summary.highest_rank) == (2, 3)
    assert summary.spread == 1
    assert not summary.disagreement


def test_it_flags_answers_two_levels_apart_as_disagreement() -> None:
    summary = _axis(["low", "medium", "medium", "high"])

    assert summary.spread == 2
    assert summary.disagreement


def test_it_sees_no_spread_when_everyone_agrees() -> None:
    summary = _axis(["medium", "medium", "medium"])

    assert summary.spread == 0
    assert not summary.disagreement


# summarise: don't know and missing answers


def test_it_leaves_dont_know_out_of_the_median_and_counts_it_apart() -> None:
    summary = _axis(["dont_know", "dont_know", "dont_know", "low", "high", "high"])

    assert summary.answered == 3
    assert summary.dont_know == 3
    assert summary.counts == {"low": 1, "medium": 0, "high": 2}
    assert summary.median == "high"


def test_it_counts_missing_answers_as_unanswered() -> None:
    summary = _axis(["medium", None, ""])

    assert (summary.answered, summary.dont_know, summary.unanswered) == (1, 0, 2)
    assert summary.median == "medium"


def test_it_has_no_median_when_everyone_says_dont_know() -> None:
    summary = _axis(["dont_know", "dont_know"])

    assert summary.answered == 0
    assert summary.dont_know == 2
    assert summary.median is None
    assert summary.lowest is None and summary.highest is None
    assert summary.spread == 0
    assert not summary.disagreement


def test_it_summarises_an_empty_round_as_unknown_everywhere() -> None:
    summaries = summarise(READINESS, [])

    assert len(summaries) == 8
    assert all(s.median is None and s.answered == 0 and s.unanswered == 0 for s in summaries)


# verdict


def test_it_says_adopt_now_when_every_median_is_medium_or_high() -> None:
    result = verdict(TINY, _round(["medium", "high", "medium"], ["high", "high", "low"]))

    assert result.adopt_now
    assert result.status == "adopt"
    assert result.low_axes == ()
    assert result.unknown_axes == ()
    assert result.rule_text == "Every axis medium or better."
    assert result.headline.startswith("Ready to adopt now")


def test_it_says_wait_and_names_the_low_axes() -> None:
    result = verdict(TINY, _round(["low", "low", "high"], ["high", "medium", "low"]))

    assert not result.adopt_now
    assert result.status == "wait"
    assert [s.key for s in result.low_axes] == ["a"]
    assert "fix Alpha first" in result.headline


def test_it_names_several_low_axes_in_one_sentence() -> None:
    summaries = summarise(READINESS, [dict.fromkeys(AXES, "low")])
    result = verdict(READINESS, summaries)

    assert len(result.low_axes) == 8
    assert result.headline.count(".") == 1
    assert "Executive support, " in result.headline
    assert " and Long-term commitment first" in result.headline


def test_it_decides_an_even_split_between_low_and_high_cautiously() -> None:
    result = verdict(TINY, _round(["low", "high"], ["high", "high"]))

    assert not result.adopt_now
    assert [s.key for s in result.low_axes] == ["a"]
    assert [s.key for s in result.disagreements] == ["a"]


def test_it_gives_no_verdict_when_an_axis_has_no_answers_on_the_scale() -> None:
    result = verdict(TINY, _round(["high", "high"], ["dont_know", "dont_know"]))

    assert not result.adopt_now
    assert result.status == "unknown"
    assert [s.key for s in result.unknown_axes] == ["b"]
    assert "Beta" in result.headline


def test_it_still_says_wait_when_one_axis_is_low_and_another_unknown() -> None:
    result = verdict(TINY, _round(["low", "low"], ["dont_know", "dont_know"]))

    assert result.status == "wait"
    assert [s.key for s in result.unknown_axes] == ["b"]


def test_it_gives_no_verdict_for_an_empty_round() -> None:
    result = verdict(READINESS, summarise(READINESS, []))

    assert not result.adopt_now
    assert result.status == "unknown"
    assert result.headline == "No verdict yet: nobody has answered any question on the scale."


def test_it_follows_the_threshold_the_instrument_sets() -> None:
    strict = copy.deepcopy(TINY)
    strict["rule"]["level"] = "high"

    result = verdict(strict, _round(["medium"], ["high"]))

    assert [s.key for s in result.low_axes] == ["a"]
    assert "below high" in result.headline


# compare


def test_it_reports_each_axis_moving_up_down_or_staying() -> None:
    previous = summarise(READINESS, [{"executive_support": "low", "early_adopter": "high"}])
    current = summarise(
        READINESS,
        [{"executive_support": "high", "early_adopter": "medium", "data_strategy": "low"}],
    )

    movements = {m.key: m for m in compare(previous, current)}

    assert [m.key for m in compare(previous, current)] == AXES
    assert (movements["executive_support"].direction, movements["executive_support"].change) == (
        "up",
        2,
    )
    assert (movements["early_adopter"].direction, movements["early_adopter"].change) == ("down", -1)
    assert movements["early_adopter"].previous == "high"
    assert movements["early_adopter"].current == "medium"
    assert movements["data_strategy"].direction == "new"
    assert movements["data_strategy"].change is None
    assert movements["modern_engineering"].direction == "unknown"


def test_it_reports_same_when_the_median_did_not_move() -> None:
    movements = compare(_round(["medium"], ["low"]), _round(["medium", "high"], ["low", "low"]))

    assert [(m.direction, m.change) for m in movements] == [("same", 0), ("same", 0)]


def test_it_treats_an_axis_missing_from_the_previous_round_as_new() -> None:
    previous = [s for s in _round(["high"], ["high"]) if s.key == "a"]

    movements = compare(previous, _round(["high"], ["low"]))

    assert [m.direction for m in movements] == ["same", "new"]
    assert movements[1].previous is None
