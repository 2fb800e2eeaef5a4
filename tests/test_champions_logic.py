"""Progress, at-risk, use-case scores and curve placement: pure functions, no database."""

from dataclasses import replace
from datetime import date

import pytest

from champions import curve, okr, usecases
from champions.curve import Evidence

# --- key results ------------------------------------------------------------------------------


def test_it_measures_progress_from_baseline_towards_a_higher_target():
    assert okr.numeric_progress(baseline=10, target=30, direction="increase", value=15) == 0.25


def test_it_measures_progress_towards_a_lower_target():
    assert okr.numeric_progress(baseline=40, target=10, direction="decrease", value=31) == 0.3


def test_it_caps_progress_between_nothing_and_the_target():
    assert okr.numeric_progress(baseline=10, target=30, direction="increase", value=50) == 1
    assert okr.numeric_progress(baseline=10, target=30, direction="increase", value=2) == 0


def test_it_counts_no_check_in_as_no_progress():
    assert okr.numeric_progress(baseline=0, target=5, direction="increase", value=None) == 0


@pytest.mark.parametrize(
    ("baseline", "target", "direction"),
    [(5, 5, "increase"), (10, 5, "increase"), (5, 10, "decrease"), (1, 2, "sideways")],
)
def test_it_refuses_a_target_that_does_not_move_in_its_direction(baseline, target, direction):
    with pytest.raises(okr.InvalidKeyResult):
        okr.check_numeric(baseline=baseline, target=target, direction=direction)


def test_it_grades_fail_commit_target_and_stretch():
    assert [okr.graded_progress(g) for g in ("fail", "commit", "target", "stretch", None)] == [
        0,
        0.5,
        1,
        1,
        0,
    ]


def test_it_refuses_an_unknown_grade():
    with pytest.raises(ValueError):
        okr.graded_progress("brilliant")


def test_it_rolls_weighted_key_results_up_into_the_objective():
    assert okr.objective_progress([(1.0, 3), (0.0, 1)]) == 0.75


def test_it_has_no_objective_progress_without_weights():
    assert okr.objective_progress([]) is None
    assert okr.objective_progress([(0.5, 0)]) is None


def test_it_finds_the_quarter_of_a_day():
    period = okr.quarter_of(date(2026, 11, 22))

    assert (period.start, period.end, period.label) == (
        date(2026, 10, 1),
        date(2026, 12, 31),
        "2026 Q4",
    )
    assert okr.quarter_of(date(2026, 2, 28)).end == date(2026, 3, 31)


def test_it_draws_the_straight_line_from_start_to_end():
    start, end = date(2026, 1, 1), date(2026, 1, 11)

    assert okr.expected_progress(start=start, end=end, today=date(2026, 1, 6)) == 0.5
    assert okr.expected_progress(start=start, end=end, today=date(2025, 12, 1)) == 0
    assert okr.expected_progress(start=start, end=end, today=date(2026, 3, 1)) == 1


def test_it_flags_a_key_result_behind_the_straight_line():
    verdict = okr.risk(
        progress=0.2,
        confidence=8,
        start=date(2026, 1, 1),
        end=date(2026, 1, 11),
        today=date(2026, 1, 6),
    )

    assert verdict.at_risk
    assert verdict.reasons == ("20 % done where the straight line expects 50 %",)


def test_it_allows_a_little_slack_behind_the_line():
    verdict = okr.risk(
        progress=0.45,
        confidence=8,
        start=date(2026, 1, 1),
        end=date(2026, 1, 11),
        today=date(2026, 1, 6),
    )

    assert not verdict.at_risk


def test_it_flags_low_confidence_even_when_on_track():
    verdict = okr.risk(
        progress=1,
        confidence=4,
        start=date(2026, 1, 1),
        end=date(2026, 3, 31),
        today=date(2026, 1, 2),
    )

    assert verdict.at_risk
    assert "confidence is 4" in verdict.reasons[0]
    assert not okr.risk(
        progress=1,
        confidence=5,
        start=date(2026, 1, 1),
        end=date(2026, 3, 31),
        today=date(2026, 1, 2),
    ).at_risk


@pytest.mark.parametrize("confidence", [-1, 11])
def test_it_refuses_confidence_outside_zero_to_ten(confidence):
    with pytest.raises(ValueError):
        okr.check_confidence(confidence)


# --- use cases --------------------------------------------------------------------------------


def _scores(*values: int) -> dict[str, int]:
    return dict(zip(usecases.CRITERION_KEYS, values, strict=True))


def test_it_scores_the_worked_example_as_in_the_domain_notes():
    assert usecases.total(_scores(5, 4, 4, 3, 4, 5, 5)) == 30
    assert usecases.total(_scores(5, 5, 5, 5, 5, 5, 4)) == 34
    assert usecases.total(_scores(4, 4, 4, 4, 4, 4, 3)) == 27
    assert usecases.TOTAL_MAX == 35


@pytest.mark.parametrize("bad", [-1, 6, 2.5])
def test_it_refuses_a_score_outside_zero_to_five(bad):
    with pytest.raises(usecases.InvalidScore) as refused:
        usecases.total(_scores(5, 4, 4, 3, 4, 5, bad))

    assert refused.value.criterion == "effort"


def test_it_refuses_a_missing_criterion():
    scores = _scores(5, 4, 4, 3, 4, 5, 5)
    del scores["reach"]

    with pytest.raises(usecases.InvalidScore):
        usecases.total(scores)


