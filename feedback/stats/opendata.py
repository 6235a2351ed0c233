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
        "by_district": {stats.district_names.get(code, code) if code else "ej angiven": n
                        for code, n in stats.by_district.items()},
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


_COUNTS = {"type": "object", "additionalProperties": {"type": "integer"}}
_NUMBER_OR_NULL = {"type": ["number", "null"]}
# The shape of `document` as an OpenAPI 3.1 component; the API tests validate responses against it.
SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["municipality", "license", "period", "start", "end", "cases", "by_kind", "by_channel",
                 "by_category", "by_month", "open_backlog"],
    "properties": {
        "municipality": {"type": "string"}, "license": {"type": "string"},
        "period": {"type": "string", "pattern": r"^\d{4}-(\d{2}|Q[1-4])$"},
        "start": {"type": "string", "format": "date"}, "end": {"type": "string", "format": "date"},
        "url": {"type": "string"},
        "cases": {"type": "integer"}, "previous_period_cases": {"type": "integer"},
        "by_kind": _COUNTS, "by_channel": _COUNTS, "by_district": _COUNTS, "by_category": _COUNTS,
        "by_month": {**_COUNTS, "description": "The 12 months ending with the period (UTC months)."},
        "median_hours_to_first_response": _NUMBER_OR_NULL, "median_hours_to_answer": _NUMBER_OR_NULL,
        "answered_within_deadline": _NUMBER_OR_NULL, "resolved_at_first_contact": _NUMBER_OR_NULL,
        "open_backlog": {"type": "integer"}, "overdue_backlog": {"type": "integer"},
        "rising_categories": {
            "type": "array",
            "items": {
                "type": "object", "required": ["category", "cases", "previous"],
                "properties": {"category": {"type": "string"}, "cases": {"type": "integer"},
                               "previous": {"type": "integer"}},
            },
        },
    },
}
