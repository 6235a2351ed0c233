"""A period's feedback statistics as open data: counts and shares only, no case text, no secret cases."""

from __future__ import annotations

from typing import Any

from feedback.stats.report import Statistics

LICENSE = "CC0-1.0"


def _r(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def document(stats: Statistics, *, base_url: str, municipality: str) -> dict[str, Any]:
    return {
        "municipality": municipality,
        "license": LICENSE,
        "period": stats.period.code,
        "start": stats.period.start.isoformat(),
        "end": stats.period.end.isoformat(),
        "url": f"{base_url}/statistics/{stats.period.code}",
        "cases": stats.cases,
        "previous_period_cases": stats.previous_cases,
        "by_kind": stats.by_kind,
        "by_channel": stats.by_channel,
        "by_category": stats.by_category,
        "by_month": stats.by_month,
        "median_hours_to_first_response": _r(stats.median_first_response_hours, 1),
        "median_hours_to_answer": _r(stats.median_answer_hours, 1),
        "answered_within_deadline": _r(stats.on_time_share),
        "resolved_at_first_contact": _r(stats.first_contact_share),
        "open_backlog": int(stats.backlog["open"]),
        "overdue_backlog": int(stats.backlog["overdue"]),
        "rising_categories": [{"category": r.code, "cases": r.now, "previous": r.before} for r in stats.rising],
    }
