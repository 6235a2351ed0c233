"""Weights that make the respondents look like the population: post-stratification, else raking.

Everything here works on *cells* — one combination of district, age band and gender — with a count of
respondents per cell, never on individual answers: every respondent in a cell gets the cell's weight, so
the database can hand over a few hundred cell counts instead of 100,000 rows.

* Post-stratification gives each cell the weight (population share) / (sample share). It is exact but
  needs every populated cell to hold enough respondents; with a panel of 200 people and 120 cells it
  rarely does.
* Raking (iterative proportional fitting) then matches the district, age and gender totals one at a time
  until all three hold. It needs only the margins to be covered.
* Weights are capped (default between 0.2 and 5 times the average) so that one respondent cannot speak
  for a whole district, and the design effect (Kish) tells how much precision the weighting cost.

Weights are scaled so that their average over the respondents is 1: a weighted count then reads on the
same scale as an unweighted one. Respondents whose cell is outside the population table (gender not
stated, say) keep the weight 1 and are counted in `Weights.unmatched`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

Cell = tuple[str, ...]  # (district_code, age_band, gender)

MIN_CELL_RESPONDENTS = 5  # below this in any populated cell, post-stratification gives way to raking
CAP_LOW = 0.2
CAP_HIGH = 5.0
RAKING_TOLERANCE = 1e-6
RAKING_MAX_ROUNDS = 200


@dataclass(frozen=True)
class Weights:
    method: str  # "post_stratification", "raking" or "none"
    by_cell: dict[Cell, float]
    design_effect: float
    respondents: int
    unmatched: int = 0  # respondents outside the population table, left at weight 1
    capped: int = 0  # respondents whose weight hit a cap
    converged: bool = True
    dropped_categories: list[str] = field(default_factory=list)  # targets no respondent could represent

    def weight(self, cell: Cell) -> float:
        return self.by_cell.get(cell, 1.0)

    @property
    def effective_n(self) -> float:
        return self.respondents / self.design_effect if self.design_effect > 0 else float(self.respondents)


def design_effect(counts: Mapping[Cell, float], weights: Mapping[Cell, float]) -> float:
    """Kish's design effect n·Σw² / (Σw)² over respondents; 1.0 means weighting cost no precision."""
    n = sum(counts.values())
    total = sum(c * weights.get(cell, 1.0) for cell, c in counts.items())
    squares = sum(c * weights.get(cell, 1.0) ** 2 for cell, c in counts.items())
    if n <= 0 or total <= 0:
        return 1.0
    return n * squares / (total * total)


def post_stratify(sample: Mapping[Cell, int], population: Mapping[Cell, float]) -> dict[Cell, float]:
    """w_c = (N_c / N) / (n_c / n) for each sampled cell that the population table knows."""
    matched = {cell: n for cell, n in sample.items() if n > 0 and population.get(cell, 0) > 0}
    n = sum(matched.values())
    big_n = sum(population[cell] for cell in matched)
    return {cell: (population[cell] / big_n) / (count / n) for cell, count in matched.items()}


def rake(
    sample: Mapping[Cell, int],
    margins: Sequence[Mapping[str, float]],
    *,
    tolerance: float = RAKING_TOLERANCE,
    max_rounds: int = RAKING_MAX_ROUNDS,
) -> tuple[dict[Cell, float], bool]:
    """Fit weights so that for every dimension i, the weighted count of category k equals its target share.

    `margins[i]` maps the categories of dimension i (position i of a cell) to population shares summing to
    1; every sampled category must appear in it and every category in it must be sampled (see
    `_usable_margins`). Returns the weights and whether the fit converged within `max_rounds`.
    """
    n = sum(sample.values())
    weights = {cell: 1.0 for cell in sample}
    for _ in range(max_rounds):
        worst = 0.0
        for dim, targets in enumerate(margins):
            totals: dict[str, float] = defaultdict(float)
            for cell, count in sample.items():
                totals[cell[dim]] += count * weights[cell]
            for cell in weights:
                target = targets[cell[dim]] * n
                worst = max(worst, abs(totals[cell[dim]] - target) / target)
                weights[cell] *= target / totals[cell[dim]]
        if worst < tolerance:
            return weights, True
    return weights, False


