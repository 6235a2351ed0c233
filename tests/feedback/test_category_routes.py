"""/staff/categories: admins add, edit, deactivate and delete categories and keep each one's reply phrases.

Every change is checked before it is stored (a 4xx with the reason, nothing written), written to the audit
log in the same transaction, and reaches the public form, the staff entry and the Open311 service list.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from feedback import category_store
from feedback.category_forms import check_category
from panel.auth import User
from panel.db import Database, Row
from panel.keys import DB
from tests.feedback.handling_support import case_row, new_case
from tests.helpers import post_form, texts_in, translated_texts

Login = Callable[[TestClient, str], Awaitable[User]]
SEEDED = 9  # the categories of migration 0003


def category_form(**changes: str) -> dict[str, str]:
    values = {"code": "sno", "name_sv": "Snöröjning", "name_en": "Snow clearing", "department": "Gatuenheten",
              "description_sv": "Plogning och sandning.", "needs_location": "1", "ack_days": "1",
              "answer_days": "5"}
    values.update(changes)
    return values


async def category(db: Database, code: str) -> Row:
    row = await db.fetch_one("SELECT * FROM categories WHERE code = ?", (code,))
    assert row is not None, code
    return row


async def audit_rows(db: Database, object_type: str) -> list[Row]:
    return await db.fetch_all(
        "SELECT * FROM audit_log WHERE object_type = ? ORDER BY id", (object_type,)
    )


async def add_category(client: TestClient, **changes: str) -> Any:
    return await post_form(client, "/staff/categories/new", category_form(**changes), allow_redirects=False)


async def service_codes(client: TestClient) -> set[str]:
    response = await client.get("/open311/v2/services.json")
    assert response.status == 200
    return {service["service_code"] for service in await response.json()}


def refused(page: str, field: str, message: str) -> bool:
    """Whether the page's error summary has one problem, for `field`, with `message` in its text."""
    summary = re.search(r'<div class="error-summary".*?</div>', page, re.S)
    assert summary, "no error summary"
    links = re.findall(r'<li><a href="#([^"]+)">([^<]*)</a></li>', summary.group(0))
    return len(links) == 1 and links[0][0] == field and message in links[0][1] and f'id="{field}"' in page


def form_codes(page: str) -> set[str]:
    select = re.search(r'<select id="category".*?</select>', page, re.S)
    assert select, "no category choice on the page"
    return set(re.findall(r'<option value="([^"]+)"', select.group(0)))


# -- the list --------------------------------------------------------------------------------------------


async def test_the_list_shows_each_category_with_its_rules_and_use(client: TestClient, app: web.Application,
                                                                   login: Login) -> None:
    await login(client, "admin")
    await new_case(app[DB], category_code="gata")
    await new_case(app[DB], category_code="gata")
    gata = await category(app[DB], "gata")
    page = await (await client.get("/staff/categories")).text()
    row = re.search(rf'<tr>\s*<th scope="row"><a href="/staff/categories/{gata["id"]}">.*?</tr>', page, re.S)
    assert row, page
    cells = row.group(0)
    for text in ("Gator, vägar och belysning", "<code>gata</code>", "Streets, roads and lighting",
                 "Samhällsbyggnad", "Ja", "bekräftelse 2<br>svar 10", "Aktiv",
                 f'href="/staff/cases?state=all&amp;category={gata["id"]}">2<'):
        assert text in cells, text
    assert page.count('<th scope="row">') == SEEDED
    assert 'href="/staff/categories" aria-current="page"' in page  # the staff menu has the page


async def test_the_list_speaks_english(client: TestClient, login: Login) -> None:
    await login(client, "admin")
    page = await (await client.get("/staff/categories", headers={"Accept-Language": "en"})).text()
    assert "Feedback categories" in page and "Deadlines (working days)" in page and "answer 10" in page
    assert "Kategorier för synpunkter" not in page


# -- adding and editing ------------------------------------------------------------------------------------


