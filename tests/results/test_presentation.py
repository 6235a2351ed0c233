"""Number words on the results pages, in both languages."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from panel import i18n
from panel.app import PAGE_PACKAGES
from surveys.model import Question
from surveys.results import presentation
from surveys.results.queries import Cube
from surveys.results.summary import choices, question_result
from surveys.results.weighting import Weights


@pytest.fixture
def english() -> Iterator[None]:
    i18n.load_catalogs(PAGE_PACKAGES)  # the same catalogues as the app, so no other test sees fewer
    token = i18n.set_language("en")
    yield
    i18n.reset_language(token)


def test_margins_below_one_point_keep_a_decimal() -> None:
    assert presentation.points(0.07) == "± 7"
    assert presentation.points(0.0041) == "± 0,4"  # 60,000 answers: not "± 0"
    assert presentation.points(0.0001) == "± 0,1"


def test_no_margin_at_all_is_plus_minus_zero() -> None:
    assert presentation.points(0.0) == "± 0"  # a share of 0 %: not "± 0,1"
    assert presentation.points(1e-17) == "± 0"  # 100 % after the floating-point arithmetic of weighting


def test_an_answer_nobody_gave_reads_0_percent_plus_minus_0_in_the_chart() -> None:
    q = Question(1, 1, 1, 1, "single_choice", "Hur reser du?", "", True, False, ("Bil", "Buss", "Båt"), ())
    cube = Cube({1: {("A", "30-44", "woman"): {"1": 30, "2": 10}}}, {})
    result = question_result(q, choices(q, "sv"), cube, Weights("none", {}, 1.0, 0), min_size=5)
    chart = presentation.question_chart(result)
    assert [row[1] for row in chart.rows][2] == "0 % ± 0"
    assert "0 % ± 0<" in chart.svg and "± 0,1" not in chart.svg


def test_days_are_singular_and_plural_in_english(english: None) -> None:
    assert presentation.minutes(1440) == "1 day"
    assert presentation.minutes(2 * 1440) == "2 days"
    assert presentation.minutes(1.5 * 1440) == "1.5 days"
    assert presentation.minutes(90) == "1.5 h"


def test_days_in_swedish() -> None:
    assert presentation.minutes(1440) == "1 dygn"
    assert presentation.minutes(3 * 1440) == "3 dygn"