def cap(
    sample: Mapping[Cell, int], weights: Mapping[Cell, float], *, low: float = CAP_LOW, high: float = CAP_HIGH
) -> dict[Cell, float]:
    """Clamp weights to [low, high] and rescale the others so the total weight stays the same.

    Rescaling can push another cell over a bound, so cells are fixed at their bound one round at a time;
    at most one round per cell, since each round fixes at least one more.
    """
    total = sum(sample[cell] * w for cell, w in weights.items())
    fixed: dict[Cell, float] = {}
    result = dict(weights)
    for _ in range(len(weights) + 1):
        free = [cell for cell in weights if cell not in fixed]
        free_total = sum(sample[cell] * weights[cell] for cell in free)
        room = total - sum(sample[cell] * w for cell, w in fixed.items())
        scale = room / free_total if free_total > 0 else 1.0
        result = {**fixed, **{cell: weights[cell] * scale for cell in free}}
        over = {cell: high for cell in free if result[cell] > high}
        under = {cell: low for cell in free if result[cell] < low}
        if not over and not under:
            break
        fixed.update(over)
        fixed.update(under)
    return result


def _usable_margins(
    sample: Mapping[Cell, int], population: Mapping[Cell, float], dims: int
) -> tuple[list[dict[str, float]], list[str]]:
    """Population shares per dimension, restricted to categories that have respondents (renormalised)."""
    margins: list[dict[str, float]] = []
    dropped: list[str] = []
    for dim in range(dims):
        totals: dict[str, float] = defaultdict(float)
        for cell, size in population.items():
            totals[cell[dim]] += size
        sampled = {cell[dim] for cell, n in sample.items() if n > 0}
        dropped += sorted(k for k, size in totals.items() if size > 0 and k not in sampled)
        kept = {k: size for k, size in totals.items() if k in sampled and size > 0}
        whole = sum(kept.values())
        margins.append({k: size / whole for k, size in kept.items()} if whole else {})
    return margins, dropped


def compute_weights(
    sample: Mapping[Cell, int],
    population: Mapping[Cell, float],
    *,
    min_cell: int = MIN_CELL_RESPONDENTS,
    low: float = CAP_LOW,
    high: float = CAP_HIGH,
) -> Weights:
    """Choose the method, fit, cap and report: what the results page shows under "Viktning"."""
    respondents = sum(sample.values())
    if respondents == 0 or not population:
        return Weights("none", {}, 1.0, respondents, unmatched=respondents)
    dims = len(next(iter(population)))
    margins, dropped = _usable_margins(sample, population, dims)
    matched = {
        cell: n for cell, n in sample.items() if n > 0 and all(cell[d] in margins[d] for d in range(dims))
    }
    unmatched = respondents - sum(matched.values())
    if not matched:
        return Weights("none", {}, 1.0, respondents, unmatched=unmatched)
    populated = [cell for cell, size in population.items() if size > 0]
    complete = all(matched.get(cell, 0) >= min_cell for cell in populated)
    if complete and all(population.get(cell, 0) > 0 for cell in matched):
        method, raw, converged = "post_stratification", post_stratify(matched, population), True
    else:
        method = "raking"
        raw, converged = rake(matched, margins)
    capped = cap(matched, raw, low=low, high=high)
    hit = sum(n for cell, n in matched.items() if capped[cell] in (low, high) and raw[cell] != capped[cell])
    return Weights(
        method,
        capped,
        design_effect(sample, capped),
        respondents,
        unmatched=unmatched,
        capped=hit,
        converged=converged,
        dropped_categories=dropped,
    )
