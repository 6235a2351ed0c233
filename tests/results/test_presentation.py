"""Number words on the results pages, in both languages."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from panel import i18n
from panel.app import PAGE_PACKAGES
from surveys.results import presentation


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


def test_days_are_singular_and_plural_in_english(english: None) -> None:
    assert presentation.minutes(1440) == "1 day"
    assert presentation.minutes(2 * 1440) == "2 days"
    assert presentation.minutes(1.5 * 1440) == "1.5 days"
    assert presentation.minutes(90) == "1.5 h"


def test_days_in_swedish() -> None:
    assert presentation.minutes(1440) == "1 dygn"
    assert presentation.minutes(3 * 1440) == "3 dygn"
