"""Everything about one survey's results in one object: what the page, the report, the exports and the API show.

This is where the queries meet the pure modules. It runs a fixed handful of queries over counters the
database keeps up to date, so building it costs about the same for 200 or 100,000 invitations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from panel.collation import swedish_key
from panel.db import Database, Row
from surveys.model import FREE_TEXT, MULTIPLE, Question
from surveys.results import queries, statistics
from surveys.results.queries import CURVE_MINUTES, Funnel
from surveys.results.summary import QuestionResult, RepresentationRow, choices, question_result, representation
from surveys.results.weighting import Cell, Weights, compute_weights


@dataclass(frozen=True)
class TrendPoint:
    survey_id: int
    title: str
    sent_at: str
    base: int
    shares: dict[str, float]  # value -> share of substantive answers
    mean: float | None


@dataclass
class Results:
    survey: Row
    title: str
    questions: list[Question]
    funnel: Funnel
    curve: list[int]  # completions per CURVE_MINUTES bucket (last: later), not cumulative
    median_minutes: float | None
    weights: Weights
    results: list[QuestionResult]
    free_text: list[Question]
    representation: dict[str, list[RepresentationRow]]
    cells: dict[Cell, tuple[int, int]]  # (invited, answered) per cell
    district_names: dict[str, str]
    min_size: int
    published: Row | None
    trends: dict[int, list[TrendPoint]] = field(default_factory=dict)

    @property
    def respondents(self) -> int:
        return self.funnel.completed

    @property
    def max_margin(self) -> float:
        """The margin quoted for the whole survey: at 50 %, with the design effect of the weights."""
        return statistics.max_margin(self.respondents, deff=self.weights.design_effect)

    @property
    def cumulative_curve(self) -> list[tuple[int | None, int]]:
        """(minutes bound or None for "later", completions so far)."""
        running, points = 0, []
        for bound, count in zip((*CURVE_MINUTES, None), self.curve, strict=True):
            running += count
            points.append((bound, running))
        return points


def district_order(names: dict[str, str]) -> Callable[[str], tuple[bool, tuple[tuple[int, ...], str]]]:
    """Sort key of district codes: by name in Swedish order, as the survey forms list them; unknown last."""
    return lambda code: (code == "", swedish_key(names.get(code, code)))


def _title(row: Row, language: str) -> str:
    return str(row["title_en"] if language == "en" and row["title_en"] else row["title"])


async def load(
    db: Database, survey_id: int, *, language: str, min_size: int, yes: str, no: str, public: bool = False,
) -> Results | None:
    survey = await queries.survey(db, survey_id)
    if survey is None:
        return None
    questions = [Question.from_row(row) for row in await queries.questions(db, survey_id)]
    funnel = await queries.funnel(db, survey_id)
    cells = await queries.cells(db, survey_id)
    population = await queries.population(db)
    sample = {cell: done for cell, (_, done) in cells.items() if done}
    weights = compute_weights(sample, population)
    cube = await queries.cube(db, survey_id)
    names = await queries.district_names(db)
    order = district_order(names)
    results = [
        question_result(q, choices(q, language, yes, no), cube, weights, min_size=min_size, district_order=order)
        for q in questions if q.kind != FREE_TEXT
    ]
    return Results(
        survey=survey,
        title=_title(survey, language),
        questions=questions,
        funnel=funnel,
        curve=await queries.response_curve(db, survey_id),
        median_minutes=await queries.median_minutes(db, survey_id, funnel.completed),
        weights=weights,
        results=results,
        free_text=[q for q in questions if q.kind == FREE_TEXT],
        representation=representation(cells, population, min_size=min_size if public else None,
                                      district_order=order),
        cells=cells,
        district_names=names,
        min_size=min_size,
        published=await queries.publication(db, survey_id),
    )


async def add_trends(db: Database, results: Results, *, language: str) -> None:
    """The same questions in earlier surveys; only questions asked more than once get a trend."""
    rows = {row["id"]: row for row in await queries.questions(db, int(results.survey["id"]))}
    for result in results.results:
        if result.question.kind == MULTIPLE:  # its rows are ticks, not respondents: no simple trend
            continue
        earlier = await queries.earlier_questions(db, rows[result.question.id])
        if len(earlier) < 2:
            continue
        counts = await queries.distributions(db, [row["id"] for row in earlier])
        points = []
        for row in earlier:
            values = counts[row["id"]]
            base = sum(n for value, n in values.items() if value != queries.DONT_KNOW)
            if base == 0:
                continue
            numeric = [(int(v), n) for v, n in values.items() if v.isdigit()]
            mean = sum(v * n for v, n in numeric) / base if result.mean is not None and numeric else None
            points.append(TrendPoint(
                row["survey_id"], _title(row, language), row["sent_at"], base,
                {v: n / base for v, n in values.items() if v != queries.DONT_KNOW}, mean,
            ))
        if len(points) >= 2:
            results.trends[result.question.id] = points