def test_it_averages_several_scorers_and_flags_their_disagreement():
    result = usecases.aggregate([_scores(5, 4, 4, 3, 4, 5, 5), _scores(5, 4, 4, 1, 4, 5, 4)])

    assert result.scorers == 2
    assert result.average == 28.5
    assert result.spread == 3
    assert result.disputed == ("reach",)
    assert result.disagreement


def test_it_has_no_average_without_scorers():
    result = usecases.aggregate([])

    assert result.average is None
    assert not result.disagreement


def test_it_ranks_the_highest_average_first_and_unscored_last():
    results = {
        "HCP 360 dashboard": usecases.aggregate([_scores(5, 4, 4, 3, 4, 5, 5)]),
        "Digital customer engagement": usecases.aggregate([_scores(5, 5, 5, 5, 5, 5, 4)]),
        "Not yet scored": usecases.aggregate([]),
        "Next best action": usecases.aggregate([_scores(4, 4, 4, 4, 4, 4, 3)]),
    }

    ranked = sorted(results, key=lambda name: usecases.rank_key(name, results[name]))

    assert ranked == [
        "Digital customer engagement",
        "HCP 360 dashboard",
        "Next best action",
        "Not yet scored",
    ]


# --- maturity curve ---------------------------------------------------------------------------

PRODUCT_STEPS = (6, 7, 11, 15)


def _evidence(done_steps=(), readiness=None, milestones=(), okr_progress=None) -> Evidence:
    statuses = {n: ("done" if n in done_steps else "not_started") for n in range(1, 18)}
    return Evidence(
        step_statuses=statuses,
        readiness=readiness,
        milestones=list(milestones),
        okr_progress=okr_progress,
    )


def _product(evidence: Evidence) -> curve.Placement:
    return {p.key: p for p in curve.place(evidence).principles}["data_as_a_product"]


def test_it_starts_every_principle_at_the_beginning_of_explore():
    position = curve.place(_evidence())

    assert {p.phase for p in position.principles} == {"explore"}
    assert position.position == 0
    assert position.phase == "explore"


def test_it_keeps_a_principle_exploring_until_readiness_says_adopt():
    placement = _product(_evidence(done_steps=PRODUCT_STEPS, milestones=[(7, True)]))

    assert placement.phase == "explore"
    assert "a readiness round whose verdict is to adopt now" in placement.reasons[-1]


def test_it_expands_with_half_the_steps_a_milestone_and_readiness():
    placement = _product(_evidence(done_steps=(6, 7), readiness="adopt", milestones=[(7, True)]))

    assert placement.phase == "expand"
    assert 1 / 3 <= placement.position < 2 / 3
    assert placement.reasons[0].startswith("2 of 4 journey steps")


def test_it_extracts_when_everything_is_done_and_objectives_deliver():
    evidence = _evidence(
        done_steps=PRODUCT_STEPS,
        readiness="adopt",
        milestones=[(7, True), (11, True), (6, True), (15, False)],
        okr_progress=0.8,
    )

    assert _product(evidence).phase == "extract"
    assert _product(replace(evidence, okr_progress=0.5)).phase == "expand"


def test_it_moves_along_the_curve_when_a_milestone_is_done():
    before = _product(_evidence(done_steps=(6,), milestones=[(7, False), (11, False)]))
    after = _product(_evidence(done_steps=(6,), milestones=[(7, True), (11, False)]))

    assert after.position > before.position
    assert before.phase == after.phase == "explore"


def test_it_ignores_steps_that_do_not_apply():
    statuses = {n: "done" for n in (6, 7, 11)} | {15: "not_applicable"}
    evidence = Evidence(step_statuses=statuses, readiness=None, milestones=[], okr_progress=None)

    assert _product(evidence).reasons[0].startswith("3 of 3 journey steps")


def test_it_draws_the_s_curve_from_corner_to_corner():
    assert curve.s_curve(0) == pytest.approx(0)
    assert curve.s_curve(1) == pytest.approx(1)
    assert curve.s_curve(0.5) == pytest.approx(0.5)
    assert curve.s_curve(0.2) < 0.2


# --- Lean Value Tree --------------------------------------------------------------------------

from champions import lvt  # noqa: E402

TIERS = {1: "vision", 2: "goal", 3: "goal", 4: "bet", 5: "bet"}
PARENTS = {1: None, 2: 1, 3: 1, 4: 2, 5: 3}


def test_it_lets_a_bet_move_to_another_goal():
    lvt.check_move(node=4, tier="bet", new_parent=3, tiers=TIERS, parents=PARENTS)


def test_it_refuses_to_put_a_node_under_its_own_descendant():
    with pytest.raises(lvt.InvalidTree, match="under itself"):
        lvt.check_move(node=2, tier="goal", new_parent=4, tiers=TIERS, parents=PARENTS)


def test_it_refuses_to_put_a_node_under_itself():
    with pytest.raises(lvt.InvalidTree):
        lvt.check_move(node=2, tier="goal", new_parent=2, tiers=TIERS, parents=PARENTS)


def test_it_keeps_bets_under_goals():
    with pytest.raises(lvt.InvalidTree, match="A bet belongs under a goal"):
        lvt.check_move(node=4, tier="bet", new_parent=1, tiers=TIERS, parents=PARENTS)


def test_it_puts_nothing_under_a_bet():
    assert lvt.child_tier(None) == "vision"
    assert lvt.child_tier("goal") == "bet"
    with pytest.raises(lvt.InvalidTree):
        lvt.child_tier("bet")
