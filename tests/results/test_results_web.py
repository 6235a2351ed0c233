"""The results pages through the web app: roles, the page's numbers, exports read back, publishing."""

from __future__ import annotations

import csv
import io
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient
from openpyxl import load_workbook

from panel.keys import DB
from tests.helpers import post_form
from tests.results import builders as b

Login = Callable[[TestClient, str], Awaitable[Any]]


async def seed(app: web.Application) -> dict[str, int]:
    """12 respondents in district N (8 yes), 3 in S (1 yes), 2 not answered; a free-text question."""
    async with app[DB].transaction() as tx:
        north = await b.district(tx, "N", "Norrby")
        south = await b.district(tx, "S", "Söderby")
        for district_id in (north, south):
            await b.population(tx, district_id, "30-44", "woman", 500)
        sid = await b.survey(tx, "Cykelvägar")
        yes_no = await b.question(tx, sid, 1, "yes_no", "Cyklar du till jobbet?", dont_know=True)
        text = await b.question(tx, sid, 2, "free_text", "Vad kan bli bättre?")
        for index in range(12):
            await b.respondent(tx, sid, ("N", "30-44", "woman"),
                               {yes_no: "yes" if index < 8 else "no", text: f"Svar {index} ring 070-123 45 67"})
        for index in range(3):
            await b.respondent(tx, sid, ("S", "30-44", "woman"), {yes_no: "yes" if index < 1 else "no"})
        await b.invitation(tx, sid, ("S", "30-44", "woman"))
        await b.invitation(tx, sid, ("N", "30-44", "woman"))
    return {"survey": sid, "yes_no": yes_no, "text": text}


async def test_results_need_a_log_in_and_a_reading_role(client: TestClient, app: web.Application,
                                                        login: Login) -> None:
    ids = await seed(app)
    url = f"/staff/surveys/{ids['survey']}/results"
    response = await client.get(url, allow_redirects=False)
    assert response.status == 303 and response.headers["Location"].startswith("/login")
    await login(client, "handler")
    assert (await client.get(url)).status == 403


async def test_results_page_shows_funnel_shares_and_hides_the_small_district(
    client: TestClient, app: web.Application, login: Login
) -> None:
    ids = await seed(app)
    await login(client, "viewer")
    response = await client.get(f"/staff/surveys/{ids['survey']}/results")
    assert response.status == 200
    html = await response.text()
    assert "Cykelvägar" in html
    assert "88 %" in html  # response rate 15 of 17
    assert "Norrby" in html
    assert "färre än 5 svar" in html  # Söderby has 3
    assert "070-123 45 67" not in html and "[telefonnummer]" in html
    sid = ids["survey"]
    assert f'action="/staff/surveys/{sid}/results/publish"' not in html  # viewers do not publish


async def test_free_text_search(client: TestClient, app: web.Application, login: Login) -> None:
    ids = await seed(app)
    await login(client, "viewer")
    html = await (await client.get(f"/staff/surveys/{ids['survey']}/results?q=Svar%2011")).text()
    assert "Svar 11" in html and "Svar 10 " not in html
    probing = await (await client.get(f"/staff/surveys/{ids['survey']}/results?q=070-123%2045%2067")).text()
    assert "Sökningen gjordes inte" in probing and "Svar 10 " in probing  # no search made: everything listed


async def test_unknown_survey_is_404(client: TestClient, login: Login) -> None:
    await login(client, "viewer")
    assert (await client.get("/staff/surveys/999/results")).status == 404


async def test_results_csv_reads_back(client: TestClient, app: web.Application, login: Login) -> None:
    ids = await seed(app)
    await login(client, "viewer")
    response = await client.get(f"/staff/surveys/{ids['survey']}/results.csv")
    assert response.status == 200
    rows = list(csv.DictReader(io.StringIO((await response.read()).decode("utf-8-sig"))))
    total_yes = next(r for r in rows if r["dimension"] == "total" and r["answer"] == "yes")
    assert (total_yes["count"], total_yes["base"], total_yes["share"]) == ("9", "15", "0.6")
    # Raked to the 50/50 population: N's 12 weigh 0.625 each, S's 3 weigh 2.5: (8·0.625 + 1·2.5) / 15
    assert total_yes["weighted_share"] == "0.5"
    south = [r for r in rows if r["dimension"] == "district" and r["group"] == "S"]
    assert south and all(r["suppressed"] == "True" and r["share"] == "" for r in south)


async def test_results_xlsx_reads_back(client: TestClient, app: web.Application, login: Login) -> None:
    ids = await seed(app)
    await login(client, "viewer")
    response = await client.get(f"/staff/surveys/{ids['survey']}/results.xlsx")
    assert response.status == 200
    book = load_workbook(io.BytesIO(await response.read()), read_only=True)
    assert book.sheetnames == ["Sammanfattning", "Resultat"]
    summary = {row[0]: row[1] for row in book["Sammanfattning"].iter_rows(values_only=True)}
    assert summary["Svarade"] == 15 and summary["Inbjudna"] == 17