async def test_an_admin_adds_a_category_that_residents_and_apps_can_choose(
    client: TestClient, app: web.Application, login: Login
) -> None:
    admin = await login(client, "admin")
    response = await add_category(client)
    assert response.status == 303
    stored = await category(app[DB], "sno")
    assert response.headers["Location"] == f"/staff/categories/{stored['id']}?done=created"
    assert (stored["name_sv"], stored["name_en"], stored["department"], stored["description_sv"]) == (
        "Snöröjning", "Snow clearing", "Gatuenheten", "Plogning och sandning.")
    assert (stored["needs_location"], stored["ack_days"], stored["answer_days"], stored["active"]) == (1, 1, 5, 1)
    assert "sno" in form_codes(await (await client.get("/feedback")).text())
    assert "sno" in await service_codes(client)
    [row] = await audit_rows(app[DB], "category")
    assert (row["user_id"], row["action"], row["object_id"]) == (admin.id, "create", str(stored["id"]))
    # A case in it gets its department and is routed by it.
    case = await new_case(app[DB], category_code="sno")
    assert (await case_row(app[DB], case.case_id))["department"] == "Gatuenheten"


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"code": ""}, "code", "Ange en kod."),
    ({"code": "Gata 2"}, "code", "Koden får bara innehålla"),
    ({"code": "snöröjning"}, "code", "Koden får bara innehålla"),
    ({"code": "x" * 41}, "code", "Koden får bara innehålla"),
    ({"code": "gata"}, "code", "Koden används redan av en annan kategori."),
    ({"code": "GATA"}, "code", "Koden används redan av en annan kategori."),
    ({"name_sv": " "}, "name_sv", "Ange namnet på svenska."),
    ({"name_en": ""}, "name_en", "Ange namnet på engelska."),
    ({"name_sv": "n" * 101}, "name_sv", "Namnet får vara högst 100 tecken."),
    ({"department": ""}, "department", "Ange vilken förvaltning"),
    ({"description_sv": "d" * 501}, "description_sv", "Beskrivningen får vara högst 500 tecken."),
    ({"ack_days": "0"}, "ack_days", "från 1 till 90"),
    ({"answer_days": "91"}, "answer_days", "från 1 till 90"),
    ({"answer_days": "2.5"}, "answer_days", "från 1 till 90"),
    ({"answer_days": "tio"}, "answer_days", "från 1 till 90"),
    ({"ack_days": "-1"}, "ack_days", "från 1 till 90"),
    ({"ack_days": "١"}, "ack_days", "från 1 till 90"),  # an Arabic-Indic digit is a digit to Python, not to us
    ({"ack_days": "6", "answer_days": "5"}, "ack_days", "får inte vara längre än svarstiden"),
])
async def test_a_bad_category_is_refused_and_nothing_is_stored(
    client: TestClient, app: web.Application, login: Login, changes: dict[str, str], field: str, message: str
) -> None:
    await login(client, "admin")
    response = await add_category(client, **changes)
    assert response.status == 422
    page = await response.text()
    assert refused(page, field, message)
    assert await app[DB].fetch_value("SELECT count(*) FROM categories") == SEEDED
    assert await audit_rows(app[DB], "category") == []


async def test_a_taken_code_is_named_with_the_other_problems(client: TestClient, login: Login) -> None:
    await login(client, "admin")
    page = await (await add_category(client, code="gata", name_en="", answer_days="")).text()
    assert re.findall(r'<li><a href="#([a-z_]+)">', page) == ["code", "name_en", "answer_days"]


async def test_the_store_refuses_a_taken_code_at_the_moment_of_writing(app: web.Application, client: TestClient
                                                                      ) -> None:
    values = check_category(category_form(code="gata")).category
    assert values is not None
    async with app[DB].transaction() as tx:
        assert await category_store.insert_category(tx, values) is None
        assert await category_store.code_taken(tx, "gata") and not await category_store.code_taken(tx, "sno")
        gata = await category(app[DB], "gata")
        assert not await category_store.code_taken(tx, "gata", gata["id"])  # its own code is no obstacle
    assert await app[DB].fetch_value("SELECT count(*) FROM categories") == SEEDED


async def test_the_form_keeps_what_was_typed_when_refused(client: TestClient, login: Login) -> None:
    await login(client, "admin")
    page = await (await add_category(client, name_en="", department="Gatu <enheten>")).text()
    assert 'value="Snöröjning"' in page and 'value="Gatu &lt;enheten&gt;"' in page
    assert 'aria-invalid="true"' in page and "<title>Fel:" in page


