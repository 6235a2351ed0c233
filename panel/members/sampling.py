"""Proportional allocation for stratified samples: pure arithmetic, no I/O.

A sample of n is split over strata in proportion to each stratum's share of the population (largest
remainder rounding, so the parts add up to n). A stratum cannot give more members than it has; what it
lacks goes to the strata with members to spare, again in proportion, so the sample keeps its size whenever
the panel is large enough.
"""

from __future__ import annotations

import math
import random
from collections.abc import Hashable, Mapping, Sequence
from typing import TypeVar

Key = TypeVar("Key", bound=Hashable)
Item = TypeVar("Item")


def largest_remainder(weights: Mapping[Key, float], total: int) -> dict[Key, int]:
    """Split `total` into whole parts proportional to `weights` that add up to `total` exactly."""
    weight_sum = sum(w for w in weights.values() if w > 0)
    if total <= 0 or weight_sum <= 0:
        return {key: 0 for key in weights}
    exact = {key: total * max(w, 0.0) / weight_sum for key, w in weights.items()}
    parts = {key: math.floor(value) for key, value in exact.items()}
    left = total - sum(parts.values())
    # Ties are broken by key order so that a given input always gives the same split.
    by_remainder = sorted(exact, key=lambda key: (-(exact[key] - parts[key]), str(key)))
    for key in by_remainder[:left]:
        parts[key] += 1
    return parts


def allocate(weights: Mapping[Key, float], available: Mapping[Key, int], total: int) -> dict[Key, int]:
    """How many to draw from each stratum: proportional to `weights`, never more than `available`."""
    result = {key: 0 for key in available}
    remaining = min(total, sum(available.values()))
    open_keys = {key for key, count in available.items() if count > 0}
    while remaining > 0 and open_keys:
        live = {key: weights.get(key, 0.0) for key in open_keys}
        if sum(w for w in live.values() if w > 0) <= 0:
            # Strata without population weight share what is left by their own size.
            live = {key: float(available[key] - result[key]) for key in open_keys}
        parts = largest_remainder(live, remaining)
        given = 0
        for key, want in parts.items():
            take = min(want, available[key] - result[key])
            result[key] += take
            given += take
            if result[key] >= available[key]:
                open_keys.discard(key)
        remaining -= given
    return result


def draw(strata: Mapping[Key, Sequence[Item]], counts: Mapping[Key, int], rng: random.Random) -> list[Item]:
    """Draw `counts[key]` items at random from each stratum; strata are visited in a fixed order."""
    chosen: list[Item] = []
    for key in sorted(strata, key=str):
        chosen.extend(rng.sample(list(strata[key]), counts.get(key, 0)))
    return chosen
