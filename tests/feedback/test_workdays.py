"""Working-day arithmetic across the Swedish holidays that move a deadline."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from feedback.workdays import add_working_days, is_working_day, working_days_between


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        # An ordinary week: Monday + 2 is Wednesday; Friday + 1 skips the weekend.
        (date(2026, 3, 9), 2, date(2026, 3, 11)),
        (date(2026, 3, 13), 1, date(2026, 3, 16)),
        # Easter 2026: Good Friday 3 April and Easter Monday 6 April are closed.
        (date(2026, 4, 2), 1, date(2026, 4, 7)),
        (date(2026, 3, 31), 10, date(2026, 4, 16)),
        # Midsummer Eve (Friday 19 June 2026) is a day off although not a public holiday by law.
        (date(2026, 6, 18), 1, date(2026, 6, 22)),
        # Christmas: 24, 25 December closed, 31 December and 1 January too, then Epiphany on 6 January.
        (date(2026, 12, 23), 1, date(2026, 12, 28)),
        (date(2026, 12, 23), 4, date(2027, 1, 4)),
        (date(2026, 12, 23), 6, date(2027, 1, 7)),
        # Ascension Day 2026 is Thursday 14 May; National Day 6 June 2025 was a Friday.
        (date(2026, 5, 13), 1, date(2026, 5, 15)),
        (date(2025, 6, 5), 1, date(2025, 6, 9)),
    ],
)
def test_add_working_days(start: date, days: int, expected: date) -> None:
    assert add_working_days(start, days) == expected


def test_zero_days_moves_a_closed_day_to_the_next_open_one() -> None:
    assert add_working_days(date(2026, 4, 3), 0) == date(2026, 4, 7)  # Good Friday -> Tuesday
    assert add_working_days(date(2026, 4, 8), 0) == date(2026, 4, 8)


def test_negative_days_are_refused() -> None:
    with pytest.raises(ValueError, match="0 or more"):
        add_working_days(date(2026, 1, 1), -1)


@pytest.mark.parametrize(
    "day",
    [date(2026, 4, 3), date(2026, 4, 6), date(2026, 6, 19), date(2026, 12, 24), date(2026, 12, 25),
     date(2026, 12, 31), date(2027, 1, 1), date(2026, 1, 6), date(2026, 5, 1), date(2026, 3, 14)],
)
def test_closed_days(day: date) -> None:
    assert not is_working_day(day)


def test_days_around_the_holidays_are_open() -> None:
    for day in (date(2026, 4, 2), date(2026, 4, 7), date(2026, 6, 18), date(2026, 6, 22), date(2026, 12, 23)):
        assert is_working_day(day), day


def test_between_is_the_inverse_of_add() -> None:
    start = date(2026, 12, 1)
    for days in range(0, 40):
        end = add_working_days(start, days)
        assert working_days_between(start, end) == days
    assert working_days_between(date(2026, 12, 28), date(2026, 12, 23)) == -1


def test_a_year_has_the_expected_number_of_working_days() -> None:
    # 2026: 261 weekdays minus 10 closed ones (1, 6 Jan; 3, 6 Apr; 1, 14 May; 19 Jun; 24, 25, 31 Dec).
    first = date(2026, 1, 1)
    days = sum(is_working_day(first + timedelta(days=n)) for n in range(365))
    assert days == 251
