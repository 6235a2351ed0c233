"""Proportions, means and their 95 % margins of error: the numbers a politician reads as "45 % ± 7".

Margins use the normal approximation that media polls use ("felmarginal"), widened by the design effect
of the weights. With few answers that approximation is poor, so results below `SMALL_BASE` are flagged
rather than hidden: the reader still sees the numbers, and a clear warning next to them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

Z95 = 1.959963984540054  # the two-sided 95 % quantile of the normal distribution
SMALL_BASE = 30  # below this many answers a margin of error is only a rough guide


@dataclass(frozen=True)
class Estimate:
    """A share (0..1) with the half-width of its 95 % confidence interval."""

    share: float
    margin: float
    base: int  # the unweighted number of answers it rests on

    @property
    def low(self) -> float:
        return max(0.0, self.share - self.margin)

    @property
    def high(self) -> float:
        return min(1.0, self.share + self.margin)

    @property
    def uncertain(self) -> bool:
        return self.base < SMALL_BASE


@dataclass(frozen=True)
class Mean:
    value: float
    margin: float
    base: int


def share(count: float, total: float) -> float | None:
    """`count / total`, or None when there is nothing to divide by (shown as a dash, not as 0 %)."""
    if total <= 0:
        return None
    return count / total


def margin_of_error(p: float, n: int, *, deff: float = 1.0, z: float = Z95) -> float:
    """Half-width of the 95 % interval of a proportion `p` from `n` answers: z·√(deff·p(1−p)/n)."""
    if n <= 0:
        return 0.0
    return z * math.sqrt(max(deff, 1.0) * p * (1.0 - p) / n)


def max_margin(n: int, *, deff: float = 1.0) -> float:
    """The largest margin any share can have with `n` answers (at p = 50 %), the figure quoted for a poll."""
    return margin_of_error(0.5, n, deff=deff)


def estimate(count: float, total: float, n: int, *, deff: float = 1.0) -> Estimate | None:
    """A share with its margin. `count`/`total` may be weighted sums; `n` is the unweighted base."""
    p = share(count, total)
    if p is None:
        return None
    return Estimate(p, margin_of_error(p, n, deff=deff), n)


def effective_n(n: int, deff: float) -> float:
    """How many unweighted answers the weighted sample is worth: n / deff (Kish)."""
    return n / deff if deff > 0 else float(n)


def mean(weight_sum: float, value_sum: float, square_sum: float, n: int, *, deff: float = 1.0) -> Mean | None:
    """Mean of a scale from (weighted) sums Σw, Σw·x and Σw·x², with a 95 % margin.

    Sums rather than values, so the database does the adding up and no answer rows are loaded.
    """
    if weight_sum <= 0 or n <= 0:
        return None
    value = value_sum / weight_sum
    if n < 2:
        return Mean(value, 0.0, n)
    variance = max(0.0, square_sum / weight_sum - value * value) * n / (n - 1)  # unbiased when unweighted
    return Mean(value, Z95 * math.sqrt(max(deff, 1.0) * variance / n), n)


def wilson_interval(count: float, n: int, *, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval: honest for small groups and for 0 % or 100 %, where the usual
    margin would claim a certainty of ± 0."""
    if n <= 0:
        return 0.0, 1.0
    p = count / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def significant_difference(count_a: float, n_a: int, count_b: float, n_b: int, *, z: float = Z95) -> int:
    """+1 or -1 when share a is significantly above or below share b (two-proportion z-test, pooled), else 0.

    The pooled standard error stays honest when a small group answered 0 % or 100 %, where each group's
    own margin would be zero and every difference would look certain.
    """
    if n_a <= 0 or n_b <= 0:
        return 0
    pooled = (count_a + count_b) / (n_a + n_b)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    if spread == 0:
        return 0
    difference = count_a / n_a - count_b / n_b
    if abs(difference) / spread <= z:
        return 0
    return 1 if difference > 0 else -1
