"""/staff/departments: admins see every department with its use, add departments, set the address of each
one's daily reminder and delete the unused ones.

Every change is checked before it is stored (a 4xx with the reason, nothing written) and written to the
audit log in the same transaction. The departments staff choose from elsewhere (forwarding, the inbox
filter, a category's department, a statistics report) come from one query, `department_store.departments`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from feedback import department_store
from feedback.department_forms import check_department, name_key
from feedback.reminders import send_reminders
from panel.auth import User
from panel.db import Database, Row
from panel.keys import DB
from tests.feedback.handling_support import BASE_URL, mails_to, new_case
from tests.helpers import post_form, texts_in, translated_texts

Login = Callable[[TestClient, str], Awaitable[User]]
PAGE = "/staff/departments"
# The departments of the categories of migration 0003.
SEEDED = ["Kommunledning", "Kultur och fritid", "Samhällsbyggnad", "Socialtjänst", "Utbildning"]
# Wednesday 25 November 2026, 08:00 in Stockholm; a case made on 2 November is overdue by then.
NOW = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)
OVERDUE = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def one(name: str) -> str:
    return f"{PAGE}/edit?name={quote(name)}"


async def add_row(db: Database, name: str, email: str = "") -> None:
    async with db.transaction() as tx:
        await tx.execute("INSERT INTO departments (name, email) VALUES (?, ?)", (name, email))


async def stored(db: Database) -> dict[str, str]:
    return {row["name"]: row["email"] for row in await db.fetch_all("SELECT name, email FROM departments")}


async def audit_rows(db: Database) -> list[Row]:
    return await db.fetch_all("SELECT * FROM audit_log WHERE object_type = 'department' ORDER BY id")


async def add(client: TestClient, name: str, email: str = "") -> Any:
    return await post_form(client, f"{PAGE}/new", {"name": name, "email": email}, allow_redirects=False)


def listed(page: str) -> dict[str, list[str]]:
    """The list's rows: department name -> the text of its other cells (what screen readers alone hear left out)."""
    rows = {}
    page = re.sub(r'<span class="visually-hidden">[^<]*</span>', "", page)
    for match in re.finditer(r'<tr>\s*<th scope="row"><a href="([^"]+)">([^<]*)</a>(.*?)</tr>', page, re.S):
        href, name, rest = match.groups()
        assert href == one(html.unescape(name)), href
        badge = re.sub(r"<[^>]+>", "", rest.split("</th>")[0]).strip()
        cells = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", rest, re.S)]
        rows[name] = [badge, *cells]
    return rows


def refused(page: str, field: str, message: str) -> bool:
    """Whether the page's error summary has one problem, for `field`, with `message` in its text."""
    summary = re.search(r'<div class="error-summary".*?</div>', page, re.S)
    assert summary, "no error summary"
    links = re.findall(r'<li><a href="#([^"]+)">([^<]*)</a></li>', summary.group(0))
    return len(links) == 1 and links[0][0] == field and message in links[0][1] and f'id="{field}"' in page


def options(page: str, select_id: str) -> list[str]:
    select = re.search(rf'<select id="{select_id}".*?</select>', page, re.S)
    assert select, f"no {select_id} choice on the page"
    return re.findall(r"<option(?: selected)?>([^<]+)</option>", select.group(0))


# -- the list --------------------------------------------------------------------------------------------


