"""Reporting periods: parsing, boundaries and the period before."""

from datetime import date

from feedback.stats.periods import parse, recent


def test_a_month() -> None:
    period = parse("2026-10")
    assert period is not None
    assert (period.start, period.end) == (date(2026, 10, 1), date(2026, 11, 1))
    assert period.start_db == "2026-10-01T00:00:00.000Z"
    assert period.previous().code == "2026-09"
    assert period.months() == ["2026-10"]


def test_december_ends_at_new_year_and_january_follows_december() -> None:
    december = parse("2026-12")
    assert december is not None and december.end == date(2027, 1, 1)
    january = parse("2027-01")
    assert january is not None and january.previous().code == "2026-12"


def test_a_quarter() -> None:
    period = parse("2026-q4")
    assert period is not None
    assert (period.code, period.start, period.end) == ("2026-Q4", date(2026, 10, 1), date(2027, 1, 1))
    assert period.months() == ["2026-10", "2026-11", "2026-12"]
    assert period.previous().code == "2026-Q3"
    first = parse("2026-Q1")
    assert first is not None and first.previous().code == "2025-Q4"


def test_nonsense_is_none() -> None:
    for code in ("", "2026", "2026-13", "2026-Q5", "26-10", "2026-10; DROP TABLE cases"):
        assert parse(code) is None, code


def test_recent_periods_newest_first() -> None:
    periods = recent(date(2026, 11, 25), months=3)
    assert [p.code for p in periods] == ["2026-11", "2026-10", "2026-09", "2026-Q4", "2026-Q3", "2026-Q2", "2026-Q1"]
