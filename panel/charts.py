"""Charts drawn on the server as SVG: no JavaScript, crisp in print, readable on a phone.

Each chart is returned with the rows of its data table, so the page can give screen readers (and anyone
who prefers numbers) the same figures the picture shows. Callers pass labels and value texts already
formatted for the reader's language; this module only places them. Colours are presentation attributes,
not `style`, because the content security policy forbids inline styles.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 640
FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, DejaVu Sans, sans-serif" font-size="14"'
INK = "#1b1f24"
MUTED = "#4a5563"
GRID = "#c9ced6"
BAR = "#0b5394"
BAR_SOFT = "#6b7c93"  # "don't know" and other answers shown apart
LABEL_CHARS = 30
CHAR_W = 8.2  # the widest average glyph of the 14 px sans-serif fonts above, digits included
MAX_TEXT_W = 220


@dataclass(frozen=True)
class Item:
    """One bar or point: `value` places it, `text` is what the reader sees next to it."""

    label: str
    value: float
    text: str
    low: float | None = None  # the 95 % interval, drawn as a whisker when given
    high: float | None = None
    muted: bool = False
    extra: tuple[str, ...] = ()  # further cells of the data table row (e.g. the count behind a share)


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    svg: Markup
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


def _open(chart_id: str, title: str, height: int) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" '
        f'height="{height}" role="img" aria-labelledby="{escape(chart_id)}-title" {FONT} fill="{INK}">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
    ]


def _text(x: float, y: float, text: str, *, anchor: str = "start", fill: str = INK, size: int = 14) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{fill}"'
        + (f' font-size="{size}"' if size != 14 else "")
        + f">{escape(text)}</text>"
    )


def _close(parts: list[str]) -> Markup:
    # Safe by construction: every text and label above went through escape(), the rest are numbers.
    return Markup("".join(parts) + "</svg>")  # noqa: S704


def _rows(items: Sequence[Item]) -> tuple[tuple[str, ...], ...]:
    return tuple((item.label, item.text, *item.extra) for item in items)


def bars(
    chart_id: str,
    title: str,
    items: Sequence[Item],
    *,
    headers: tuple[str, ...],
    scale_max: float = 1.0,
    ticks: Sequence[tuple[float, str]] = (),
    centered: bool = False,
) -> Chart:
    """Horizontal bars with the label on the left and the value text on the right.

    `scale_max` is the value of a full-width bar (1.0 for shares). `centered` draws a funnel: bars grow
    from the middle so each step visibly narrows the one above.
    """
    label_w, row_h, bar_h, top = 230, 32, 20, 8
    # Room on the right for the longest value text ("100,000 (100 %)", "49 % (n = 5,957)"), never clipped.
    text_w = min(MAX_TEXT_W, max(120, round(CHAR_W * max((len(item.text) for item in items), default=0)) + 16))
    area = WIDTH - label_w - text_w
    axis_h = 22 if ticks else 0
    height = top + row_h * len(items) + axis_h + 4
    scale = area / scale_max if scale_max > 0 else 0.0
    out = _open(chart_id, title, height)
    bottom = top + row_h * len(items)
    for value, tick in ticks:
        x = label_w + value * scale
        out.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{bottom}" stroke="{GRID}"/>')
        out.append(_text(x, bottom + 16, tick, anchor="middle", fill=MUTED, size=12))
    for index, item in enumerate(items):
        y = top + index * row_h
        width = max(item.value * scale, 1.5 if item.value > 0 else 0)
        x = label_w + (area - width) / 2 if centered else label_w
        colour = BAR_SOFT if item.muted else BAR
        out.append(f"<g><title>{escape(item.label)}: {escape(item.text)}</title>")
        out.append(_text(label_w - 8, y + bar_h - 5, _short(item.label), anchor="end"))
        out.append(f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="{bar_h}" fill="{colour}"/>')
        if item.low is not None and item.high is not None:
            x1, x2, mid = label_w + item.low * scale, label_w + item.high * scale, y + bar_h / 2
            out.append(
                f'<path d="M{x1:.1f} {mid - 5:.1f}v10M{x1:.1f} {mid:.1f}H{x2:.1f}M{x2:.1f} {mid - 5:.1f}v10" '
                f'stroke="{INK}" stroke-width="1.5" fill="none"/>'
            )
        out.append(_text(label_w + area + 8, y + bar_h - 5, item.text))
        out.append("</g>")
    return Chart(chart_id, title, _close(out), headers, _rows(items))


def line(
    chart_id: str,
    title: str,
    items: Sequence[Item],
    *,
    headers: tuple[str, ...],
    scale_max: float = 1.0,
    ticks: Sequence[tuple[float, str]] = (),
) -> Chart:
    """Points joined by a line over evenly spaced labels: a response curve or a trend across surveys."""
    left, right, top, plot_h, label_h = 56, 24, 24, 200, 44
    inset = 24  # the first and last points stand clear of the axis labels, with room for their value texts
    height = top + plot_h + label_h
    step = (WIDTH - left - right - 2 * inset) / max(len(items) - 1, 1)
    out = _open(chart_id, title, height)

    def y_of(value: float) -> float:
        return top + plot_h - (value / scale_max * plot_h if scale_max > 0 else 0)

    for value, tick in ticks:
        y = y_of(value)
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH - right}" y2="{y:.1f}" stroke="{GRID}"/>')
        out.append(_text(left - 6, y + 4, tick, anchor="end", fill=MUTED, size=12))
    points = [(left + inset + i * step if len(items) > 1 else left + (WIDTH - left - right) / 2, y_of(item.value))
              for i, item in enumerate(items)]
    if len(points) > 1:
        path = "M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in points)
        out.append(f'<path d="{path}" stroke="{BAR}" stroke-width="3" fill="none"/>')
    for item, (x, y) in zip(items, points, strict=True):
        out.append(f"<g><title>{escape(item.label)}: {escape(item.text)}</title>")
        if item.low is not None and item.high is not None:
            y1, y2 = y_of(item.low), y_of(item.high)
            out.append(
                f'<path d="M{x - 5:.1f} {y1:.1f}h10M{x:.1f} {y1:.1f}V{y2:.1f}M{x - 5:.1f} {y2:.1f}h10" '
                f'stroke="{INK}" stroke-width="1.5" fill="none"/>'
            )
        out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{BAR}"/>')
        out.append(_text(x, y - 10, item.text, anchor="middle", size=12))
        out.append(_text(x, top + plot_h + 18, _short(item.label)[:14], anchor="middle", fill=MUTED, size=12))
        out.append("</g>")
    return Chart(chart_id, title, _close(out), headers, _rows(items))


def columns(
    chart_id: str, title: str, items: Sequence[Item], *, headers: tuple[str, ...]
) -> Chart:
    """Vertical bars over evenly spaced labels, for counts per month or quarter."""
    left, right, top, plot_h, label_h = 16, 16, 22, 180, 28
    height = top + plot_h + label_h
    peak = max((item.value for item in items), default=0) or 1
    slot = (WIDTH - left - right) / max(len(items), 1)
    bar_w = min(slot * 0.7, 60)
    out = _open(chart_id, title, height)
    out.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{WIDTH - right}" y2="{top + plot_h}" stroke="{MUTED}"/>')
    for index, item in enumerate(items):
        h = item.value / peak * plot_h
        x = left + index * slot + (slot - bar_w) / 2
        mid = x + bar_w / 2
        out.append(f"<g><title>{escape(item.label)}: {escape(item.text)}</title>")
        colour = BAR_SOFT if item.muted else BAR
        out.append(
            f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{colour}"/>'
        )
        out.append(_text(mid, top + plot_h - h - 6, item.text, anchor="middle", size=12))
        out.append(_text(mid, top + plot_h + 18, item.label[:10], anchor="middle", fill=MUTED, size=12))
        out.append("</g>")
    return Chart(chart_id, title, _close(out), headers, _rows(items))


def share_ticks(fmt: Callable[[float], str], *, top: float = 1.0) -> list[tuple[float, str]]:
    """Gridlines at 0, 25, 50, 75 and 100 % (of `top`), labelled with the reader's percent format."""
    return [(top * k / 4, fmt(top * k / 4)) for k in range(5)]
