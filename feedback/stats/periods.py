"""Reporting periods: a month ("2026-10") or a quarter ("2026-Q4"), as committees report them.

Pure. A period is a half-open range of dates [start, end); the statistics compare it with the period of
the same length just before it, which is how "rising categories" are found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


@dataclass(frozen=True)
class Period:
    code: str  # "2026-10" or "2026-Q4"
    start: date
    end: date  # exclusive

    @property
    def is_quarter(self) -> bool:
        return "Q" in self.code

    @property
    def start_db(self) -> str:
        """The start as the database's UTC text, for `created_at >= ?` (months are cut at UTC midnight)."""
        return _db(self.start)

    @property
    def end_db(self) -> str:
        return _db(self.end)

    def previous(self) -> Period:
        if self.is_quarter:
            year, quarter = self.start.year, (self.start.month - 1) // 3 + 1
            year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
            return quarter_period(year, quarter)
        year, month = (self.start.year - 1, 12) if self.start.month == 1 else (self.start.year, self.start.month - 1)
        return month_period(year, month)

    def months(self) -> list[str]:
        """The months ("2026-10") inside the period, for a per-month chart."""
        result, year, month = [], self.start.year, self.start.month
        while date(year, month, 1) < self.end:
            result.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return result


def _db(day: date) -> str:
    return datetime(day.year, day.month, day.day, tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def month_period(year: int, month: int) -> Period:
    end = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return Period(f"{year:04d}-{month:02d}", date(year, month, 1), end)


def quarter_period(year: int, quarter: int) -> Period:
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return Period(f"{year:04d}-Q{quarter}", start, end)


def parse(code: str) -> Period | None:
    """A period from its code, or None when the code is not a month or a quarter."""
    code = code.strip().upper()
    if match := _MONTH.match(code):
        return month_period(int(match.group(1)), int(match.group(2)))
    if match := _QUARTER.match(code):
        return quarter_period(int(match.group(1)), int(match.group(2)))
    return None


def current_month(today: date) -> Period:
    return month_period(today.year, today.month)


def recent(today: date, *, months: int = 12) -> list[Period]:
    """The latest months and quarters, newest first, for the period picker."""
    result = []
    period = current_month(today)
    for _ in range(months):
        result.append(period)
        period = period.previous()
    quarter = quarter_period(today.year, (today.month - 1) // 3 + 1)
    for _ in range(4):
        result.append(quarter)
        quarter = quarter.previous()
    return result