async def test_the_list_shows_departments_from_rows_categories_and_cases_with_their_use(
    client: TestClient, app: web.Application, login: Login
) -> None:
    await login(client, "admin")
    db = app[DB]
    await add_row(db, "Miljöenheten", "miljo@kommun.example.se")  # a row only
    await add_row(db, "Utbildning", "utb@kommun.example.se")  # a row that categories route to as well
    gata = await new_case(db, category_code="gata")
    park = await new_case(db, category_code="park")
    closed = await new_case(db, category_code="bygga")
    await db.execute("UPDATE cases SET state = 'closed' WHERE id = ?", (closed.case_id,))
    # A case forwarded to a department nothing else names, and an old closed one of a department long gone.
    forwarded = await new_case(db, category_code="gata")
    await db.execute("UPDATE cases SET department = 'Räddningstjänsten', state = 'waiting' WHERE id = ?",
                     (forwarded.case_id,))
    gone = await new_case(db, category_code="skola")
    await db.execute("UPDATE cases SET department = 'Fritidsförvaltningen', state = 'answered' WHERE id = ?",
                     (gone.case_id,))

    page = await (await client.get(PAGE)).text()
    rows = listed(page)
    assert sorted(rows) == sorted([*SEEDED, "Miljöenheten", "Räddningstjänsten", "Fritidsförvaltningen"])
    # badge, reminder address, categories, open cases, action
    assert rows["Samhällsbyggnad"][:4] == ["Ej tillagd", "–", "5", "2"]
    assert rows["Utbildning"][:4] == ["", "utb@kommun.example.se", "1", "0"]
    assert rows["Miljöenheten"][:4] == ["", "miljo@kommun.example.se", "0", "0"]
    assert rows["Räddningstjänsten"][:4] == ["Ej tillagd", "–", "0", "1"]
    assert rows["Fritidsförvaltningen"][:4] == ["Ej tillagd", "–", "0", "0"]
    assert rows["Kommunledning"][:4] == ["Ej tillagd", "–", "1", "0"]
    # The open count leads to the inbox, filtered to the department's active cases.
    assert f'href="/staff/cases?department={quote("Samhällsbyggnad")}">2<' in page
    inbox = await (await client.get(f"/staff/cases?department={quote('Samhällsbyggnad')}")).text()
    assert gata.reference in inbox and park.reference in inbox
    assert closed.reference not in inbox and forwarded.reference not in inbox
    assert "8 förvaltningar" in page
    assert 'href="/staff/departments" aria-current="page"' in page  # the staff menu has the page


async def test_the_categories_page_links_here_and_the_pages_speak_english(client: TestClient, login: Login) -> None:
    await login(client, "admin")
    assert 'href="/staff/departments"' in await (await client.get("/staff/categories")).text()
    english = {"Accept-Language": "en"}
    page = await (await client.get(PAGE, headers=english)).text()
    assert "Reminders to" in page and "Open cases" in page and ">Departments</a>" in page
    assert "Påminnelser till" not in page
    form = await (await client.get(one("Samhällsbyggnad"), headers=english)).text()
    assert "Reminder address (optional)" in form and "5 categories send new cases here." in form


# -- adding -------------------------------------------------------------------------------------------------


async def test_an_admin_adds_a_department_that_staff_can_then_choose(client: TestClient, app: web.Application,
                                                                      login: Login) -> None:
    admin = await login(client, "admin")
    response = await add(client, "  Miljö &   hälsa ", "miljo@kommun.example.se")
    assert response.status == 303 and response.headers["Location"] == f"{PAGE}?done=added"
    assert await stored(app[DB]) == {"Miljö & hälsa": "miljo@kommun.example.se"}
    [row] = await audit_rows(app[DB])
    assert (row["user_id"], row["action"], row["object_id"], row["detail"]) == (
        admin.id, "create", "Miljö & hälsa", "email=miljo@kommun.example.se")
    page = await (await client.get(f"{PAGE}?done=added")).text()
    assert "Förvaltningen är tillagd." in page
    assert listed(page)["Miljö &amp; hälsa"][:4] == ["", "miljo@kommun.example.se", "0", "0"]
    # Its own page opens by its name, whatever characters it has.
    assert "Förvaltning: Miljö &amp; hälsa" in await (await client.get(one("Miljö & hälsa"))).text()


