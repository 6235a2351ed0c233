"""Weights against hand-worked examples: post-stratification, raking, caps and the design effect."""

import pytest

from surveys.results import weighting as w


def test_post_stratification_on_one_dimension():
    # Population 60 % women, 40 % men; the sample 2 women and 8 men.
    # w_woman = 0.6 / 0.2 = 3, w_man = 0.4 / 0.8 = 0.5.
    weights = w.post_stratify({("woman",): 2, ("man",): 8}, {("woman",): 600, ("man",): 400})
    assert weights[("woman",)] == pytest.approx(3.0)
    assert weights[("man",)] == pytest.approx(0.5)


def test_design_effect_of_those_weights_is_two():
    # n·Σw² / (Σw)² = 10 · (2·9 + 8·0.25) / 10² = 10 · 20 / 100 = 2
    deff = w.design_effect({("woman",): 2, ("man",): 8}, {("woman",): 3.0, ("man",): 0.5})
    assert deff == pytest.approx(2.0)


def test_equal_weights_cost_nothing():
    assert w.design_effect({("a",): 5, ("b",): 7}, {("a",): 1.0, ("b",): 1.0}) == pytest.approx(1.0)


SAMPLE = {("w", "young"): 10, ("w", "old"): 20, ("m", "young"): 30, ("m", "old"): 40}
MARGINS = [{"w": 0.5, "m": 0.5}, {"young": 0.4, "old": 0.6}]


def test_one_round_of_raking_by_hand():
    # Gender first: women 30 → 50 (×5/3), men 70 → 50 (×5/7).
    # Then age: young = 10·5/3 + 30·5/7 = 38.095 → 40 (×1.05); old = 20·5/3 + 40·5/7 = 61.905 → 60.
    weights, converged = w.rake(SAMPLE, MARGINS, max_rounds=1)
    assert not converged
    assert weights[("w", "young")] == pytest.approx(5 / 3 * 40 / (50 / 3 + 150 / 7))
    assert weights[("m", "old")] == pytest.approx(5 / 7 * 60 / (100 / 3 + 200 / 7))


def test_raking_converges_to_both_margins():
    weights, converged = w.rake(SAMPLE, MARGINS)
    assert converged
    women = sum(SAMPLE[c] * weights[c] for c in SAMPLE if c[0] == "w")
    young = sum(SAMPLE[c] * weights[c] for c in SAMPLE if c[1] == "young")
    assert women == pytest.approx(50, rel=1e-5)
    assert young == pytest.approx(40, rel=1e-5)


def test_raking_on_one_dimension_equals_post_stratification():
    sample = {("woman",): 2, ("man",): 8}
    raked, converged = w.rake(sample, [{"woman": 0.6, "man": 0.4}])
    assert converged
    assert raked[("woman",)] == pytest.approx(3.0)
    assert raked[("man",)] == pytest.approx(0.5)


def test_raking_reports_when_it_runs_out_of_rounds():
    _, converged = w.rake(SAMPLE, MARGINS, max_rounds=2, tolerance=1e-12)
    assert not converged


def test_caps_fix_the_extreme_weight_and_rescale_the_rest():
    # One respondent at 5.5 and nine at 0.5 (total 10). Capped at 3, the other nine share 10 - 3 = 7.
    capped = w.cap({("a",): 1, ("b",): 9}, {("a",): 5.5, ("b",): 0.5}, low=0.2, high=3.0)
    assert capped[("a",)] == 3.0
    assert capped[("b",)] == pytest.approx(7 / 9)


def test_caps_at_the_bottom_too():
    # One respondent at 0.05 and nine at 9.95/9 (total 10): raised to 0.2, the nine share 9.8.
    capped = w.cap({("a",): 1, ("b",): 9}, {("a",): 0.05, ("b",): 9.95 / 9}, low=0.2, high=5.0)
    assert capped[("a",)] == 0.2
    assert capped[("b",)] == pytest.approx(9.8 / 9)


def test_caps_leave_weights_within_bounds_alone():
    weights = {("a",): 1.2, ("b",): 0.8}
    assert w.cap({("a",): 5, ("b",): 5}, weights) == pytest.approx(weights)


POPULATION = {("d1", "w"): 300, ("d1", "m"): 300, ("d2", "w"): 200, ("d2", "m"): 200}


def test_full_cells_use_post_stratification():
    sample = {("d1", "w"): 10, ("d1", "m"): 20, ("d2", "w"): 10, ("d2", "m"): 10}
    result = w.compute_weights(sample, POPULATION, min_cell=5)
    assert result.method == "post_stratification"
    # d1/m: (300/1000) / (20/50) = 0.75; d1/w: 0.3 / 0.2 = 1.5; d2 cells: 0.2 / 0.2 = 1
    assert result.weight(("d1", "m")) == pytest.approx(0.75)
    assert result.weight(("d1", "w")) == pytest.approx(1.5)
    assert result.weight(("d2", "w")) == pytest.approx(1.0)
    assert result.design_effect > 1
    assert result.unmatched == 0


def test_sparse_cells_fall_back_to_raking_on_the_margins():
    sample = {("d1", "w"): 2, ("d1", "m"): 20, ("d2", "w"): 10, ("d2", "m"): 8}
    result = w.compute_weights(sample, POPULATION, min_cell=5)
    assert result.method == "raking"
    assert result.converged
    n = 40
    d1 = sum(c * result.weight(cell) for cell, c in sample.items() if cell[0] == "d1")
    women = sum(c * result.weight(cell) for cell, c in sample.items() if cell[1] == "w")
    assert d1 == pytest.approx(0.6 * n, rel=1e-4)
    assert women == pytest.approx(0.5 * n, rel=1e-4)


def test_respondents_outside_the_population_keep_weight_one():
    sample = {("d1", "w"): 10, ("d1", "m"): 10, ("d2", "w"): 10, ("d2", "m"): 10, ("d2", "not_stated"): 4}
    result = w.compute_weights(sample, POPULATION, min_cell=5)
    assert result.unmatched == 4
    assert result.weight(("d2", "not_stated")) == 1.0
    assert result.respondents == 44


def test_a_category_without_respondents_is_dropped_and_reported():
    sample = {("d1", "w"): 10, ("d1", "m"): 10}
    result = w.compute_weights(sample, POPULATION, min_cell=5)
    assert result.method == "raking"
    assert result.dropped_categories == ["d2"]
    assert result.weight(("d1", "w")) == pytest.approx(1.0)


def test_extreme_weights_are_capped_and_counted():
    sample = {("d1", "w"): 1, ("d1", "m"): 30, ("d2", "w"): 30, ("d2", "m"): 30}
    result = w.compute_weights(sample, POPULATION, min_cell=1, high=3.0)
    assert result.weight(("d1", "w")) == 3.0
    assert result.capped == 1


def test_no_population_means_no_weighting():
    result = w.compute_weights({("d1", "w"): 4}, {})
    assert result.method == "none"
    assert result.design_effect == 1.0
    assert result.weight(("d1", "w")) == 1.0
