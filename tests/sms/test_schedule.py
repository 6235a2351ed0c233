"""Quiet hours in Stockholm time, the rate cap on a hand-driven clock, and the queue's finishing time."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, time, timedelta

import pytest

from sms.schedule import Pacer, QuietHours, estimate_done
from tests.sms.conftest import FakeClock

NIGHT = QuietHours.parse("20:00-08:00")
# 2026-11-25 is a winter day: Stockholm is UTC+1.
WINTER = datetime(2026, 11, 25, tzinfo=UTC)


def utc(hour: int, minute: int = 0, day: datetime = WINTER) -> datetime:
    return day.replace(hour=hour, minute=minute)


def test_parse() -> None:
    assert QuietHours(time(20), time(8)) == NIGHT
    assert QuietHours.parse("") is None
    assert str(NIGHT) == "20:00–08:00"


@pytest.mark.parametrize(
    ("moment", "quiet"),
    [(utc(6, 59), True), (utc(7, 0), False), (utc(12), False), (utc(18, 59), False), (utc(19, 0), True),
     (utc(23), True), (utc(2), True)],
)
def test_contains_in_local_time(moment: datetime, quiet: bool) -> None:
    assert NIGHT is not None and NIGHT.contains(moment) is quiet


def test_a_daytime_quiet_period_that_does_not_wrap_midnight() -> None:
    lunch = QuietHours(time(12), time(13))
    assert lunch.contains(utc(11, 30)) and not lunch.contains(utc(12, 0))


def test_allowed_from_is_the_end_of_the_quiet_period() -> None:
    assert NIGHT is not None
    assert NIGHT.allowed_from(utc(21)) == utc(7, day=WINTER + timedelta(days=1))  # 08:00 next morning
    assert NIGHT.allowed_from(utc(3)) == utc(7)  # 08:00 the same morning
    assert NIGHT.allowed_from(utc(12)) == utc(12)


def test_summer_time_shifts_the_utc_hour() -> None:
    summer = datetime(2026, 6, 10, tzinfo=UTC)  # UTC+2
    assert NIGHT is not None
    assert NIGHT.allowed_from(utc(3, day=summer)) == utc(6, day=summer)
    assert NIGHT.contains(utc(18, 30, day=summer))


async def test_pacer_spaces_sends_by_the_rate() -> None:
    clock = FakeClock(utc(12))
    pacer = Pacer(4.0, clock)
    starts = []
    for _ in range(5):
        await pacer.wait()
        starts.append(clock.now())
    gaps = {(b - a).total_seconds() for a, b in itertools.pairwise(starts)}
    assert gaps == {0.25}


async def test_pacer_does_not_bank_idle_time_into_a_burst() -> None:
    clock = FakeClock(utc(12))
    pacer = Pacer(2.0, clock)
    await pacer.wait()
    clock.advance(seconds=10)  # idle for a while
    await pacer.wait()
    first = clock.now()
    await pacer.wait()
    assert (clock.now() - first).total_seconds() == 0.5


def test_estimate_without_quiet_hours() -> None:
    assert estimate_done(600, 10.0, utc(12), None) == utc(12, 1)


def test_estimate_waits_for_the_quiet_period_to_end() -> None:
    assert estimate_done(600, 10.0, utc(21), NIGHT) == utc(7, 1, day=WINTER + timedelta(days=1))


def test_estimate_spans_nights() -> None:
    # Sending runs 08-20 local. 18 hours of queue from 14:00 local: 6 hours today, 12 tomorrow, done 20:00.
    done = estimate_done(18 * 3600, 1.0, utc(13), NIGHT)
    assert done == utc(19, day=WINTER + timedelta(days=1))
