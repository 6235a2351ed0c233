"""A survey's published results as open data: aggregates only, suppressed groups marked, no free text.

One document shape serves the open-data feed at /results/{id}.json and the JSON API, so both say the
same thing; its schema is part of the API's OpenAPI document (panel/api.py).
"""

from __future__ import annotations

from typing import Any

from surveys.results.assemble import Results
from surveys.results.statistics import Estimate, Mean
from surveys.results.summary import QuestionResult

LICENSE = "CC0-1.0"


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def _estimate(estimate: Estimate | None) -> dict[str, Any] | None:
    if estimate is None:
        return None
    return {"share": _round(estimate.share), "margin": _round(estimate.margin), "base": estimate.base}


def _mean(mean: Mean | None) -> dict[str, Any] | None:
    if mean is None:
        return None
    return {"value": _round(mean.value, 3), "margin": _round(mean.margin, 3), "base": mean.base}


def _question(result: QuestionResult, districts: dict[str, str]) -> dict[str, Any]:
    q = result.question
    values = [option.value for option in result.options]
    breakdowns: dict[str, list[dict[str, Any]]] = {}
    for breakdown in result.breakdowns:
        groups = []
        for row in breakdown.rows:
            label = districts.get(row.key, row.key) if breakdown.dimension == "district" else row.key
            if row.hidden:
                groups.append({"group": row.key, "label": label, "suppressed": True})
            else:
                groups.append({
                    "group": row.key, "label": label, "suppressed": False, "base": row.base,
                    "shares": {v: _round(s) for v, s in zip(values, row.shares, strict=True)},
                    "mean": _round(row.mean, 3),
                })
        breakdowns[breakdown.dimension] = groups
    english = q.options_in("en")
    return {
        "id": q.id,
        "position": q.position,
        "kind": q.kind,
        "text": q.text,
        "text_en": q.text_en or None,
        "base": result.base,
        "dont_know": result.dont_know,
        "design_effect": _round(result.design_effect, 3),
        "options": [
            {
                "value": option.value,
                "label": option.label,
                "label_en": english[index] if q.kind in ("single_choice", "multiple_choice") else None,
                "count": option.count,
                "unweighted": _estimate(option.share),
                "weighted": _estimate(option.weighted),
            }
            for index, option in enumerate(result.options)
        ],
        "mean": _mean(result.mean),
        "weighted_mean": _mean(result.weighted_mean),
        "breakdowns": breakdowns,
    }


def document(results: Results, *, base_url: str, municipality: str) -> dict[str, Any]:
    survey = results.survey
    funnel = results.funnel
    weights = results.weights
    return {
        "municipality": municipality,
        "license": LICENSE,
        "survey": {
            "id": survey["id"],
            "title": survey["title"],
            "title_en": survey["title_en"] or None,
            "state": survey["state"],
            "sent_at": survey["sent_at"],
            "closed_at": survey["closed_at"],
            "published_at": results.published["published_at"] if results.published else None,
            "summary": results.published["summary"] if results.published else "",
            "url": f"{base_url}/results/{survey['id']}",
        },
        # A self-recruited panel is not a random sample of residents: its results are indicative.
        "indicative": True,
        "min_cell_size": results.min_size,
        "response": {
            "invited": funnel.invited,
            "delivered": funnel.delivered,
            "completed": funnel.completed,
            "response_rate": _round(funnel.response_rate),
            "median_minutes_to_answer": _round(results.median_minutes, 1),
        },
        "weighting": {
            "method": weights.method,
            "design_effect": _round(weights.design_effect, 3),
            "effective_n": _round(weights.effective_n, 1),
            "capped": weights.capped,
            "unmatched": weights.unmatched,
        },
        "questions": [_question(result, results.district_names) for result in results.results],
    }


# -- schema ------------------------------------------------------------------------------------------
# The shape of `document`, as an OpenAPI 3.1 (JSON Schema 2020-12) component; the API tests validate
# real responses against it, so the two cannot drift apart.

_NUMBER_OR_NULL = {"type": ["number", "null"]}
_ESTIMATE = {
    "type": ["object", "null"],
    "required": ["share", "margin", "base"],
    "properties": {"share": {"type": "number"}, "margin": {"type": "number"}, "base": {"type": "integer"}},
}
_MEAN = {
    "type": ["object", "null"],
    "required": ["value", "margin", "base"],
    "properties": {"value": {"type": "number"}, "margin": {"type": "number"}, "base": {"type": "integer"}},
}
_GROUP = {
    "type": "object",
    "required": ["group", "label", "suppressed"],
    "properties": {
        "group": {"type": "string"}, "label": {"type": "string"},
        "suppressed": {"type": "boolean", "description": "True: fewer than min_cell_size answers, or "
                       "hidden so that a small group cannot be worked out by subtraction."},
        "base": {"type": "integer"},
        "shares": {"type": "object", "additionalProperties": _NUMBER_OR_NULL},
        "mean": _NUMBER_OR_NULL,
    },
}
SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["municipality", "license", "survey", "indicative", "min_cell_size", "response", "weighting",
                 "questions"],
    "properties": {
        "municipality": {"type": "string"},
        "license": {"type": "string"},
        "indicative": {"type": "boolean", "description": "A self-recruited panel: results are indicative."},
        "min_cell_size": {"type": "integer"},
        "survey": {
            "type": "object",
            "required": ["id", "title", "state", "url"],
            "properties": {
                "id": {"type": "integer"}, "title": {"type": "string"}, "title_en": {"type": ["string", "null"]},
                "state": {"type": "string", "enum": ["draft", "open", "closed"]},
                "sent_at": {"type": ["string", "null"]}, "closed_at": {"type": ["string", "null"]},
                "published_at": {"type": ["string", "null"]}, "summary": {"type": "string"},
                "url": {"type": "string"},
            },
        },
        "response": {
            "type": "object",
            "required": ["invited", "delivered", "completed", "response_rate"],
            "properties": {
                "invited": {"type": "integer"}, "delivered": {"type": "integer"}, "completed": {"type": "integer"},
                "response_rate": _NUMBER_OR_NULL, "median_minutes_to_answer": _NUMBER_OR_NULL,
            },
        },
        "weighting": {
            "type": "object",
            "required": ["method", "design_effect", "effective_n"],
            "properties": {
                "method": {"type": "string", "enum": ["post_stratification", "raking", "none"]},
                "design_effect": {"type": "number"}, "effective_n": {"type": "number"},
                "capped": {"type": "integer"}, "unmatched": {"type": "integer"},
            },
        },
        "questions": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "position", "kind", "text", "base", "dont_know", "options", "breakdowns"],
                "properties": {
                    "id": {"type": "integer"}, "position": {"type": "integer"}, "kind": {"type": "string"},
                    "text": {"type": "string"}, "text_en": {"type": ["string", "null"]},
                    "base": {"type": "integer"}, "dont_know": {"type": "integer"},
                    "design_effect": {"type": "number"},
                    "options": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["value", "label", "count", "unweighted", "weighted"],
                            "properties": {
                                "value": {"type": "string"}, "label": {"type": "string"},
                                "label_en": {"type": ["string", "null"]}, "count": {"type": "integer"},
                                "unweighted": _ESTIMATE, "weighted": _ESTIMATE,
                            },
                        },
                    },
                    "mean": _MEAN, "weighted_mean": _MEAN,
                    "breakdowns": {"type": "object", "additionalProperties": {"type": "array", "items": _GROUP}},
                },
            },
        },
    },
}
