"""Per-question results summed from a hand-made cube: shares, "don't know" apart, weights, breakdowns."""

from __future__ import annotations

import pytest

from surveys.model import Question
from surveys.results.queries import Cube
from surveys.results.summary import choices, question_result, representation
from surveys.results.weighting import Weights


def make_question(kind: str, options: tuple[str, ...] = (), qid: int = 1) -> Question:
    return Question(qid, 1, 1, 1, kind, "Fråga", "", True, True, options, ())


NO_WEIGHTS = Weights("none", {}, 1.0, 0)
A, B, C = ("A", "18-29", "woman"), ("B", "18-29", "man"), ("C", "30-44", "woman")


def test_yes_no_shares_leave_dont_know_apart() -> None:
    q = make_question("yes_no")
    cube = Cube({1: {A: {"yes": 6, "no": 2, "dont_know": 2}, B: {"yes": 3, "no": 9}}}, {})
    result = question_result(q, choices(q, "sv"), cube, NO_WEIGHTS, min_size=5)
    assert (result.base, result.dont_know, result.answered) == (20, 2, 22)
    yes = result.options[0]
    assert (yes.label, yes.count) == ("Ja", 9)
    assert yes.share is not None and yes.share.share == pytest.approx(0.45)
    assert yes.share.margin == pytest.approx(1.959964 * (0.45 * 0.55 / 20) ** 0.5, abs=1e-6)
    assert yes.weighted is None and yes.best is yes.share
    assert result.dont_know_share == pytest.approx(2 / 22)


def test_weighted_shares_use_the_cell_weights_and_the_question_design_effect() -> None:
    q = make_question("yes_no")
    cube = Cube({1: {A: {"yes": 2}, B: {"no": 8}}}, {})
    weights = Weights("post_stratification", {A: 3.0, B: 0.5}, 2.0, 10)
    result = question_result(q, choices(q, "sv"), cube, weights, min_size=5)
    yes = result.options[0]
    # weighted: 2·3 / (2·3 + 8·0.5) = 6 / 10; deff 2 as in the weighting test
    assert yes.weighted is not None and yes.weighted.share == pytest.approx(0.6)
    assert result.design_effect == pytest.approx(2.0)
    assert yes.weighted.margin == pytest.approx(1.959964 * (2 * 0.24 / 10) ** 0.5, abs=1e-6)
    assert yes.share is not None and yes.share.share == pytest.approx(0.2)


def test_multiple_choice_shares_are_of_respondents_not_of_ticks() -> None:
    q = make_question("multiple_choice", ("Buss", "Bil", "Cykel"))
    cube = Cube({1: {A: {"1": 4, "3": 3}}}, {1: {A: (5, 1)}})
    result = question_result(q, choices(q, "sv"), cube, NO_WEIGHTS, min_size=5)
    assert result.base == 5 and result.dont_know == 1
    shares = [o.share.share if o.share else None for o in result.options]
    assert shares == pytest.approx([0.8, 0.0, 0.6])


def test_scale_mean_from_the_counts() -> None:
    q = make_question("scale_5")
    cube = Cube({1: {A: {"1": 1, "5": 3}, B: {"3": 1}}}, {})
    result = question_result(q, choices(q, "sv"), cube, NO_WEIGHTS, min_size=5)
    assert result.mean is not None
    assert result.mean.value == pytest.approx((1 + 15 + 3) / 5)
    assert [label for _, label in choices(q, "sv")] == ["1", "2", "3", "4", "5"]


def test_breakdown_hides_small_groups_and_the_one_that_subtraction_would_reveal() -> None:
    q = make_question("yes_no")
    cube = Cube({1: {A: {"yes": 10, "no": 10}, B: {"yes": 2, "no": 4}, C: {"yes": 3}}}, {})
    result = question_result(q, choices(q, "sv"), cube, NO_WEIGHTS, min_size=5)
    districts = result.breakdowns[0]
    assert districts.dimension == "district"
    by_key = {row.key: row for row in districts.rows}
    assert by_key["A"].shares == pytest.approx((0.5, 0.5))
    assert by_key["C"].hidden and by_key["C"].shares == ()
    assert by_key["B"].hidden  # else 29 - 20 - 6 would give C back
    assert (districts.hidden_groups, districts.hidden_base) == (2, 9)
    genders = {row.key: row for row in result.breakdowns[2].rows}
    assert not genders["woman"].hidden and not genders["man"].hidden


def test_breakdown_marks_a_group_that_differs_significantly_from_the_rest() -> None:
    q = make_question("yes_no")
    cube = Cube({1: {A: {"yes": 45, "no": 5}, B: {"yes": 10, "no": 40}}}, {})
    districts = question_result(q, choices(q, "sv"), cube, NO_WEIGHTS, min_size=5).breakdowns[0]
    assert [row.signs for row in districts.rows] == [(1, -1), (-1, 1)]


def test_representation_beside_the_population() -> None:
    cells = {A: (10, 5), B: (10, 3), ("", "", "not_stated"): (4, 2)}
    population = {A: 600, B: 400}
    rows = {row.key: row for row in representation(cells, population)["district"]}
    assert rows["A"].response_rate == pytest.approx(0.5)
    assert rows["A"].sample_share == pytest.approx(0.5)
    assert rows["A"].population_share == pytest.approx(0.6)
    assert rows[""].population_share == 0
    public = {row.key: row for row in representation(cells, population, min_size=5)["district"]}
    # B (3) and the unknown district (2) are too small; together they reach 5, so A can stay.
    assert public["B"].hidden and public[""].hidden and not public["A"].hidden
