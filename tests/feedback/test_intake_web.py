"""The public form end to end: GET the form, POST it, land on the confirmation page, case in the database."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from pathlib import Path

from aiohttp import FormData, web
from aiohttp.test_utils import TestClient

from panel.auth import User
from panel.keys import DB
from tests.helpers import csrf_token

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


async def form_fields(client: TestClient) -> dict[str, str]:
    page = await (await client.get("/feedback")).text()
    nonce = re.search(r'name="nonce" value="([^"]+)"', page)
    assert nonce
    return {"csrf_token": await csrf_token(client, "/feedback"), "nonce": nonce.group(1)}


def complaint(**changes: str) -> dict[str, str]:
    values = {"kind": "fault_report", "category": "gata", "body": "Gatlampan vid Ågatan 3 är trasig.",
              "location": "Ågatan 3", "email": "anna@example.se"}
    values.update(changes)
    return values


async def test_the_form_is_accessible_and_lists_categories(client: TestClient) -> None:
    response = await client.get("/feedback")
    assert response.status == 200
    page = await response.text()
    assert '<label for="body">' in page and 'id="body"' in page
    assert "<legend>" in page and "Gator, vägar och belysning" in page
    assert 'enctype="multipart/form-data"' in page


async def test_a_submission_becomes_a_case_and_shows_its_reference(client: TestClient, app: web.Application) -> None:
    data = {**await form_fields(client), **complaint()}
    response = await client.post("/feedback", data=data, allow_redirects=False)
    assert response.status == 303
    location = response.headers["Location"]
    page = await (await client.get(location)).text()
    assert re.search(r"<strong>SYN-\d{4}-00001</strong>", page)
    case = await app[DB].fetch_one("SELECT * FROM cases")
    assert case is not None
    assert (case["channel"], case["kind"], case["location_text"]) == ("web", "fault_report", "Ågatan 3")
    assert f"/t/{case['tracking_token']}" in page
    tracking = await client.get(f"/t/{case['tracking_token']}")  # the link works without an account
    assert tracking.status == 200 and case["reference"] in await tracking.text()
    # The contact is stored apart from the case text.
    assert await app[DB].fetch_value("SELECT email FROM case_contacts WHERE case_id = ?", (case["id"],)) == (
        "anna@example.se")


async def test_a_resubmitted_form_creates_one_case(client: TestClient, app: web.Application) -> None:
    data = {**await form_fields(client), **complaint()}
    first = await client.post("/feedback", data=data, allow_redirects=False)
    second = await client.post("/feedback", data=data, allow_redirects=False)
    assert first.headers["Location"] == second.headers["Location"]
    assert await app[DB].fetch_value("SELECT count(*) FROM cases") == 1


async def test_bad_input_is_explained_and_kept(client: TestClient, app: web.Application) -> None:
    data = {**await form_fields(client), **complaint(body="", email="nej", location="")}
    response = await client.post("/feedback", data=data)
    assert response.status == 422
    page = await response.text()
    assert 'class="error-summary"' in page and 'href="#body"' in page and 'href="#email"' in page
    assert 'href="#location"' in page  # streets need a place
    assert 'aria-invalid="true"' in page and 'value="nej"' in page
    assert await app[DB].fetch_value("SELECT count(*) FROM cases") == 0


async def test_attachments_are_checked_and_kept(client: TestClient, app: web.Application) -> None:
    form = FormData()
    for name, value in {**await form_fields(client), **complaint()}.items():
        form.add_field(name, value)
    form.add_field("attachments", PNG, filename="lampa.png", content_type="image/png")
    response = await client.post("/feedback", data=form, allow_redirects=False)
    assert response.status == 303
    assert await app[DB].fetch_value("SELECT filename FROM case_attachments") == "lampa.png"

    disguised = FormData()
    for name, value in {**await form_fields(client), **complaint()}.items():
        disguised.add_field(name, value)
    disguised.add_field("attachments", b"MZ\x90\x00", filename="bild.png", content_type="image/png")
    response = await client.post("/feedback", data=disguised)
    assert response.status == 422
    assert "PDF" in await response.text()
    assert await app[DB].fetch_value("SELECT count(*) FROM cases") == 1


async def test_a_missing_or_forged_nonce_is_refused(client: TestClient, app: web.Application) -> None:
    fields = await form_fields(client)
    response = await client.post("/feedback", data={**fields, "nonce": "x", **complaint()})
    assert response.status == 400
    assert await app[DB].fetch_value("SELECT count(*) FROM cases") == 0


async def test_an_unknown_confirmation_page_is_404(client: TestClient) -> None:
    assert (await client.get("/feedback/received/nope")).status == 404


async def test_the_form_speaks_english_when_asked(client: TestClient) -> None:
    page = await (await client.get("/feedback", headers={"Accept-Language": "en-GB,en;q=0.8"})).text()
    assert "Give feedback" in page and "Fault report" in page and "Lämna en synpunkt" not in page


def _label(page: str, field: str) -> str:
    found = re.search(rf'<label for="{field}">([^<]+)</label>', page)
    assert found, field
    return found.group(1).strip()


async def test_the_category_and_the_part_of_the_municipality_have_their_own_labels(
    client: TestClient, app: web.Application
) -> None:
    await app[DB].execute("INSERT INTO districts (code, name) VALUES ('NOR', 'Norrby')")
    swedish = await (await client.get("/feedback", headers={"Accept-Language": "sv"})).text()
    english = await (await client.get("/feedback", headers={"Accept-Language": "en-GB,en;q=0.8"})).text()
    assert (_label(swedish, "category"), _label(swedish, "district")) == ("Kategori", "Kommundel (valfritt)")
    assert (_label(english, "category"), _label(english, "district")) == (
        "Category", "Part of the municipality (optional)")
    assert "Choose a category" in english and "Type of feedback" in english


def test_feedback_texts_mean_the_same_in_every_catalogue() -> None:
    """The packages' catalogues are merged into one, so a Swedish text feedback shares with another package
    (\"Område\" is a district on the panel's pages) must have one English text, or one page gets the other's."""
    from babel.messages.pofile import read_po

    root = Path(__file__).parents[2]
    english: dict[str, dict[str, set[Path]]] = {}
    for po in sorted(root.glob("*/**/locale/en*.po")):
        if ".venv" in po.parts:
            continue
        with po.open("rb") as fh:
            for message in read_po(fh, locale="en"):
                if isinstance(message.id, str) and message.id and isinstance(message.string, str) and message.string:
                    english.setdefault(message.id, {}).setdefault(message.string, set()).add(po)
    feedback = root / "feedback"
    clashes = {text: {translation: sorted(str(po.relative_to(root)) for po in files)
                      for translation, files in translations.items()}
               for text, translations in english.items()
               if len(translations) > 1 and any(feedback in po.parents for files in translations.values()
                                                for po in files)}
    assert clashes == {}


def test_every_intake_text_has_an_english_translation() -> None:
    from babel.messages.pofile import read_po

    root = Path(__file__).parents[2] / "feedback"
    with (root / "locale" / "en.po").open("rb") as po:
        translated = {message.id for message in read_po(po) if message.id and message.string}
    templates = ["_case_fields", "_contact_fields", "_errors", "form", "thanks", "staff_entry", "open311_keys"]
    sources = [*(root / "templates" / "feedback" / f"{name}.html" for name in templates), root / "forms.py",
               root / "public_routes.py", root / "staff_entry.py", root / "open311" / "key_routes.py"]
    texts = {match[0] or match[1] for path in sources
             for match in re.findall(r'_\(\s*"([^"]+)"\s*\)|_\(\s*\'([^\']+)\'\s*\)', path.read_text())}
    assert texts - translated == set()


async def test_a_submitted_case_shows_up_in_the_staff_inbox(
    client: TestClient, app: web.Application, login: Callable[[TestClient, str], Awaitable[User]]
) -> None:
    """The first flow end to end: public form -> case with its reference -> the handlers' inbox."""
    data = {**await form_fields(client), **complaint()}
    await client.post("/feedback", data=data, allow_redirects=False)
    reference = await app[DB].fetch_value("SELECT reference FROM cases")
    await login(client, "handler")
    inbox = await client.get("/staff/cases")
    assert inbox.status == 200
    assert reference in await inbox.text()


async def test_the_part_of_the_municipality_is_kept_and_checked(client: TestClient, app: web.Application) -> None:
    async with app[DB].transaction() as tx:
        await tx.execute("INSERT INTO districts (code, name) VALUES ('NOR', 'Norrby')")
    page = await (await client.get("/feedback")).text()
    assert '<option value="NOR">Norrby</option>' in page
    unknown = await client.post("/feedback", data={**await form_fields(client), **complaint(district="XYZ")})
    assert unknown.status == 422 and "Välj en av kommundelarna" in await unknown.text()
    assert await app[DB].fetch_value("SELECT COUNT(*) FROM cases") == 0
    placed = await client.post("/feedback", data={**await form_fields(client), **complaint(district="NOR")},
                               allow_redirects=False)
    assert placed.status == 303
    assert await app[DB].fetch_value("SELECT district_code FROM cases") == "NOR"
