"""When the dispatcher may send: quiet hours in Europe/Stockholm, the rate cap, and when a queue will be empty.

Pure apart from the `Clock` it is handed, so tests drive time by hand instead of waiting for it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol

from panel.clock import STOCKHOLM, utcnow


class Clock(Protocol):
    def now(self) -> datetime: ...

    async def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def now(self) -> datetime:
        return utcnow()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


def _parse_time(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def _at(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=STOCKHOLM).astimezone(UTC)


@dataclass(frozen=True)
class QuietHours:
    """A daily period (local time, may wrap midnight) when only urgent messages go out."""

    start: time
    end: time

    @classmethod
    def parse(cls, text: str) -> QuietHours | None:
        """'20:00-08:00' as settings validated it; '' means quiet hours are off."""
        if not text:
            return None
        start, end = text.split("-")
        return cls(_parse_time(start), _parse_time(end))

    def __str__(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"

    def contains(self, moment: datetime) -> bool:
        now = moment.astimezone(STOCKHOLM).time()
        if self.start <= self.end:
            return self.start <= now < self.end
        return now >= self.start or now < self.end

    def _next(self, boundary: time, moment: datetime) -> datetime:
        """The first time `boundary` (local) comes round strictly after `moment`, in UTC."""
        day = moment.astimezone(STOCKHOLM).date()
        for offset in range(3):  # today, tomorrow, or the day after when a DST change shifted the hour
            candidate = _at(day + timedelta(days=offset), boundary)
            if candidate > moment:
                return candidate
        raise AssertionError("unreachable: a boundary comes round every day")

    def allowed_from(self, moment: datetime) -> datetime:
        """`moment` itself when sending is allowed, else the end of the quiet period it falls in."""
        return self._next(self.end, moment) if self.contains(moment) else moment

    def next_start(self, moment: datetime) -> datetime:
        return self._next(self.start, moment)


class Pacer:
    """Spaces sends 1/rate seconds apart on the given clock (a rate cap without bursts)."""

    def __init__(self, rate_per_second: float, clock: Clock) -> None:
        self.interval = 1.0 / rate_per_second
        self._clock = clock
        self._next: datetime | None = None

    async def wait(self) -> None:
        now = self._clock.now()
        slot = now if self._next is None or self._next <= now else self._next
        if slot > now:
            await self._clock.sleep((slot - now).total_seconds())
        self._next = slot + timedelta(seconds=self.interval)


def estimate_done(queued: int, rate_per_second: float, now: datetime, quiet: QuietHours | None) -> datetime:
    """When `queued` non-urgent messages will all have gone, at the rate cap and skipping quiet hours."""
    remaining = timedelta(seconds=queued / rate_per_second)
    if quiet is None:
        return now + remaining
    moment = quiet.allowed_from(now)
    for _ in range(1000):  # a window per day: far beyond any real queue
        window = quiet.next_start(moment) - moment
        if remaining <= window:
            return moment + remaining
        remaining -= window
        moment = quiet.allowed_from(moment + window)
    return moment + remaining