async def test_an_added_department_is_offered_everywhere_staff_choose_one(client: TestClient, app: web.Application,
                                                                          login: Login) -> None:
    await login(client, "admin")
    assert (await add(client, "Miljöenheten")).status == 303
    case = await new_case(app[DB])
    # A department only a case names is listed on the admins' page, but not offered until it is added.
    await db_set_department(app[DB], case.case_id, "Räddningstjänsten")
    expected = sorted([*SEEDED, "Miljöenheten"])
    assert await department_store.departments(app[DB]) == expected
    assert options(await (await client.get("/staff/cases")).text(), "department") == expected
    assert options(await (await client.get(f"/staff/cases/{case.case_id}")).text(), "department") == expected
    category_page = await (await client.get("/staff/categories/new")).text()
    assert re.findall(r'<option value="([^"]+)"></option>', category_page) == expected
    assert (await client.get(f"/staff/statistics?department={quote('Miljöenheten')}")).status == 200
    assert (await client.get(f"/staff/statistics?department={quote('Räddningstjänsten')}")).status == 400
    # Forwarding to it works.
    row = await app[DB].fetch_one("SELECT updated_at FROM cases WHERE id = ?", (case.case_id,))
    assert row is not None
    response = await post_form(client, f"/staff/cases/{case.case_id}/decision",
                               {"version": row["updated_at"], "decision": "forward", "department": "Miljöenheten",
                                "comment": "Miljöfråga"}, page=f"/staff/cases/{case.case_id}", allow_redirects=False)
    assert response.status == 303
    assert await app[DB].fetch_value("SELECT department FROM cases WHERE id = ?", (case.case_id,)) == "Miljöenheten"


async def db_set_department(db: Database, case_id: int, name: str) -> None:
    await db.execute("UPDATE cases SET department = ? WHERE id = ?", (name, case_id))


@pytest.mark.parametrize(("name", "email", "field", "message"), [
    ("", "", "name", "Ange förvaltningens namn."),
    ("   ", "a@kommun.example.se", "name", "Ange förvaltningens namn."),
    ("n" * 81, "", "name", "Namnet får vara högst 80 tecken."),
    ("Miljö\x00enheten", "", "name", "Namnet får bara innehålla skrivbara tecken."),
    ("Miljöenheten", "miljo", "email", "Ange en e-postadress"),
    ("Miljöenheten", "miljo@kommun", "email", "Ange en e-postadress"),
    ("Miljöenheten", "miljo kontor@kommun.example.se", "email", "Ange en e-postadress"),
    ("Miljöenheten", "a@b.se\nBcc: x@y.se", "email", "Ange en e-postadress"),
    ("Miljöenheten", "x" * 250 + "@k.se", "email", "Ange en e-postadress"),
    ("Utbildning", "", "name", "Det finns redan en förvaltning med det namnet."),  # a category's department
    ("samhällsbyggnad", "", "name", "Det finns redan en förvaltning med det namnet."),  # only the case differs
    ("Räddningstjänsten", "", "name", "Det finns redan en förvaltning med det namnet."),  # a case's department
    ("Byggnadsnämnden", "", "name", "Det finns redan en förvaltning med det namnet."),  # a row
])
async def test_a_bad_department_is_refused_and_nothing_is_stored(
    client: TestClient, app: web.Application, login: Login, name: str, email: str, field: str, message: str
) -> None:
    await login(client, "admin")
    await add_row(app[DB], "Byggnadsnämnden")
    case = await new_case(app[DB])
    await db_set_department(app[DB], case.case_id, "Räddningstjänsten")
    response = await add(client, name, email)
    assert response.status == 422
    page = await response.text()
    assert refused(page, field, message) and "<title>Fel:" in page and 'aria-invalid="true"' in page
    assert await stored(app[DB]) == {"Byggnadsnämnden": ""}
    assert await audit_rows(app[DB]) == []