async def test_an_edit_changes_routing_and_deadlines_of_new_cases(client: TestClient, app: web.Application,
                                                                 login: Login) -> None:
    await login(client, "admin")
    gata = await category(app[DB], "gata")
    old_case = await new_case(app[DB], category_code="gata")
    edit = category_form(code="gata", name_sv="Gator och vägar", name_en="Streets and roads",
                         department="Trafikkontoret", ack_days="3", answer_days="15", needs_location="")
    response = await post_form(client, f"/staff/categories/{gata['id']}", edit, allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == f"/staff/categories/{gata['id']}?done=saved"
    stored = await category(app[DB], "gata")
    assert (stored["name_sv"], stored["department"], stored["ack_days"], stored["answer_days"],
            stored["needs_location"]) == ("Gator och vägar", "Trafikkontoret", 3, 15, 0)
    [row] = await audit_rows(app[DB], "category")
    assert row["action"] == "update" and row["object_id"] == str(gata["id"])
    assert "department: Samhällsbyggnad → Trafikkontoret" in row["detail"] and "answer_days: 10 → 15" in row["detail"]
    assert (await case_row(app[DB], old_case.case_id))["department"] == "Samhällsbyggnad"  # existing keep theirs
    fresh = await new_case(app[DB], category_code="gata")
    assert (await case_row(app[DB], fresh.case_id))["department"] == "Trafikkontoret"


async def test_an_edit_cannot_take_another_categorys_code(client: TestClient, app: web.Application,
                                                         login: Login) -> None:
    await login(client, "admin")
    park = await category(app[DB], "park")
    response = await post_form(client, f"/staff/categories/{park['id']}", category_form(code="gata"))
    assert response.status == 422 and "Koden används redan av en annan kategori." in await response.text()
    assert dict(await category(app[DB], "park")) == dict(park)
    assert await audit_rows(app[DB], "category") == []


async def test_an_edit_with_bad_days_is_refused(client: TestClient, app: web.Application, login: Login) -> None:
    await login(client, "admin")
    park = await category(app[DB], "park")
    response = await post_form(client, f"/staff/categories/{park['id']}", category_form(code="park", ack_days="99"))
    assert response.status == 422 and 'href="#ack_days"' in await response.text()
    assert dict(await category(app[DB], "park")) == dict(park)


async def test_the_edit_page_shows_the_stored_values(client: TestClient, app: web.Application, login: Login) -> None:
    await login(client, "admin")
    bygga = await category(app[DB], "bygga")
    page = await (await client.get(f"/staff/categories/{bygga['id']}")).text()
    assert 'value="bygga"' in page and 'id="answer_days" name="answer_days"' in page and 'value="15"' in page
    assert 'id="needs_location" name="needs_location" value="1">' in page  # not checked: no location needed
    assert "Ta bort kategorin" in page  # no case uses it


async def test_unknown_categories_and_phrases_are_404(client: TestClient, app: web.Application,
                                                      login: Login) -> None:
    await login(client, "admin")
    assert (await client.get("/staff/categories/9999")).status == 404
    assert (await client.get("/staff/categories/9999/phrases")).status == 404
    gata, park = await category(app[DB], "gata"), await category(app[DB], "park")
    await post_form(client, f"/staff/categories/{gata['id']}/phrases", {"title": "T", "body": "B"})
    phrase_id = await app[DB].fetch_value("SELECT id FROM case_phrases")
    assert (await client.get(f"/staff/categories/{park['id']}/phrases/{phrase_id}")).status == 404
    response = await post_form(client, f"/staff/categories/{park['id']}/phrases/{phrase_id}/delete", {},
                               page="/staff/categories")
    assert response.status == 404
    assert await app[DB].fetch_value("SELECT count(*) FROM case_phrases") == 1


# -- deactivating and deleting -----------------------------------------------------------------------------


async def test_a_deactivated_category_leaves_the_forms_and_open311_but_its_cases_keep_it(
    client: TestClient, app: web.Application, login: Login
) -> None:
    await login(client, "admin")
    park = await category(app[DB], "park")
    case = await new_case(app[DB], category_code="park")
    response = await post_form(client, f"/staff/categories/{park['id']}/deactivate", {}, page="/staff/categories",
                               allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == "/staff/categories?done=deactivated"
    assert (await category(app[DB], "park"))["active"] == 0
    assert "park" not in form_codes(await (await client.get("/feedback")).text())
    assert "park" not in form_codes(await (await client.get("/staff/cases/new")).text())
    assert "park" not in await service_codes(client) and "gata" in await service_codes(client)
    assert (await client.get("/open311/v2/services/park.json")).status == 404
    # The existing case keeps its category, and its page still names it.
    assert (await case_row(app[DB], case.case_id))["category_id"] == park["id"]
    assert "Parker, lekplatser och natur" in await (await client.get(f"/staff/cases/{case.case_id}")).text()
    listing = await (await client.get("/staff/categories")).text()
    assert "Inaktiv" in listing and f'/staff/categories/{park["id"]}/activate' in listing

    response = await post_form(client, f"/staff/categories/{park['id']}/activate", {}, page="/staff/categories",
                               allow_redirects=False)
    assert response.status == 303
    assert "park" in form_codes(await (await client.get("/feedback")).text())
    assert "park" in await service_codes(client)
    assert [row["action"] for row in await audit_rows(app[DB], "category")] == ["deactivate", "activate"]


async def test_a_category_in_use_cannot_be_deleted(client: TestClient, app: web.Application, login: Login) -> None:
    await login(client, "admin")
    gata = await category(app[DB], "gata")
    await new_case(app[DB], category_code="gata")
    page = await (await client.get(f"/staff/categories/{gata['id']}")).text()
    assert "Ta bort kategorin" not in page and "kan inte tas bort" in page
    # A stale page (or a hand-made request) asking anyway is refused with the reason.
    response = await post_form(client, f"/staff/categories/{gata['id']}/delete", {}, page="/staff/categories")
    assert response.status == 409
    assert '<a href="#delete">Kategorin används av ärenden och kan inte tas bort.' in await response.text()
    assert await category(app[DB], "gata")
    assert await audit_rows(app[DB], "category") == []


async def test_an_unused_category_is_deleted_with_its_phrases(client: TestClient, app: web.Application,
                                                             login: Login) -> None:
    await login(client, "admin")
    await add_category(client)
    sno = await category(app[DB], "sno")
    await post_form(client, f"/staff/categories/{sno['id']}/phrases", {"title": "Plogat", "body": "Vi har plogat."})
    response = await post_form(client, f"/staff/categories/{sno['id']}/delete", {}, page="/staff/categories",
                               allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == "/staff/categories?done=deleted"
    assert await app[DB].fetch_value("SELECT count(*) FROM categories WHERE code = 'sno'") == 0
    assert await app[DB].fetch_value("SELECT count(*) FROM case_phrases") == 0
    actions = [(row["action"], row["detail"]) for row in await audit_rows(app[DB], "category")]
    assert actions == [("create", "code=sno"), ("delete", "code=sno phrases=1")]


# -- reply phrases -------------------------------------------------------------------------------------------


async def test_phrases_are_added_edited_and_deleted(client: TestClient, app: web.Application, login: Login) -> None:
    admin = await login(client, "admin")
    gata = await category(app[DB], "gata")
    phrases = f"/staff/categories/{gata['id']}/phrases"
    response = await post_form(client, phrases, {"title": "Potthål lagas", "body": "Vi lagar hålet inom en vecka."},
                               allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == phrases + "?done=added"
    phrase = await app[DB].fetch_one("SELECT * FROM case_phrases")
    assert phrase is not None
    assert (phrase["category_id"], phrase["title"], phrase["body"], phrase["created_by"]) == (
        gata["id"], "Potthål lagas", "Vi lagar hålet inom en vecka.", admin.id)
    assert "Potthål lagas" in await (await client.get(phrases)).text()
    # A handler of a case in the category is offered it.
    case = await new_case(app[DB], category_code="gata")
    assert "Potthål lagas" in await (await client.get(f"/staff/cases/{case.case_id}")).text()

    one = f"{phrases}/{phrase['id']}"
    assert 'value="Potthål lagas"' in await (await client.get(one)).text()
    response = await post_form(client, one, {"title": "Potthål lagas snart", "body": "Inom tre dagar."},
                               allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == phrases + "?done=saved"
    edited = await app[DB].fetch_one("SELECT title, body FROM case_phrases WHERE id = ?", (phrase["id"],))
    assert edited is not None and tuple(edited) == ("Potthål lagas snart", "Inom tre dagar.")

    response = await post_form(client, one + "/delete", {}, page=phrases, allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == phrases + "?done=deleted"
    assert await app[DB].fetch_value("SELECT count(*) FROM case_phrases") == 0
    rows = await audit_rows(app[DB], "case_phrase")
    assert [(row["action"], row["object_id"], row["user_id"]) for row in rows] == [
        ("create", str(phrase["id"]), admin.id), ("update", str(phrase["id"]), admin.id),
        ("delete", str(phrase["id"]), admin.id)]


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"title": "", "body": "Text"}, "title", "Ge frasen en rubrik."),
    ({"title": "Rubrik", "body": "  "}, "body", "Skriv frasens text."),
    ({"title": "r" * 121, "body": "Text"}, "title", "Rubriken får vara högst 120 tecken."),
    ({"title": "Rubrik", "body": "t" * 5001}, "body", "Texten får vara högst 5 000 tecken."),
    ({"title": "Tack", "body": "En till"}, "title", "Det finns redan en fras med den rubriken i kategorin."),
])
async def test_a_bad_phrase_is_refused(client: TestClient, app: web.Application, login: Login,
                                       data: dict[str, str], field: str, message: str) -> None:
    await login(client, "admin")
    gata = await category(app[DB], "gata")
    phrases = f"/staff/categories/{gata['id']}/phrases"
    assert (await post_form(client, phrases, {"title": "Tack", "body": "Tack för din synpunkt."},
                            allow_redirects=False)).status == 303
    response = await post_form(client, phrases, data)
    assert response.status == 422 and refused(await response.text(), field, message)
    assert await app[DB].fetch_value("SELECT count(*) FROM case_phrases") == 1
    # Editing a phrase into the same problem is refused too, and changes nothing.
    if "redan" in message:
        await post_form(client, phrases, {"title": "Annan", "body": "Annan text."})
    before = await app[DB].fetch_one("SELECT * FROM case_phrases ORDER BY id DESC LIMIT 1")
    assert before is not None
    response = await post_form(client, f"{phrases}/{before['id']}", data)
    assert response.status == 422 and refused(await response.text(), field, message)
    after = await app[DB].fetch_one("SELECT * FROM case_phrases WHERE id = ?", (before["id"],))
    assert after is not None and dict(after) == dict(before)
    assert "update" not in [row["action"] for row in await audit_rows(app[DB], "case_phrase")]


async def test_the_same_title_may_be_used_in_another_category(client: TestClient, app: web.Application,
                                                             login: Login) -> None:
    await login(client, "admin")
    for code in ("gata", "park"):
        row = await category(app[DB], code)
        response = await post_form(client, f"/staff/categories/{row['id']}/phrases", {"title": "Tack", "body": "Tack!"},
                                   allow_redirects=False)
        assert response.status == 303
    assert await app[DB].fetch_value("SELECT count(*) FROM case_phrases WHERE title = 'Tack'") == 2


# -- who may ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["handler", "analyst", "viewer"])
async def test_only_admins_manage_categories(client: TestClient, app: web.Application, login: Login,
                                             role: str) -> None:
    await login(client, role)
    gata = await category(app[DB], "gata")
    for path in ("/staff/categories", "/staff/categories/new", f"/staff/categories/{gata['id']}",
                 f"/staff/categories/{gata['id']}/phrases"):
        assert (await client.get(path)).status == 403, path
    for path, data in (("/staff/categories/new", category_form()), (f"/staff/categories/{gata['id']}/deactivate", {}),
                       (f"/staff/categories/{gata['id']}/delete", {}),
                       (f"/staff/categories/{gata['id']}/phrases", {"title": "T", "body": "B"})):
        assert (await post_form(client, path, data, page="/staff")).status == 403, path
    assert await app[DB].fetch_value("SELECT count(*) FROM categories WHERE active = 1") == SEEDED
    assert await app[DB].fetch_value("SELECT count(*) FROM case_phrases") == 0
    assert 'href="/staff/categories"' not in await (await client.get("/staff")).text()


async def test_anonymous_visitors_are_sent_to_log_in(client: TestClient) -> None:
    for path in ("/staff/categories", "/staff/categories/1", "/staff/categories/1/phrases"):
        response = await client.get(path, allow_redirects=False)
        assert response.status == 303 and response.headers["Location"].startswith("/login?next="), path


async def test_a_post_without_the_csrf_token_is_refused(client: TestClient, app: web.Application,
                                                        login: Login) -> None:
    await login(client, "admin")
    response = await client.post("/staff/categories/new", data=category_form())
    assert response.status == 403
    assert await app[DB].fetch_value("SELECT count(*) FROM categories") == SEEDED


# -- language ----------------------------------------------------------------------------------------------


def test_every_text_of_the_pages_has_an_english_translation() -> None:
    root = Path(__file__).parents[2] / "feedback"
    translated = translated_texts(root / "locale")
    templates = ["categories", "category", "category_phrases", "category_phrase", "_phrase_fields"]
    sources = [root / "category_routes.py", root / "category_forms.py",
               *(root / "templates" / "feedback" / f"{name}.html" for name in templates)]
    texts = texts_in(sources)
    assert len(texts) > 50
    assert texts - translated == set()
