"""Charts carry the right numbers: in the picture, in its data table, and at the right sizes."""

from __future__ import annotations

import re

import pytest

from panel import charts
from panel.charts import Item


def widths(svg: str) -> list[float]:
    return [float(w) for w in re.findall(r'<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)"', svg)]


def test_bars_are_proportional_and_labelled() -> None:
    chart = charts.bars("q1", "Cyklar du?", [Item("Ja", 0.6, "60 % ± 5"), Item("Nej", 0.3, "30 % ± 4")],
                        headers=("Svar", "Andel"))
    svg = str(chart.svg)
    first, second = widths(svg)
    assert first == pytest.approx(2 * second, rel=0.01)
    assert ">60 % ± 5</text>" in svg and ">Ja</text>" in svg
    assert chart.rows == (("Ja", "60 % ± 5"), ("Nej", "30 % ± 4"))
    assert 'role="img"' in svg and 'aria-labelledby="q1-title"' in svg and "<title id=\"q1-title\">Cyklar du?" in svg


def test_a_full_share_fills_the_plot_width() -> None:
    svg = str(charts.bars("x", "t", [Item("Alla", 1.0, "100 %")], headers=("a", "b")).svg)
    assert widths(svg) == [pytest.approx(640 - 230 - 120)]


def test_long_value_texts_get_room_and_are_not_clipped() -> None:
    text = "100,000 (100 %)"
    svg = str(charts.bars("x", "t", [Item("Inbjudna", 1.0, text)], headers=("a", "b")).svg)
    x = float(re.search(r'<text x="([\d.]+)"[^>]*>' + re.escape(text), svg).group(1))  # type: ignore[union-attr]
    assert x + charts.CHAR_W * len(text) <= charts.WIDTH
    assert widths(svg) == [pytest.approx(x - 8 - 230)]  # the bars give up what the text needs


def test_whiskers_only_when_an_interval_is_given() -> None:
    with_interval = str(charts.bars("x", "t", [Item("Ja", 0.5, "50 %", low=0.4, high=0.6)], headers=("a", "b")).svg)
    without = str(charts.bars("x", "t", [Item("Ja", 0.5, "50 %")], headers=("a", "b")).svg)
    assert with_interval.count("<path") == 1 and without.count("<path") == 0


def test_text_is_escaped() -> None:
    chart = charts.bars("x", "<b>titel</b>", [Item("<script>alert(1)</script>", 0.5, "50 %")], headers=("a", "b"))
    svg = str(chart.svg)
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "&lt;b&gt;titel" in svg


def test_line_has_a_point_per_item_placed_by_value() -> None:
    items = [Item("5 min", 0.25, "25 %"), Item("15 min", 0.5, "50 %"), Item("1 tim", 1.0, "100 %")]
    ticks = charts.share_ticks(lambda v: f"{v:.0%}")
    chart = charts.line("curve", "Svar", items, headers=("Tid", "Andel"), ticks=ticks)
    ys = [float(y) for y in re.findall(r'<circle cx="[\d.]+" cy="([\d.]+)"', str(chart.svg))]
    assert len(ys) == 3
    top, bottom = 24, 224  # the plot area: 100 % at the top, 0 % at the bottom
    assert ys == pytest.approx([bottom - 50, bottom - 100, top])
    assert ">0%</text>" in str(chart.svg) and ">100%</text>" in str(chart.svg)


def test_columns_scale_to_the_highest() -> None:
    chart = charts.columns("m", "Per månad", [Item("10/26", 10, "10"), Item("11/26", 5, "5", muted=True)],
                           headers=("Månad", "Antal"))
    heights = [float(h) for h in re.findall(r'height="([\d.]+)" fill=', str(chart.svg))]
    assert heights == pytest.approx([180, 90])
    assert chart.rows == (("10/26", "10"), ("11/26", "5"))
    assert charts.BAR_SOFT in str(chart.svg)


def test_share_ticks() -> None:
    assert charts.share_ticks(lambda v: f"{v:.2f}") == [(0.0, "0.00"), (0.25, "0.25"), (0.5, "0.50"),
                                                        (0.75, "0.75"), (1.0, "1.00")]