async def test_the_form_keeps_what_was_typed_when_refused(client: TestClient, login: Login) -> None:
    await login(client, "admin")
    page = await (await add(client, "Miljö <enheten>", "inte en adress")).text()
    assert 'value="Miljö &lt;enheten&gt;"' in page and 'value="inte en adress"' in page
    assert re.findall(r'<li><a href="#([a-z_]+)">', page) == ["email"]
    taken = await (await add(client, "Utbildning", "x")).text()
    assert re.findall(r'<li><a href="#([a-z_]+)">', taken) == ["name", "email"]


async def test_the_store_refuses_a_name_with_a_row_at_the_moment_of_writing(app: web.Application,
                                                                           client: TestClient) -> None:
    await add_row(app[DB], "Miljöenheten", "a@kommun.example.se")
    async with app[DB].transaction() as tx:
        assert not await department_store.insert_department(tx, "Miljöenheten", "b@kommun.example.se")
        assert await department_store.insert_department(tx, "Byggnadsnämnden", "")
    assert await stored(app[DB]) == {"Miljöenheten": "a@kommun.example.se", "Byggnadsnämnden": ""}


def test_names_compare_without_case_or_extra_spaces() -> None:
    assert name_key(" Kultur  och Fritid ") == name_key("kultur och fritid")
    assert name_key("Miljö") != name_key("Miljo")
    form = check_department({"name": " Kultur \n och fritid ", "email": " k@kommun.example.se "})
    assert form.ok and form.values == {"name": "Kultur och fritid", "email": "k@kommun.example.se"}


# -- the reminder address ------------------------------------------------------------------------------------


