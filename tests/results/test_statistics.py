"""Margins of error and means against values worked out by hand."""

import math

import pytest

from surveys.results import statistics as st


def test_share_of_nothing_is_none_not_zero():
    assert st.share(0, 0) is None
    assert st.share(3, 4) == 0.75


def test_margin_of_error_at_half_with_100_answers_is_9_8_points():
    # 1.96 * sqrt(0.25 / 100) = 1.96 * 0.05 = 0.098
    assert st.margin_of_error(0.5, 100) == pytest.approx(0.0979982, abs=1e-6)


def test_margin_of_error_grows_with_the_design_effect():
    # deff 2 widens the margin by sqrt(2): 0.098 * 1.41421 = 0.13859
    assert st.margin_of_error(0.5, 100, deff=2.0) == pytest.approx(0.0979982 * math.sqrt(2), abs=1e-6)


def test_margin_of_error_for_twenty_percent_of_400():
    # sqrt(0.2 * 0.8 / 400) = 0.02; times 1.96 = 0.0392
    assert st.margin_of_error(0.2, 400) == pytest.approx(0.0392, abs=1e-4)


def test_max_margin_is_the_margin_at_fifty_percent():
    assert st.max_margin(200) == pytest.approx(st.margin_of_error(0.5, 200))
    assert st.max_margin(0) == 0.0


def test_estimate_bounds_stay_within_zero_and_one():
    low_share = st.estimate(1, 20, 20)
    assert low_share is not None
    assert low_share.share == 0.05
    assert low_share.low == 0.0
    assert low_share.high == pytest.approx(0.05 + 1.96 * math.sqrt(0.05 * 0.95 / 20), abs=1e-3)
    assert low_share.uncertain  # 20 answers is below the small-base warning


def test_estimate_uses_weighted_sums_with_the_unweighted_base():
    weighted = st.estimate(30.0, 60.0, 50, deff=1.5)
    assert weighted is not None
    assert weighted.share == 0.5
    assert weighted.margin == pytest.approx(1.959964 * math.sqrt(1.5 * 0.25 / 50), abs=1e-6)
    assert not weighted.uncertain


def test_effective_n():
    assert st.effective_n(200, 1.6) == 125
    assert st.effective_n(10, 0) == 10


def test_mean_of_a_scale_from_sums():
    # answers 1, 2, 3, 4, 5: mean 3, sample variance 2.5, margin 1.96 * sqrt(2.5 / 5) = 1.3859
    values = [1, 2, 3, 4, 5]
    result = st.mean(5, sum(values), sum(v * v for v in values), 5)
    assert result is not None
    assert result.value == 3
    assert result.margin == pytest.approx(1.959964 * math.sqrt(0.5), abs=1e-6)


def test_mean_of_one_answer_has_no_margin_and_of_none_is_none():
    one = st.mean(1, 4, 16, 1)
    assert one is not None and one.value == 4 and one.margin == 0
    assert st.mean(0, 0, 0, 0) is None


def test_significant_difference_by_the_pooled_z_test():
    # 80/100 vs 40/100: pooled 0.6, se = sqrt(0.24 * 0.02) = 0.0693, z = 0.4 / 0.0693 = 5.8
    assert st.significant_difference(80, 100, 40, 100) == 1
    assert st.significant_difference(40, 100, 80, 100) == -1
    # 52/100 vs 48/100: z = 0.04 / 0.0707 = 0.57
    assert st.significant_difference(52, 100, 48, 100) == 0


def test_zero_of_five_is_not_certain_proof_of_a_difference():
    # The group's own margin would be 0. Pooled p = 20/56 = 0.357; z = 0.392 / √(0.357·0.643·(1/5 + 1/51)) = 1.78
    assert st.significant_difference(0, 5, 20, 51) == 0
    assert st.significant_difference(0, 0, 5, 10) == 0


def test_wilson_interval_of_five_out_of_five_is_not_certain():
    # p = 1, n = 5, z² = 3.8415: centre (1 + 0.3841) / 1.7683 = 0.7828,
    # half = 1.96 · √(3.8415 / 100) / 1.7683 = 0.2172, so the interval is 0.5655 to 1
    low, high = st.wilson_interval(5, 5)
    assert high == 1.0
    assert low == pytest.approx(0.5655, abs=1e-3)


def test_wilson_interval_of_half_is_close_to_the_usual_margin_for_many_answers():
    low, high = st.wilson_interval(500, 1000)
    assert (high - low) / 2 == pytest.approx(st.margin_of_error(0.5, 1000), abs=1e-3)
    assert st.wilson_interval(0, 0) == (0.0, 1.0)
