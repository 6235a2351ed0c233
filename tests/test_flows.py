"""The five flows of the system, end to end over HTTP in the fully composed app (DESIGN.md §4).

Each package tests its own flow in depth; this file proves that they meet: what one package stores, the next
one shows, through the same pages people use.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from panel.clock import STOCKHOLM, utcnow
from panel.db import Database
from panel.keys import DB
from panel.settings import Settings
from tests.helpers import post_form

LINK = re.compile(r"http://panel\.example\.se/s/([A-Za-z0-9_-]+)")


@pytest.fixture
def settings(make_settings: Any) -> Settings:
    return make_settings(public_url="http://panel.example.se")


async def test_feedback_form_to_staff_inbox(client: TestClient, login: Any) -> None:
    form = await (await client.get("/feedback")).text()
    nonce = re.search(r'name="nonce" value="([^"]+)"', form)
    assert nonce
    category = re.search(r'<option value="([a-z_]+)"', form)
    assert category
    fields = {"nonce": nonce.group(1), "kind": "complaint", "category": category.group(1),
              "body": "Belysningen i gångtunneln vid skolan är trasig.", "email": "boende@example.se"}
    first = await post_form(client, "/feedback", fields, page="/feedback")
    receipt = await first.text()
    reference = re.search(r"SYN-\d{4}-\d{5}", receipt)
    assert first.status == 200 and reference, receipt[:500]
    again = await post_form(client, "/feedback", fields, page="/feedback")  # the same form sent twice
    assert reference.group(0) in await again.text()

    await login(client, "handler")
    inbox = await (await client.get("/staff/cases")).text()
    assert inbox.count(reference.group(0)) == 1
    db: Database = client.app[DB]
    assert await db.fetch_value("SELECT COUNT(*) FROM cases") == 1


async def test_member_survey_answer_and_results(client: TestClient, login: Any) -> None:
    db: Database = client.app[DB]
    await login(client, "admin")
    for phone, name in (("070-111 22 33", "Ada"), ("+46 70 222 33 44", "Bo"), ("0046703334455", "Cia")):
        added = await post_form(client, "/staff/members/new", {
            "phone": phone, "name": name, "language": "sv", "gender": "not_stated", "consent": "yes",
            "consent_date": utcnow().astimezone(STOCKHOLM).date().isoformat()}, allow_redirects=False)
        assert added.status == 303, await added.text()
    phones = {row["phone"] for row in await db.fetch_all("SELECT phone FROM members")}
    assert phones == {"+46701112233", "+46702223344", "+46703334455"}

    closes = (utcnow().astimezone(STOCKHOLM) + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    created = await post_form(client, "/staff/surveys/new", {
        "title": "Biblioteket", "invitation_text": "Hej {name}! Tyck till: {link}", "closes_at": closes,
        "reminder_after_days": "2", "reminder_max": "0", "action": "save"}, allow_redirects=False)
    assert created.status == 303, await created.text()
    survey_url = created.headers["Location"]
    question = await post_form(client, f"{survey_url}/questions", {
        "kind": "yes_no", "text": "Har du besökt biblioteket i år?", "required": "on", "page": "1"},
        page=survey_url, allow_redirects=False)
    assert question.status == 303
    sent = await post_form(client, f"{survey_url}/send", {"target_kind": "all", "action": "send"},
                           allow_redirects=False)
    assert sent.status == 303

    outbox = await (await client.get("/staff/outbox")).text()
    tokens = LINK.findall(outbox)
    assert len(set(tokens)) == 3  # one personal link per member, visible in the console outbox

    answer_page = await (await client.get(f"/s/{tokens[0]}")).text()
    assert "Har du besökt biblioteket i år?" in answer_page
    question_id = re.search(r'name="(q\d+)"', answer_page)
    assert question_id
    for _ in range(2):  # a resubmitted answer counts once
        await post_form(client, f"/s/{tokens[0]}", {"page": "1", question_id.group(1): "yes"})
    assert await db.fetch_value("SELECT COUNT(*) FROM answers") == 1
    assert await db.fetch_value("SELECT COUNT(*) FROM invitations WHERE state = 'completed'") == 1

    survey_id = survey_url.rstrip("/").rsplit("/", 1)[-1]
    results = await (await client.get(f"/staff/surveys/{survey_id}/results")).text()
    assert "Har du besökt biblioteket i år?" in results
    assert re.search(r"svarade av 3 inbjudna", results), results[:2000]
