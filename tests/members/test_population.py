"""Population counts, the panel's composition against them, and growth over time."""

from datetime import date
from typing import Any

import pytest
from aiohttp import FormData
from aiohttp.test_utils import TestClient

from panel.db import Database
from panel.members import charts
from panel.members.population import PopulationError, compare, growth, marginals, parse_population
from tests.helpers import csrf_token
from tests.members.conftest import AddMember

IDS = {"cen": 1, "centrum": 1, "nor": 2}
CSV = "Område;Åldersgrupp;Kön;Antal\nCEN;16-29;kvinna;1 200\nCEN;16–29;man;1100\nNorrby;80+;Kvinnor;300\n"


def test_parse_population_accepts_what_statistics_offices_write() -> None:
    cells = parse_population(CSV.replace("Norrby", "nor").encode("cp1252"), IDS)
    assert {(c.district_id, c.age_band, c.gender, c.count) for c in cells} == {
        (1, "16-29", "woman", 1200), (1, "16-29", "man", 1100), (2, "80+", "woman", 300)}


def test_parse_population_lists_every_problem() -> None:
    data = "Område,Åldersgrupp,Kön,Antal\nXX,16-29,kvinna,10\nCEN,10-15,man,10\nCEN,30-44,okänt,ten\n".encode()
    with pytest.raises(PopulationError) as caught:
        parse_population(data, IDS)
    text = " ".join(caught.value.problems)
    assert "Rad 2: okänt område" in text and "Rad 3: åldersgruppen" in text
    assert "Rad 4: kön" in text and "Rad 4: antal" in text


def test_parse_population_needs_its_columns() -> None:
    with pytest.raises(PopulationError):
        parse_population(b"District;Count\nCEN;10\n", IDS)


def test_compare_flags_under_and_over_representation() -> None:
    shares = compare([("a", "A"), ("b", "B"), ("c", "C")], {"a": 60, "b": 30, "c": 10}, {"a": 40, "b": 30, "c": 30})
    assert [s.verdict for s in shares] == ["over", "ok", "under"]
    assert shares[0].panel_share == pytest.approx(0.6)
    assert compare([("x", "X")], {"x": 1}, {})[0].verdict == ""


def test_growth_runs_a_total() -> None:
    months = growth({"2026-01": 10, "2026-03": 5}, {"2026-02": 2, "2026-03": 1})
    assert [(m.month, m.total) for m in months] == [("2026-01", 10), ("2026-02", 8), ("2026-03", 12)]
    chart = charts.growth_bars(months)
    assert chart["columns"][2].height == 160  # type: ignore[index]


async def _upload(client: TestClient, data: bytes) -> Any:
    form = FormData()
    form.add_field("csrf_token", await csrf_token(client, "/staff/population"))
    form.add_field("file", data, filename="population.csv", content_type="text/csv")
    return await client.post("/staff/population", data=form, allow_redirects=False)


async def test_admin_uploads_population_and_sees_the_composition(
    client: TestClient, db: Database, add_member: AddMember, districts: dict[str, int], login: Any
) -> None:
    for _ in range(3):
        await add_member(district_id=districts["CEN"], birth_year=2000)
    await add_member(district_id=districts["NOR"], birth_year=1940, gender="man")
    await login(client, "admin")
    response = await _upload(client, CSV.encode())
    assert response.status == 303
    assert await db.fetch_value("SELECT SUM(count) FROM population") == 2600
    page = await (await client.get("/staff/population")).text()
    assert "<caption>Panelen mot befolkningen: område</caption>" in page
    assert "Överrepresenterad" in page and "<svg" in page
    assert "Nya och avgångna medlemmar per månad" in page

    bad = await _upload(client, b"Omrade;Antal\n")
    assert bad.status == 422 and "Inget har ändrats" in await bad.text()
    assert await db.fetch_value("SELECT SUM(count) FROM population") == 2600


async def test_politicians_see_the_composition_but_cannot_upload(client: TestClient, login: Any) -> None:
    await login(client, "viewer")
    page = await client.get("/staff/population")
    assert page.status == 200 and "Ladda upp befolkningssiffror" not in await page.text()
    token = await csrf_token(client, "/staff/population")
    response = await client.post("/staff/population", data={"csrf_token": token})
    assert response.status == 403


def test_marginals_add_up_each_dimension() -> None:
    totals = marginals([("CEN", "woman", 2000, 3), ("CEN", "man", 1950, 2), ("NOR", "woman", None, 4)],
                       date(2026, 6, 1))
    assert dict(totals.by_district) == {"CEN": 5, "NOR": 4}
    assert dict(totals.by_gender) == {"woman": 7, "man": 2}
    assert dict(totals.by_age_band) == {"16-29": 3, "65-79": 2}  # an unknown birth year has no band
