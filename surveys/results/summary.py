"""From counted cells to what a page shows: shares with margins, weighted estimates and breakdowns.

Pure: the database has already counted answers per question, cell and value (`queries.Cube`); this module
adds those small tables up in the ways the results page, the report, the exports and the API need, so
all four show the same numbers. "Don't know" is kept out of the shares and reported beside them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from surveys.model import MULTIPLE, NO, SCALE_5, SCALE_10, SINGLE, YES, YES_NO, Question
from surveys.results import statistics
from surveys.results.queries import DONT_KNOW, Cell, Cube
from surveys.results.statistics import Estimate, Mean
from surveys.results.suppression import hidden_total, suppressed
from surveys.results.weighting import Weights, design_effect

DIMENSIONS = ("district", "age_band", "gender")  # the positions of a Cell
GroupOrder = Callable[[str], Any]  # sort key of a group's key within one dimension


def _by_key(key: str) -> tuple[bool, str]:
    return key == "", key  # "unknown" last


def _orders(district_order: GroupOrder | None) -> tuple[GroupOrder, ...]:
    """The sort key per dimension: districts as the caller says (by name), the others by key."""
    return (district_order or _by_key, _by_key, _by_key)


@dataclass(frozen=True)
class OptionResult:
    value: str
    label: str
    count: int
    share: Estimate | None
    weighted: Estimate | None

    @property
    def best(self) -> Estimate | None:
        """The figure to lead with: weighted when there are weights."""
        return self.weighted or self.share


@dataclass(frozen=True)
class GroupRow:
    key: str
    base: int
    hidden: bool
    shares: tuple[float | None, ...]  # per option, in option order; empty when hidden
    signs: tuple[int, ...]  # per option: +1 / -1 when the group differs significantly from the rest
    mean: float | None = None


@dataclass(frozen=True)
class Breakdown:
    dimension: str
    rows: list[GroupRow]
    hidden_groups: int
    hidden_base: int


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    base: int  # respondents with a substantive answer
    dont_know: int
    options: list[OptionResult]
    mean: Mean | None
    weighted_mean: Mean | None
    design_effect: float
    breakdowns: list[Breakdown]

    @property
    def answered(self) -> int:
        return self.base + self.dont_know

    @property
    def dont_know_share(self) -> float | None:
        return statistics.share(self.dont_know, self.answered)


def choices(question: Question, language: str, yes: str = "Ja", no: str = "Nej") -> list[tuple[str, str]]:
    """(stored value, label) of each answer a question can have, in the order they are shown."""
    if question.kind in (SINGLE, MULTIPLE):
        return [(str(n), label) for n, label in enumerate(question.options_in(language), start=1)]
    if question.kind == YES_NO:
        return [(YES, yes), (NO, no)]
    return [(str(n), str(n)) for n in question.scale()]


def is_scale(question: Question) -> bool:
    return question.kind in (SCALE_5, SCALE_10)


def _cell_bases(question: Question, cube: Cube) -> dict[Cell, tuple[int, int]]:
    """(substantive respondents, "don't know") per cell of one question."""
    if question.kind == MULTIPLE:
        return dict(cube.respondents.get(question.id, {}))
    return {
        cell: (sum(n for v, n in values.items() if v != DONT_KNOW), values.get(DONT_KNOW, 0))
        for cell, values in cube.counts.get(question.id, {}).items()
    }


def _mean(
    counts: Mapping[Cell, Mapping[str, int]], weight: Callable[[Cell], float], n: int, deff: float
) -> Mean | None:
    s0 = s1 = s2 = 0.0
    for cell, values in counts.items():
        w = weight(cell)
        for value, count in values.items():
            if value.isdigit():
                x = int(value)
                s0 += w * count
                s1 += w * count * x
                s2 += w * count * x * x
    return statistics.mean(s0, s1, s2, n, deff=deff)


def _breakdown(
    dim: int, options: list[str], counts: Mapping[Cell, Mapping[str, int]], bases: Mapping[Cell, tuple[int, int]],
    min_size: int, scale: bool, order: GroupOrder,
) -> Breakdown:
    group_base: dict[str, int] = defaultdict(int)
    group_counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    group_sums: dict[str, float] = defaultdict(float)
    for cell, (base, _dk) in bases.items():
        group_base[cell[dim]] += base
    for cell, values in counts.items():
        for value, n in values.items():
            group_counts[cell[dim]][value] += n
            if scale and value.isdigit():
                group_sums[cell[dim]] += n * int(value)
    total = sum(group_base.values())
    hidden = suppressed(group_base, min_size)
    rows = []
    for key in sorted(group_base, key=order):
        base = group_base[key]
        if key in hidden or base == 0:
            rows.append(GroupRow(key, base, key in hidden, (), ()))
            continue
        shares, signs = [], []
        for value in options:
            count = group_counts[key].get(value, 0)
            rest_count = sum(group_counts[k].get(value, 0) for k in group_base if k != key)
            shares.append(count / base)
            signs.append(statistics.significant_difference(count, base, rest_count, total - base))
        mean = group_sums[key] / base if scale else None
        rows.append(GroupRow(key, base, False, tuple(shares), tuple(signs), mean))
    return Breakdown(DIMENSIONS[dim], rows, len(hidden), hidden_total(group_base, hidden))


def question_result(
    question: Question, labels: list[tuple[str, str]], cube: Cube, weights: Weights, *, min_size: int,
    district_order: GroupOrder | None = None,
) -> QuestionResult:
    """One question's figures; `district_order` sorts the district groups (default: by code, unknown last)."""
    counts = cube.counts.get(question.id, {})
    bases = _cell_bases(question, cube)
    base = sum(b for b, _ in bases.values())
    dont_know = sum(dk for _, dk in bases.values())
    weighted = weights.method != "none"
    base_by_cell = {cell: b for cell, (b, _) in bases.items()}
    deff = design_effect(base_by_cell, weights.by_cell) if weighted else 1.0
    weighted_base = sum(weights.weight(cell) * b for cell, b in base_by_cell.items())
    options = []
    for value, label in labels:
        count = sum(values.get(value, 0) for values in counts.values())
        weighted_count = sum(weights.weight(cell) * values.get(value, 0) for cell, values in counts.items())
        options.append(OptionResult(
            value, label, count,
            statistics.estimate(count, base, base),
            statistics.estimate(weighted_count, weighted_base, base, deff=deff) if weighted else None,
        ))
    scale = is_scale(question)
    mean = _mean(counts, lambda _cell: 1.0, base, 1.0) if scale else None
    weighted_mean = _mean(counts, weights.weight, base, deff) if scale and weighted else None
    values = [value for value, _ in labels]
    orders = _orders(district_order)
    breakdowns = [_breakdown(dim, values, counts, bases, min_size, scale, orders[dim])
                  for dim in range(len(DIMENSIONS))]
    return QuestionResult(question, base, dont_know, options, mean, weighted_mean, deff, breakdowns)


