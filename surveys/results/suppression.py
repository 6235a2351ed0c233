"""Small-cell suppression: which groups of a breakdown are too small to show.

A breakdown by district, age band or gender shows each group's answers next to the overall result. A group
of three people in one district is nearly a name, so groups with fewer than `min_size` respondents are
hidden (primary suppression). Hiding one group is not enough when the total is shown: the total minus the
visible groups gives the hidden group back. So while the hidden groups together are fewer than two, or
add up to fewer than `min_size`, the smallest visible group is hidden too (secondary suppression).
Empty groups reveal nothing and are left as they are.
"""

from __future__ import annotations

from collections.abc import Mapping


def suppressed(counts: Mapping[str, int], min_size: int, *, total_shown: bool = True) -> set[str]:
    """The keys of `counts` (group → respondents) whose numbers must not be shown."""
    hidden = {key for key, n in counts.items() if 0 < n < min_size}
    if not total_shown or not hidden:
        return hidden
    # Visible groups smallest first; ties broken by key so the same data always hides the same groups.
    visible = sorted((n, key) for key, n in counts.items() if key not in hidden and n > 0)
    while visible and (len(hidden) < 2 or sum(counts[key] for key in hidden) < min_size):
        _, key = visible.pop(0)
        hidden.add(key)
    return hidden


def hidden_total(counts: Mapping[str, int], hidden: set[str]) -> int:
    """What the hidden groups add up to, shown as one "other groups" row (safe by construction)."""
    return sum(n for key, n in counts.items() if key in hidden)