async def test_answer_export_is_anonymised_and_only_for_analysts(
    client: TestClient, app: web.Application, login: Login
) -> None:
    ids = await seed(app)
    await login(client, "viewer")
    url = f"/staff/surveys/{ids['survey']}/results/answers.csv"
    assert (await client.get(url)).status == 403
    await login(client, "analyst")
    response = await client.get(url)
    assert response.status == 200
    rows = list(csv.reader(io.StringIO((await response.read()).decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    assert header[:4] == ["respondent", "district", "age_band", "gender"]
    assert len(body) == 15
    assert len({row[0] for row in body}) == 15 and all(row[0].startswith("R-") for row in body)
    assert sum(row[1] == "*" for row in body) == 3  # the 3 in S share a rare combination
    assert all("070-123" not in cell for row in body for cell in row)
    xlsx = await client.get(f"/staff/surveys/{ids['survey']}/results/answers.xlsx")
    sheet = load_workbook(io.BytesIO(await xlsx.read()), read_only=True)["Svar"]
    assert len(list(sheet.iter_rows(values_only=True))) == 16
    audit = await app[DB].fetch_value("SELECT COUNT(*) FROM audit_log WHERE action = 'export_answers'")
    assert audit == 2


async def test_publish_makes_the_public_page_and_open_data(
    client: TestClient, app: web.Application, login: Login
) -> None:
    ids = await seed(app)
    sid = ids["survey"]
    assert (await client.get(f"/results/{sid}")).status == 404
    assert (await client.get(f"/results/{sid}.json")).status == 404
    await login(client, "analyst")
    page = f"/staff/surveys/{sid}/results"
    response = await post_form(client, f"{page}/publish", {"action": "publish", "summary": "Fler cyklar"},
                               page=page, allow_redirects=False)
    assert response.status == 303
    await post_form(client, f"{page}/publish", {"action": "publish", "summary": "Många cyklar"}, page=page)
    listing = await (await client.get("/results")).text()
    assert "Cykelvägar" in listing
    public = await (await client.get(f"/results/{sid}")).text()
    assert "Många cyklar" in public and "Svar 11" not in public
    data = await (await client.get(f"/results/{sid}.json")).json()
    assert data["response"]["completed"] == 15
    yes = data["questions"][0]["options"][0]
    assert yes["count"] == 9 and yes["unweighted"]["share"] == 0.6
    districts = {g["group"]: g for g in data["questions"][0]["breakdowns"]["district"]}
    assert districts["S"]["suppressed"] and "shares" not in districts["S"]
    feed = await (await client.get("/results.json")).json()
    assert [s["id"] for s in feed["surveys"]] == [sid]
    await post_form(client, f"{page}/publish", {"action": "unpublish"}, page=page)
    assert (await client.get(f"/results/{sid}")).status == 404


async def test_viewers_cannot_publish(client: TestClient, app: web.Application, login: Login) -> None:
    ids = await seed(app)
    await login(client, "viewer")
    page = f"/staff/surveys/{ids['survey']}/results"
    response = await post_form(client, f"{page}/publish", {"action": "publish"}, page=page)
    assert response.status == 403
    assert await app[DB].fetch_value("SELECT COUNT(*) FROM survey_publications") == 0


async def test_report_page_renders_for_print(client: TestClient, app: web.Application, login: Login) -> None:
    ids = await seed(app)
    await login(client, "viewer")
    response = await client.get(f"/staff/surveys/{ids['survey']}/results/report")
    html = await response.text()
    assert response.status == 200 and 'class="report"' in html and "<svg" in html
    css = await client.get("/results/results.css")
    assert css.status == 200 and "@media print" in await css.text()


async def test_a_survey_without_answers_still_renders(client: TestClient, app: web.Application,
                                                     login: Login) -> None:
    async with app[DB].transaction() as tx:
        sid = await b.survey(tx, "Tom enkät", sent=None, state="draft")
        await b.question(tx, sid, 1, "single_choice", "Vilken?", ["A", "B"])
        await b.question(tx, sid, 2, "free_text", "Varför?")
    await login(client, "analyst")
    for url in (f"/staff/surveys/{sid}/results", f"/staff/surveys/{sid}/results/report",
                f"/staff/surveys/{sid}/results.csv", f"/staff/surveys/{sid}/results/answers.xlsx",
                f"/staff/surveys/{sid}/results?from=x&q="):
        response = await client.get(url)
        assert response.status == 200, url
    page = f"/staff/surveys/{sid}/results"
    refused = await post_form(client, f"{page}/publish", {"action": "publish"}, page=page)
    assert refused.status == 409  # nothing sent, nothing to publish
    assert await app[DB].fetch_value("SELECT COUNT(*) FROM survey_publications") == 0
