"""Results pages: the staff results page, the printable report, exports, publication and the public pages.

Handlers stay thin: they parse the request, ask `assemble.load` for the numbers and hand them to a
template. Staff pages are for viewers (politicians) and up; exports of answer-level data and publishing
are for analysts. Public pages show only what an analyst published, with small groups suppressed.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

from aiohttp import web

from panel import audit, clock
from panel.auth import logged_in_user, require_role
from panel.i18n import _, current_language
from panel.keys import DB, SECRET, SETTINGS
from panel.privacy import mask
from panel.web import bad_request, form_value, render
from surveys.results import assemble, exports, opendata, presentation, queries

routes = web.RouteTableDef()
VIEWERS = ("viewer", "analyst")
FREE_TEXT_PAGE = 20
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSS = resources.files("surveys.results").joinpath("static", "results.css").read_bytes()


def _survey_id(request: web.Request) -> int:
    try:
        return int(request.match_info["id"])
    except ValueError:
        raise web.HTTPNotFound from None


async def _load(request: web.Request, *, public: bool = False, language: str = "") -> assemble.Results:
    results = await assemble.load(
        request.app[DB], _survey_id(request), language=language or current_language(),
        min_size=request.app[SETTINGS].min_cell_size, yes=_("Ja"), no=_("Nej"), public=public,
    )
    if results is None or (public and results.published is None):
        raise web.HTTPNotFound
    return results


def _page(results: assemble.Results, **extra: Any) -> dict[str, Any]:
    """What every results template gets: the numbers, their charts and the label helpers."""
    return {
        "r": results,
        "funnel_chart": presentation.funnel_chart(results),
        "curve_chart": presentation.curve_chart(results),
        "question_charts": {res.question.id: presentation.question_chart(res) for res in results.results},
        "district_charts": {
            res.question.id: presentation.group_chart(res, res.breakdowns[0], results.district_names)
            for res in results.results
        },
        "trend_charts": {
            res.question.id: presentation.trend_chart(res, results.trends[res.question.id])
            for res in results.results if res.question.id in results.trends
        },
        "fmt": presentation,
        "group_label": lambda dim, key: presentation.group_label(dim, key, results.district_names),
        **extra,
    }


def _int_query(request: web.Request, name: str, default: int) -> int:
    try:
        return max(0, int(request.query.get(name, default)))
    except ValueError:
        return default


@routes.get(r"/staff/surveys/{id:\d{1,18}}/results")
@require_role(*VIEWERS)
async def results_page(request: web.Request) -> web.Response:
    results = await _load(request)
    await assemble.add_trends(request.app[DB], results, language=current_language())
    search = request.query.get("q", "").strip()[:200]
    search_error = ""
    if mask(search) != search:
        # Searching for a phone number would tell whether someone wrote it, even with the hits masked.
        search, search_error = "", _("Sök på ord, inte på personnummer, telefonnummer eller e-postadresser.")
    offset = _int_query(request, "from", 0)
    texts = {}
    for q in results.free_text:
        total, page = await queries.free_text(
            request.app[DB], q.id, search=search, limit=FREE_TEXT_PAGE, offset=offset
        )
        texts[q.id] = (total, [mask(text) for text in page])
    return render(request, "results/staff.html", _page(
        results, texts=texts, search=search, search_error=search_error, offset=offset, page_size=FREE_TEXT_PAGE,
        can_publish=logged_in_user(request).has_role("analyst"),
    ))


@routes.get(r"/staff/surveys/{id:\d{1,18}}/results/report")
@require_role(*VIEWERS)
async def report_page(request: web.Request) -> web.Response:
    results = await _load(request)
    return render(request, "results/report.html", _page(results, printed=clock.now_db()))


def _download(body: str | bytes, filename: str, content_type: str) -> web.Response:
    return web.Response(
        body=body.encode("utf-8") if isinstance(body, str) else body,
        content_type=content_type,
        charset="utf-8" if isinstance(body, str) else None,
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )


@routes.get(r"/staff/surveys/{id:\d{1,18}}/results.{fmt:csv|xlsx}")
@require_role(*VIEWERS)
async def export_results(request: web.Request) -> web.Response:
    results = await _load(request)
    name = f"resultat-enkat-{results.survey['id']}"
    rows = exports.result_rows(results)
    if request.match_info["fmt"] == "csv":
        return _download(exports.csv_text(exports.RESULT_HEADERS, rows), f"{name}.csv", "text/csv")
    workbook = exports.xlsx_bytes([
        ("Sammanfattning", ("", ""), exports.summary_sheet(results)),
        ("Resultat", exports.RESULT_HEADERS, rows),
    ])
    return _download(workbook, f"{name}.xlsx", XLSX)


@routes.get(r"/staff/surveys/{id:\d{1,18}}/results/answers.{fmt:csv|xlsx}")
@require_role("analyst")
async def export_answers(request: web.Request) -> web.StreamResponse:
    results = await _load(request)
    user = logged_in_user(request)
    async with request.app[DB].transaction() as tx:
        # Anonymised, but still the finest-grained data there is: who took it out is worth knowing.
        await audit.record(tx, user.id, "export_answers", "survey", results.survey["id"], request.match_info["fmt"])
    name = f"svar-enkat-{results.survey['id']}"
    db, secret = request.app[DB], request.app[SECRET]
    if request.match_info["fmt"] == "xlsx":
        return _download(await exports.answers_xlsx(db, results, secret), f"{name}.xlsx", XLSX)
    # CSV is streamed: 100,000 respondents never sit in memory at once.
    response = web.StreamResponse(headers={
        "Content-Type": "text/csv; charset=utf-8", "Cache-Control": "no-store",
        "Content-Disposition": f'attachment; filename="{name}.csv"',
    })
    await response.prepare(request)
    await response.write(exports.csv_line(exports.answer_headers(results), first=True))
    async for row in exports.answer_rows(db, results, secret):
        await response.write(exports.csv_line(row))
    await response.write_eof()
    return response


@routes.post(r"/staff/surveys/{id:\d{1,18}}/results/publish")
@require_role("analyst")
async def publish(request: web.Request) -> web.Response:
    survey_id = _survey_id(request)
    survey = await queries.survey(request.app[DB], survey_id)
    if survey is None:
        raise web.HTTPNotFound
    if survey["sent_at"] is None:
        return bad_request(request, _("Enkäten är inte skickad än, så det finns inga resultat att publicera."),
                           status=409)
    form = await request.post()
    user = logged_in_user(request)
    async with request.app[DB].transaction() as tx:
        if form_value(form, "action") == "unpublish":
            await queries.unpublish(tx, survey_id)
            await audit.record(tx, user.id, "unpublish_results", "survey", survey_id)
        else:
            summary = form_value(form, "summary", limit=2000)
            await queries.publish(tx, survey_id, user.id, summary, clock.now_db())
            await audit.record(tx, user.id, "publish_results", "survey", survey_id)
    raise web.HTTPSeeOther(f"/staff/surveys/{survey_id}/results#publish")


# -- public -----------------------------------------------------------------------------------------


@routes.get("/results")
async def public_list(request: web.Request) -> web.Response:
    surveys = await queries.published_surveys(request.app[DB])
    return render(request, "results/public_list.html", {"surveys": surveys})


@routes.get(r"/results/{id:\d{1,18}}")
async def public_page(request: web.Request) -> web.Response:
    results = await _load(request, public=True)
    await assemble.add_trends(request.app[DB], results, language=current_language())
    return render(request, "results/public.html", _page(results))


@routes.get(r"/results/{id:\d{1,18}}.json")
async def public_json(request: web.Request) -> web.Response:
    results = await _load(request, public=True, language="sv")  # open data speaks the source language
    settings = request.app[SETTINGS]
    body = opendata.document(results, base_url=settings.base_url, municipality=settings.municipality)
    return web.json_response(body, headers={"Access-Control-Allow-Origin": "*"})


@routes.get("/results.json")
async def public_feed(request: web.Request) -> web.Response:
    base = request.app[SETTINGS].base_url
    surveys = await queries.published_surveys(request.app[DB])
    return web.json_response({
        "municipality": request.app[SETTINGS].municipality,
        "license": opendata.LICENSE,
        "surveys": [
            {"id": s["id"], "title": s["title"], "sent_at": s["sent_at"], "published_at": s["published_at"],
             "url": f"{base}/results/{s['id']}", "data": f"{base}/results/{s['id']}.json"}
            for s in surveys
        ],
    }, headers={"Access-Control-Allow-Origin": "*"})


@routes.get("/results/results.css")
async def stylesheet(request: web.Request) -> web.Response:
    return web.Response(body=CSS, content_type="text/css", headers={"Cache-Control": "public, max-age=3600"})


def setup(app: web.Application) -> None:
    app.router.add_routes(routes)
