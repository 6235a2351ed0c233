"""Words and pictures for the results: group labels, number formats, and the charts of a results page.

Kept apart from the handlers so the staff page, the printable report and the public page draw the very
same charts from the same `Results`.
"""

from __future__ import annotations

from panel import charts
from panel.charts import Chart, Item
from panel.clock import local
from panel.i18n import _, current_language, ngettext
from panel.numbers import number, percent
from surveys.results.assemble import Results, TrendPoint
from surveys.results.statistics import wilson_interval
from surveys.results.summary import Breakdown, QuestionResult


def points(margin: float) -> str:
    """A margin of error in percentage points, e.g. "± 7"; below one point with a decimal ("± 0,4").

    A margin that is there, however small, shows at least "± 0,1"; none at all (a share of 0 % or 100 %,
    where everyone gave the same answer) is "± 0".
    """
    value = margin * 100
    if value < 1e-9:  # zero, give or take the rounding of the arithmetic that led to it
        return "± " + number(0)
    return "± " + (number(round(value)) if value >= 0.95 else number(max(value, 0.1), 1))


def plus_minus(value: float, digits: int = 1) -> str:
    """A margin in the unit of the value itself, e.g. "± 0,3" for a mean on a 1–5 scale."""
    return "± " + number(value, digits)


def _amount(value: float) -> str:
    """A whole number as it is, anything else with one decimal: "2 tim", "1,5 dygn"."""
    return number(value, 0 if abs(value - round(value)) < 0.05 else 1)


def minutes(value: float | None) -> str:
    if value is None:
        return "–"
    if value < 60:
        return _("{n} min").format(n=number(max(1, round(value))))
    if value < 24 * 60:
        return _("{n} tim").format(n=_amount(value / 60))
    days = value / 1440
    return ngettext("{n} dygn", "{n} dygn", 1 if _amount(days) == _amount(1) else 2).format(n=_amount(days))


def group_label(dimension: str, key: str, districts: dict[str, str]) -> str:
    if key == "":
        return _("Okänt")
    if dimension == "district":
        return districts.get(key, key)
    if dimension == "gender":
        genders = {"woman": _("Kvinnor"), "man": _("Män"), "other": _("Annat"), "not_stated": _("Ej angivet")}
        return genders.get(key, key)
    return _("{band} år").format(band=key)


def dimension_label(dimension: str) -> str:
    return {"district": _("Område"), "age_band": _("Ålder"), "gender": _("Kön")}[dimension]


def method_label(method: str) -> str:
    return {
        "post_stratification": _("efterstratifiering på område × ålder × kön"),
        "raking": _("rakning mot område, ålder och kön var för sig"),
        "none": _("ingen viktning"),
    }[method]


def scale_ticks(top: float) -> list[tuple[float, str]]:
    """Whole numbers along a 1–5 or 0–10 scale."""
    step = 1 if top <= 5 else 2
    return [(float(v), number(v)) for v in range(0, int(top) + 1, step)]


def funnel_chart(results: Results) -> Chart:
    f = results.funnel
    steps = [
        (_("Inbjudna"), f.invited), (_("Skickade"), f.sent), (_("Levererade"), f.delivered),
        (_("Öppnade"), f.opened), (_("Svarade"), f.completed),
    ]
    items = [
        Item(label, count, f"{number(count)} ({percent(count / f.invited if f.invited else None)})",
             extra=(number(count), percent(count / f.invited if f.invited else None)))
        for label, count in steps
    ]
    return charts.bars(
        f"funnel-{results.survey['id']}", _("Från inbjudan till svar"), items,
        headers=(_("Steg"), _("Antal och andel"), _("Antal"), _("Andel av inbjudna")),
        scale_max=max(f.invited, 1), centered=True,
    )


def curve_chart(results: Results) -> Chart:
    total = results.funnel.completed
    items = []
    for bound, running in results.cumulative_curve:
        label = _("senare") if bound is None else minutes(bound)
        share = running / total if total else 0.0
        items.append(Item(label, share, percent(share), extra=(number(running),)))
    return charts.line(
        f"curve-{results.survey['id']}", _("Hur snabbt svaren kom in"), items,
        headers=(_("Inom (tid efter utskick)"), _("Andel av alla svar"), _("Antal svar hittills")),
        ticks=charts.share_ticks(percent),
    )


