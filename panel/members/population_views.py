"""The composition page: the panel against the population, and its growth and attrition over time.

Aggregates only, so politicians (viewer) may see it too; uploading population counts is for admins.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from panel import audit
from panel.auth import logged_in_user, require_role
from panel.clock import to_db, utcnow
from panel.i18n import _
from panel.keys import DB
from panel.members import charts, population, population_store, store, vocab
from panel.web import render

routes = web.RouteTableDef()


async def _context(request: web.Request) -> dict[str, Any]:
    db = request.app[DB]
    today = utcnow().date()
    district_rows = await store.districts(db)
    gender_groups = [(g, _(vocab.GENDER_LABELS[g])) for g in ("woman", "man")]
    panel = population.marginals(await population_store.active_composition(db), today)
    dimensions = [
        ("district", _("Område"), [(d["code"], d["name"]) for d in district_rows], panel.by_district),
        ("age_band", _("Åldersgrupp"), [(band, band) for band in vocab.AGE_BANDS], panel.by_age_band),
        ("gender", _("Kön"), gender_groups, panel.by_gender),
    ]
    comparisons = []
    for key, title, groups, panel_counts in dimensions:
        shares = population.compare(groups, panel_counts, await population_store.population_by(db, key))
        comparisons.append({"key": key, "title": title, "shares": shares, "chart": charts.share_bars(shares)})
    months = population.growth(
        await population_store.joins_by_month(db), await population_store.departures_by_month(db)
    )[-24:]
    return {
        "comparisons": comparisons, "months": months, "growth_chart": charts.growth_bars(months),
        "counts": await store.count_by_status(db), "updated": await population_store.population_updated(db),
        "errors": [],
    }


@routes.get("/staff/population")
@require_role("analyst", "viewer")
async def population_page(request: web.Request) -> web.Response:
    return render(request, "members/population.html", await _context(request))


@routes.post("/staff/population")
@require_role("admin")
async def upload_population(request: web.Request) -> web.Response:
    form = await request.post()
    upload = form.get("file")
    db = request.app[DB]
    try:
        if not isinstance(upload, web.FileField):
            raise population.PopulationError([_("Välj en CSV-fil med befolkningen.")])
        cells = population.parse_population(upload.file.read(), await store.district_ids(db))
    except population.PopulationError as exc:
        context = await _context(request)
        context["errors"] = exc.problems
        return render(request, "members/population.html", context, status=422)
    async with db.transaction() as tx:
        await population_store.replace_population(tx, cells, to_db(utcnow()))
        await audit.record(tx, logged_in_user(request).id, "population", "population", "all", f"{len(cells)} groups")
    raise web.HTTPSeeOther("/staff/population?updated=1")
