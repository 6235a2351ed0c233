"""Geometry for the registry's SVG charts, computed here so the templates only draw. Pure.

Charts are plain SVG without scripts or inline styles (the CSP forbids both); each sits next to a table
with the same numbers, which is what screen readers and printouts use.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from panel.members.population import Month, Share

LABEL_WIDTH = 160
BAR_AREA = 420
ROW = 34


@dataclass(frozen=True)
class PairedBar:
    label: str
    y: int
    panel_width: float
    population_width: float
    panel_share: float
    population_share: float
    verdict: str


@dataclass(frozen=True)
class Column:
    label: str
    x: float
    width: float
    height: float
    y: float
    value: int


def share_bars(shares: Sequence[Share]) -> dict[str, object]:
    """Two bars per group: the share in the panel and in the population, on one scale."""
    top = max([s.panel_share for s in shares] + [s.population_share for s in shares] + [0.01])
    bars = [
        PairedBar(s.label, 10 + i * ROW, BAR_AREA * s.panel_share / top, BAR_AREA * s.population_share / top,
                  s.panel_share, s.population_share, s.verdict)
        for i, s in enumerate(shares)
    ]
    return {"bars": bars, "width": LABEL_WIDTH + BAR_AREA + 70, "height": 20 + len(bars) * ROW,
            "label_width": LABEL_WIDTH}


def growth_bars(months: Sequence[Month], height: int = 160) -> dict[str, object]:
    """One column per month: the panel's size at the month's end."""
    top = max([m.total for m in months] + [1])
    step = min(40.0, 600 / max(len(months), 1))
    columns = []
    for i, month in enumerate(months):
        bar = height * max(month.total, 0) / top
        columns.append(Column(month.month, 40 + i * step, step * 0.7, bar, 10 + height - bar, month.total))
    return {"columns": columns, "width": 60 + step * len(months), "height": height + 40, "base": 10 + height}
