"""Words, numbers and charts of the feedback statistics, shared by the staff page, the report and /statistics.

The chart drawing itself is the core's (`panel.charts`): one SVG style for every
summary a politician sees.
"""

from __future__ import annotations

from feedback.handling import channel_label, kind_label
from feedback.stats.report import Statistics
from panel import charts
from panel.charts import Chart, Item
from panel.i18n import _, current_language, ngettext
from panel.numbers import number, percent


def duration(hours: float | None) -> str:
    if hours is None:
        return "–"
    if hours < 48:
        return _("{n} tim").format(n=number(hours, 1 if hours < 10 else 0))
    days = number(hours / 24, 1)
    return ngettext("{n} dygn", "{n} dygn", 1 if days == number(1, 1) else 2).format(n=days)


def category_label(stats: Statistics, code: str) -> str:
    if not code:
        return _("Ingen kategori")
    sv, en = stats.category_names.get(code, (code, code))
    return en if current_language() == "en" and en else sv


def _bars(chart_id: str, title: str, counts: list[tuple[str, int]], total: int, header: str) -> Chart:
    peak = max((n for _, n in counts), default=0) or 1
    items = [Item(label, n, f"{number(n)} ({percent(n / total if total else None)})",
                  extra=(number(n), percent(n / total if total else None))) for label, n in counts]
    return charts.bars(chart_id, title, items, headers=(header, _("Antal och andel"), _("Antal"), _("Andel")),
                       scale_max=peak)


def kind_chart(stats: Statistics) -> Chart:
    return _bars("kinds", _("Typ av synpunkt"), [(kind_label(k), n) for k, n in stats.by_kind.items()],
                 stats.cases, _("Typ"))


def channel_chart(stats: Statistics) -> Chart:
    return _bars("channels", _("Kanal"), [(channel_label(k), n) for k, n in stats.by_channel.items()],
                 stats.cases, _("Kanal"))


def district_chart(stats: Statistics) -> Chart:
    counts = [(stats.district_names.get(code, code) if code else _("Ej angiven"), n)
              for code, n in stats.by_district.items()]
    return _bars("districts", _("Kommundel"), counts, stats.cases, _("Kommundel"))


def category_chart(stats: Statistics) -> Chart:
    return _bars("categories", _("Kategori"), [(category_label(stats, k), n) for k, n in stats.by_category.items()],
                 stats.cases, _("Kategori"))


def month_chart(stats: Statistics) -> Chart:
    in_period = set(stats.period.months())
    # "10/26" rather than "2026-10": twelve labels must fit under the bars of a phone-wide chart.
    items = [Item(f"{month[5:]}/{month[2:4]}", n, number(n), muted=month not in in_period)
             for month, n in stats.by_month.items()]
    return charts.columns("months", _("Synpunkter per månad, senaste året"), items, headers=(_("Månad"), _("Antal")))