async def test_an_admin_sets_and_changes_the_reminder_address(client: TestClient, app: web.Application,
                                                              login: Login) -> None:
    admin = await login(client, "admin")
    await add_row(app[DB], "Miljöenheten")
    page = await (await client.get(one("Miljöenheten"))).text()
    assert 'id="email" name="email"' in page and "Ta bort förvaltningen" in page
    response = await post_form(client, one("Miljöenheten"), {"email": "miljo@kommun.example.se"},
                               allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == f"{PAGE}?done=saved"
    assert 'value="miljo@kommun.example.se"' in await (await client.get(one("Miljöenheten"))).text()
    await post_form(client, one("Miljöenheten"), {"email": ""}, allow_redirects=False)  # no reminders any more
    assert await stored(app[DB]) == {"Miljöenheten": ""}
    # A department only a category names gets its row when its address is saved.
    response = await post_form(client, one("Samhällsbyggnad"), {"email": "sbf@kommun.example.se"},
                               allow_redirects=False)
    assert response.status == 303
    assert await stored(app[DB]) == {"Miljöenheten": "", "Samhällsbyggnad": "sbf@kommun.example.se"}
    rows = [(row["user_id"], row["action"], row["object_id"], row["detail"]) for row in await audit_rows(app[DB])]
    assert rows == [
        (admin.id, "update", "Miljöenheten", "email: - → miljo@kommun.example.se"),
        (admin.id, "update", "Miljöenheten", "email: miljo@kommun.example.se → -"),
        (admin.id, "create", "Samhällsbyggnad", "email=sbf@kommun.example.se"),
    ]


async def test_a_bad_address_is_refused_and_the_old_one_kept(client: TestClient, app: web.Application,
                                                             login: Login) -> None:
    await login(client, "admin")
    await add_row(app[DB], "Miljöenheten", "miljo@kommun.example.se")
    response = await post_form(client, one("Miljöenheten"), {"email": "miljo@"})
    assert response.status == 422
    page = await response.text()
    assert refused(page, "email", "Ange en e-postadress som namn@kommun.se") and 'value="miljo@"' in page
    assert await stored(app[DB]) == {"Miljöenheten": "miljo@kommun.example.se"}
    assert await audit_rows(app[DB]) == []


async def test_unknown_departments_are_404(client: TestClient, app: web.Application, login: Login) -> None:
    await login(client, "admin")
    assert (await client.get(one("Finns inte"))).status == 404
    assert (await client.get(f"{PAGE}/edit")).status == 404
    for path in (one("Finns inte"), f"{PAGE}/delete?name=Finns%20inte"):
        assert (await post_form(client, path, {"email": ""}, page=PAGE)).status == 404, path
    assert await stored(app[DB]) == {}


async def test_the_daily_reminder_goes_to_the_address_set_on_the_page(client: TestClient, app: web.Application,
                                                                      login: Login) -> None:
    await login(client, "admin")
    overdue = await new_case(app[DB], now=OVERDUE)  # gata: Samhällsbyggnad
    assert await send_reminders(app[DB], base_url=BASE_URL, now=NOW) == 0  # no address yet
    await post_form(client, one("Samhällsbyggnad"), {"email": "sbf@kommun.example.se"}, allow_redirects=False)
    assert await send_reminders(app[DB], base_url=BASE_URL, now=NOW) == 1
    [mail] = await mails_to(app[DB], "sbf@kommun.example.se")
    assert mail["purpose"] == "deadline_reminder" and overdue.reference in mail["body"]
    # A new address takes the next day's reminder; an emptied one stops them.
    await post_form(client, one("Samhällsbyggnad"), {"email": "gata@kommun.example.se"}, allow_redirects=False)
    thursday = datetime(2026, 11, 26, 7, 0, tzinfo=UTC)
    assert await send_reminders(app[DB], base_url=BASE_URL, now=thursday) == 1
    assert len(await mails_to(app[DB], "gata@kommun.example.se")) == 1
    assert len(await mails_to(app[DB], "sbf@kommun.example.se")) == 1
    await post_form(client, one("Samhällsbyggnad"), {"email": ""}, allow_redirects=False)
    assert await send_reminders(app[DB], base_url=BASE_URL, now=datetime(2026, 11, 27, 7, 0, tzinfo=UTC)) == 0


# -- deleting ---------------------------------------------------------------------------------------------------


async def delete(client: TestClient, name: str) -> Any:
    return await post_form(client, f"{PAGE}/delete?name={quote(name)}", {}, page=PAGE, allow_redirects=False)


async def test_a_department_categories_route_to_cannot_be_deleted(client: TestClient, app: web.Application,
                                                                  login: Login) -> None:
    await login(client, "admin")
    await add_row(app[DB], "Utbildning", "utb@kommun.example.se")
    page = await (await client.get(one("Utbildning"))).text()
    assert "Ta bort förvaltningen" not in page and "Kategorier skickar nya ärenden till förvaltningen" in page
    # A stale page (or a hand-made request) asking anyway is refused with the reason.
    response = await delete(client, "Utbildning")
    assert response.status == 409
    assert '<a href="#delete">Kategorier skickar nya ärenden till förvaltningen, så den kan inte tas bort.' in (
        await response.text())
    assert await stored(app[DB]) == {"Utbildning": "utb@kommun.example.se"}
    assert await audit_rows(app[DB]) == []


async def test_a_department_with_open_cases_cannot_be_deleted(client: TestClient, app: web.Application,
                                                              login: Login) -> None:
    await login(client, "admin")
    await add_row(app[DB], "Miljöenheten")
    case = await new_case(app[DB])
    await db_set_department(app[DB], case.case_id, "Miljöenheten")
    page = await (await client.get(one("Miljöenheten"))).text()
    assert "Ta bort förvaltningen" not in page and "1 öppet ärende finns hos förvaltningen." in page
    response = await delete(client, "Miljöenheten")
    assert response.status == 409 and "Förvaltningen har öppna ärenden och kan inte tas bort." in await response.text()
    assert await stored(app[DB]) == {"Miljöenheten": ""}
    # Once the case is closed the department can go; the closed case keeps the name, so it stays listed.
    await app[DB].execute("UPDATE cases SET state = 'closed' WHERE id = ?", (case.case_id,))
    response = await delete(client, "Miljöenheten")
    assert response.status == 303 and response.headers["Location"] == f"{PAGE}?done=deleted"
    assert await stored(app[DB]) == {}
    page = await (await client.get(f"{PAGE}?done=deleted")).text()
    assert "Förvaltningen är borttagen." in page and listed(page)["Miljöenheten"][0] == "Ej tillagd"
    # Nothing of its own is left to delete.
    response = await delete(client, "Miljöenheten")
    assert response.status == 409 and "Förvaltningen har inga egna uppgifter att ta bort." in await response.text()
    assert [row["action"] for row in await audit_rows(app[DB])] == ["delete"]


async def test_an_unused_department_is_deleted(client: TestClient, app: web.Application, login: Login) -> None:
    admin = await login(client, "admin")
    await add(client, "Miljöenheten", "miljo@kommun.example.se")
    response = await delete(client, "Miljöenheten")
    assert response.status == 303
    assert await stored(app[DB]) == {}
    assert "Miljöenheten" not in listed(await (await client.get(PAGE)).text())
    assert "Miljöenheten" not in await department_store.departments(app[DB])
    rows = [(row["user_id"], row["action"], row["object_id"], row["detail"]) for row in await audit_rows(app[DB])]
    assert rows == [(admin.id, "create", "Miljöenheten", "email=miljo@kommun.example.se"),
                    (admin.id, "delete", "Miljöenheten", "email=miljo@kommun.example.se")]


# -- who may ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["handler", "analyst", "viewer"])
async def test_only_admins_manage_departments(client: TestClient, app: web.Application, login: Login,
                                              role: str) -> None:
    await login(client, role)
    await add_row(app[DB], "Miljöenheten", "miljo@kommun.example.se")
    for path in (PAGE, f"{PAGE}/new", one("Miljöenheten")):
        assert (await client.get(path)).status == 403, path
    for path, data in ((f"{PAGE}/new", {"name": "Ny", "email": ""}), (one("Miljöenheten"), {"email": "x@y.se"}),
                       (f"{PAGE}/delete?name=Milj%C3%B6enheten", {})):
        assert (await post_form(client, path, data, page="/staff")).status == 403, path
    assert await stored(app[DB]) == {"Miljöenheten": "miljo@kommun.example.se"}
    assert await audit_rows(app[DB]) == []
    assert 'href="/staff/departments"' not in await (await client.get("/staff")).text()


async def test_anonymous_visitors_are_sent_to_log_in(client: TestClient) -> None:
    for path in (PAGE, f"{PAGE}/new", one("Utbildning")):
        response = await client.get(path, allow_redirects=False)
        assert response.status == 303 and response.headers["Location"].startswith("/login?next="), path


async def test_a_post_without_the_csrf_token_is_refused(client: TestClient, app: web.Application,
                                                        login: Login) -> None:
    await login(client, "admin")
    await add_row(app[DB], "Miljöenheten")
    assert (await client.post(f"{PAGE}/new", data={"name": "Ny", "email": ""})).status == 403
    assert (await client.post(one("Miljöenheten"), data={"email": "x@kommun.example.se"})).status == 403
    assert (await client.post(f"{PAGE}/delete?name=Milj%C3%B6enheten", data={})).status == 403
    assert await stored(app[DB]) == {"Miljöenheten": ""}


# -- language ----------------------------------------------------------------------------------------------


def test_every_text_of_the_pages_has_an_english_translation() -> None:
    root = Path(__file__).parents[2] / "feedback"
    translated = translated_texts(root / "locale")
    templates = root / "templates" / "feedback"
    sources = [root / "department_routes.py", root / "department_forms.py", templates / "departments.html",
               templates / "department.html"]
    texts = texts_in(sources)
    assert len(texts) > 30
    assert texts - translated == set()
    assert "Förvaltningar" in translated  # the staff menu's item
