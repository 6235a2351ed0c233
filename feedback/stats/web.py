"""Feedback statistics pages: /staff/statistics, the committee report, publishing, and the public /statistics.

Handlers parse the period and department, ask `report.load` for the figures and render. Staff of every
role may read the statistics; analysts publish a period, after which its figures (never case text, never
secret cases) appear on /statistics and as open data.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from feedback.department_store import departments
from feedback.stats import opendata, presentation, queries, report
from feedback.stats.periods import Period, current_month, parse, recent
from panel import audit, clock
from panel.auth import logged_in_user, require_role
from panel.i18n import _
from panel.keys import DB, SETTINGS
from panel.web import bad_request, form_value, render

routes = web.RouteTableDef()
STAFF = ("viewer", "handler", "analyst")


class BadChoice(Exception):
    """A period or department in the query that we do not know; shown as a 400 page."""


async def _choices(request: web.Request) -> tuple[Period, str]:
    code = request.query.get("period", "")
    period = parse(code) if code else current_month(clock.utcnow().date())
    if period is None:
        raise BadChoice(_("Perioden ska skrivas som en månad (2026-10) eller ett kvartal (2026-Q4)."))
    department = request.query.get("department", "")
    if department and department not in await departments(request.app[DB]):
        raise BadChoice(_("Det finns ingen förvaltning med det namnet."))
    return period, department


def _context(stats: report.Statistics, **extra: Any) -> dict[str, Any]:
    return {
        "s": stats,
        "fmt": presentation,
        "kind_chart": presentation.kind_chart(stats),
        "channel_chart": presentation.channel_chart(stats),
        "district_chart": presentation.district_chart(stats),
        "category_chart": presentation.category_chart(stats),
        "month_chart": presentation.month_chart(stats),
        **extra,
    }


async def _staff_page(request: web.Request, template: str) -> web.Response:
    try:
        period, department = await _choices(request)
    except BadChoice as exc:
        return bad_request(request, str(exc))
    db = request.app[DB]
    stats = await report.load(db, period, department=department, public=False, now=clock.now_db())
    return render(request, template, _context(
        stats,
        periods=recent(clock.utcnow().date()),
        departments=await departments(db),
        published=await queries.is_published(db, period.code),
        can_publish=logged_in_user(request).has_role("analyst"),
        printed=clock.now_db(),
    ))


@routes.get("/staff/statistics")
@require_role(*STAFF)
async def staff_statistics(request: web.Request) -> web.Response:
    return await _staff_page(request, "stats/staff.html")


@routes.get("/staff/statistics/report")
@require_role(*STAFF)
async def committee_report(request: web.Request) -> web.Response:
    return await _staff_page(request, "stats/report.html")


@routes.post("/staff/statistics/publish")
@require_role("analyst")
async def publish(request: web.Request) -> web.Response:
    form = await request.post()
    period = parse(form_value(form, "period", limit=10))
    if period is None:
        return bad_request(request, _("Perioden ska skrivas som en månad (2026-10) eller ett kvartal (2026-Q4)."))
    if period.start > clock.utcnow().date():
        return bad_request(request, _("Det går inte att publicera en period som inte har börjat."), status=422)
    user = logged_in_user(request)
    async with request.app[DB].transaction() as tx:
        if form_value(form, "action") == "unpublish":
            await queries.unpublish(tx, period.code)
            await audit.record(tx, user.id, "unpublish_statistics", "statistics", period.code)
        else:
            await queries.publish(tx, period.code, user.id, clock.now_db())
            await audit.record(tx, user.id, "publish_statistics", "statistics", period.code)
    raise web.HTTPSeeOther(f"/staff/statistics?period={period.code}#publish")


# -- public -----------------------------------------------------------------------------------------


async def _published(request: web.Request, code: str) -> report.Statistics:
    period = parse(code)
    db = request.app[DB]
    if period is None or period.code != code or not await queries.is_published(db, code):
        raise web.HTTPNotFound
    return await report.load(db, period, department="", public=True, now=clock.now_db())


@routes.get("/statistics")
async def public_index(request: web.Request) -> web.Response:
    periods = await queries.published_periods(request.app[DB])
    stats = await _published(request, periods[0]["period"]) if periods else None
    context = _context(stats) if stats else {}
    return render(request, "stats/public.html", {**context, "s": stats, "periods": periods})


@routes.get(r"/statistics/{period:\d{4}-(?:\d{2}|Q\d)}")
async def public_period(request: web.Request) -> web.Response:
    stats = await _published(request, request.match_info["period"])
    periods = await queries.published_periods(request.app[DB])
    return render(request, "stats/public.html", {**_context(stats), "periods": periods})


@routes.get(r"/statistics/{period:\d{4}-(?:\d{2}|Q\d)}.json")
async def public_json(request: web.Request) -> web.Response:
    stats = await _published(request, request.match_info["period"])
    settings = request.app[SETTINGS]
    body = opendata.document(stats, base_url=settings.base_url, municipality=settings.municipality)
    return web.json_response(body, headers={"Access-Control-Allow-Origin": "*"})


def setup(app: web.Application) -> None:
    app.router.add_routes(routes)
