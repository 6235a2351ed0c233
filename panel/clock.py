"""Time: stored in UTC as ISO-8601 text with milliseconds and 'Z', shown in Europe/Stockholm."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def utcnow() -> datetime:
    return datetime.now(UTC)


def to_db(moment: datetime) -> str:
    """The one text form of a time in the database; it sorts as time does and SQLite's date functions read it."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def from_db(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def now_db() -> str:
    return to_db(utcnow())


def local(moment: datetime | str | None) -> datetime | None:
    if moment is None or moment == "":
        return None
    if isinstance(moment, str):
        moment = from_db(moment)
    return moment.astimezone(STOCKHOLM)