def question_chart(result: QuestionResult) -> Chart:
    items = []
    for option in result.options:
        estimate = option.best
        if estimate is None:
            continue
        items.append(Item(
            option.label, estimate.share, f"{percent(estimate.share)} {points(estimate.margin)}",
            low=estimate.low, high=estimate.high, extra=(number(option.count),),
        ))
    if result.dont_know and result.answered:
        share = result.dont_know / result.answered
        items.append(Item(_("Vet ej"), share, percent(share), muted=True, extra=(number(result.dont_know),)))
    return charts.bars(
        f"q-{result.question.id}", result.question.text_in(current_language()), items,
        headers=(_("Svar"), _("Andel med felmarginal"), _("Antal")), ticks=charts.share_ticks(percent),
    )


def group_chart(result: QuestionResult, breakdown: Breakdown, districts: dict[str, str]) -> Chart | None:
    """One figure per group — the share giving the most common answer, or the mean — beside everyone's.

    This is the "how do districts differ" picture; hidden groups are simply not drawn.
    """
    visible = [row for row in breakdown.rows if not row.hidden and row.base]
    if len(visible) < 2 or not result.base:
        return None
    everyone = _("Alla svarande")
    if result.mean is not None:
        scale = float(max(result.question.scale()))
        what = _("Medelvärde")
        items = [Item(everyone, result.mean.value, number(result.mean.value, 1), muted=True,
                      extra=(number(result.base),))]
        items += [Item(group_label(breakdown.dimension, row.key, districts), row.mean or 0.0,
                       number(row.mean or 0.0, 1), extra=(number(row.base),)) for row in visible]
        ticks = scale_ticks(scale)
    else:
        index, lead = max(enumerate(result.options), key=lambda pair: pair[1].count)
        scale, what, ticks = 1.0, _("Andel ”{answer}”").format(answer=lead.label), charts.share_ticks(percent)
        overall = lead.share.share if lead.share else 0.0
        items = [Item(everyone, overall, percent(overall), muted=True, extra=(number(result.base),))]
        for row in visible:
            value = row.shares[index] or 0.0
            low, high = wilson_interval(value * row.base, row.base)  # groups are small: Wilson, not ± 0
            items.append(Item(group_label(breakdown.dimension, row.key, districts), value,
                              f"{percent(value)} (n = {number(row.base)})", low=low, high=high,
                              extra=(number(row.base),)))
    title = _("{what} per {dimension}").format(what=what, dimension=dimension_label(breakdown.dimension).lower())
    return charts.bars(f"g-{result.question.id}-{breakdown.dimension}", title, items,
                       headers=(dimension_label(breakdown.dimension), what, _("Antal svar")),
                       scale_max=scale, ticks=ticks)


def _when(point: TrendPoint) -> str:
    sent = local(point.sent_at)
    return f"{sent:%Y-%m-%d} · {point.title}" if sent else point.title


def trend_chart(result: QuestionResult, trend: list[TrendPoint]) -> Chart:
    """The mean of a scale, else the share of the answer most given now, survey by survey."""
    if result.mean is not None:
        top_label, scale = _("Medelvärde"), float(max(result.question.scale()))
        items = [Item(_when(p), p.mean or 0.0, number(p.mean or 0.0, 1), extra=(number(p.base),)) for p in trend]
        ticks = scale_ticks(scale)
    else:
        lead = max(result.options, key=lambda o: o.count)
        top_label, scale = lead.label, 1.0
        items = [Item(_when(p), p.shares.get(lead.value, 0.0), percent(p.shares.get(lead.value, 0.0)),
                      extra=(number(p.base),)) for p in trend]
        ticks = charts.share_ticks(percent)
    return charts.line(
        f"trend-{result.question.id}", _("Över tid: {what}").format(what=top_label), items,
        headers=(_("Enkät"), top_label, _("Antal svar")), scale_max=scale, ticks=ticks,
    )
