"""Swedish working days: the clock that case deadlines run on.

A working day is Monday to Friday and not a Swedish public holiday. The `holidays` package computes the
movable ones (Easter, Ascension, Midsummer). Midsummer Eve, Christmas Eve and New Year's Eve are not public
holidays by law, but municipal offices are closed on them, so its "de facto" category counts as days off
too: "svar inom 10 arbetsdagar" means what residents and staff expect it to mean.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _holidays_of(year: int) -> frozenset[date]:
    calendar = holidays.country_holidays("SE", years=year, categories=("public", "de_facto"))
    # Older releases of the package list every Sunday as a holiday; weekends are handled apart anyway.
    return frozenset(day for day in calendar if day.weekday() < 5)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays_of(day.year)


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (start itself does not count).

    A case received on a Friday with 2 days to acknowledge is due on Tuesday. Zero days gives the first
    working day on or after `start`, so a deadline never falls on a day the office is closed.
    """
    if days < 0:
        raise ValueError("days must be 0 or more")
    current = start
    if days == 0:
        while not is_working_day(current):
            current += timedelta(days=1)
        return current
    remaining = days
    while remaining:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end`; negative when `end` is before `start`.

    The inverse of `add_working_days`: working_days_between(d, add_working_days(d, n)) == n.
    """
    if end < start:
        return -working_days_between(end, start)
    count = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        if is_working_day(current):
            count += 1
    return count