@dataclass(frozen=True)
class RepresentationRow:
    key: str
    invited: int
    answered: int
    sample_share: float | None  # of all respondents
    population_share: float | None  # of the population table, when there is one
    hidden: bool = False

    @property
    def response_rate(self) -> float | None:
        return statistics.share(self.answered, self.invited)


def representation(
    cells: Mapping[Cell, tuple[int, int]], population: Mapping[Cell, int], *, min_size: int | None = None,
    district_order: GroupOrder | None = None,
) -> dict[str, list[RepresentationRow]]:
    """Who was invited and who answered, per district, age band and gender, beside the population.

    With `min_size` (public pages) groups with too few respondents are hidden like any breakdown.
    """
    orders = _orders(district_order)
    answered_total = sum(done for _, done in cells.values())
    people = sum(population.values())
    result = {}
    for dim, name in enumerate(DIMENSIONS):
        invited: dict[str, int] = defaultdict(int)
        answered: dict[str, int] = defaultdict(int)
        pop: dict[str, int] = defaultdict(int)
        for cell, (inv, done) in cells.items():
            invited[cell[dim]] += inv
            answered[cell[dim]] += done
        for cell, size in population.items():
            pop[cell[dim]] += size
        hidden = suppressed(answered, min_size) if min_size else set()
        keys = sorted(set(invited) | set(pop), key=orders[dim])
        result[name] = [
            RepresentationRow(
                key, invited[key], answered[key], statistics.share(answered[key], answered_total),
                statistics.share(pop[key], people) if people else None, key in hidden,
            )
            for key in keys
        ]
    return result
