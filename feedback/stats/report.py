"""One period's feedback statistics in one object, for the staff page, the committee report, /statistics and the API.

The figures come from `queries` (counted in SQL); this module adds the few comparisons a reader asks for
next — what share, compared with the period before, which categories are rising.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from feedback.stats import queries
from feedback.stats.periods import Period, month_period
from feedback.stats.queries import Scope
from panel.db import Database, Row
from panel.privacy import mask

TREND_MONTHS = 12
EXAMPLE_CHARS = 280


@dataclass(frozen=True)
class Rising:
    code: str
    now: int
    before: int


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def rising(current: dict[str, int], previous: dict[str, int], *, top: int = 3) -> list[Rising]:
    """Categories with the largest increase on the period before (ties: the larger now first)."""
    grown = [Rising(code, n, previous.get(code, 0)) for code, n in current.items() if n > previous.get(code, 0)]
    grown.sort(key=lambda r: (-(r.now - r.before), -r.now, r.code))
    return grown[:top]


def trend_start(period: Period) -> date:
    """The first month of the 12 that end with the period, for the volume-by-month chart."""
    last = date.fromisoformat(period.months()[-1] + "-01")
    months = last.year * 12 + last.month - 1 - (TREND_MONTHS - 1)
    return date(months // 12, months % 12 + 1, 1)


def months_between(start: date, end: date) -> list[str]:
    result, day = [], start
    while day < end:
        result.append(f"{day.year:04d}-{day.month:02d}")
        day = month_period(day.year, day.month).end
    return result


@dataclass
class Statistics:
    period: Period
    department: str
    public: bool
    cases: int
    previous_cases: int
    by_kind: dict[str, int]
    by_channel: dict[str, int]
    by_district: dict[str, int]  # district code -> cases; '' for cases no one placed
    by_category: dict[str, int]
    by_month: dict[str, int]
    totals: Row
    median_first_response_hours: float | None
    median_answer_hours: float | None
    backlog: Row
    rising: list[Rising]
    category_names: dict[str, tuple[str, str]]
    district_names: dict[str, str]
    ongoing: bool  # the period has not ended: comparisons with the whole period before would mislead
    examples: list[dict[str, str]] = field(default_factory=list)

    @property
    def on_time_share(self) -> float | None:
        return share(self.totals["on_time"], self.totals["due"])

    @property
    def first_contact_share(self) -> float | None:
        return share(self.totals["first_contact"], self.cases)

    @property
    def change(self) -> float | None:
        """Change in volume on the period before, as a share (0.12 = 12 % more)."""
        return None if not self.previous_cases else self.cases / self.previous_cases - 1


async def load(db: Database, period: Period, *, department: str, public: bool, now: str) -> Statistics:
    scope = Scope(period.start_db, period.end_db, department, public)
    before = period.previous()
    previous = Scope(before.start_db, before.end_db, department, public)
    trend_from = trend_start(period)
    trend = Scope(month_period(trend_from.year, trend_from.month).start_db, period.end_db, department, public)
    by_category = await queries.volumes(db, scope, "category")
    monthly = await queries.volumes(db, trend, "month")
    totals = await queries.totals(db, scope, now)
    stats = Statistics(
        period=period,
        department=department,
        public=public,
        cases=int(totals["cases"]),
        previous_cases=sum((await queries.volumes(db, previous, "kind")).values()),
        by_kind=await queries.volumes(db, scope, "kind"),
        by_channel=await queries.volumes(db, scope, "channel"),
        by_district=await queries.volumes(db, scope, "district"),
        by_category=by_category,
        by_month={month: monthly.get(month, 0) for month in months_between(trend_from, period.end)},
        totals=totals,
        median_first_response_hours=await queries.median_hours_to_first_response(db, scope),
        median_answer_hours=await queries.median_hours_to_answer(db, scope),
        backlog=await queries.backlog(db, department=department, public=public, now=now),
        rising=rising(by_category, await queries.volumes(db, previous, "category")),
        category_names=await queries.categories(db),
        district_names=await queries.district_names(db),
        ongoing=now < period.end_db,
    )
    if not public:  # examples are for staff and committees; the public gets numbers only
        for row in await queries.examples(db, scope):
            text = mask(row["body"])
            stats.examples.append({
                "reference": row["reference"], "kind": row["kind"], "channel": row["channel"],
                "category_sv": row["category_sv"], "category_en": row["category_en"], "created_at": row["created_at"],
                "text": text if len(text) <= EXAMPLE_CHARS else text[: EXAMPLE_CHARS - 1].rstrip() + "…",
            })
    return stats
