"""Typed or tampered numbers in paths, queries and forms end in a clear 4xx on every package's pages.

`str.isdigit()` accepts "²" and other Unicode digits that `int()` refuses, and SQLite refuses integers of
more than 64 bits; each of these once ended in a 500 somewhere.
"""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from tests.helpers import post_form

HUGE = "9" * 25


@pytest.mark.parametrize("path", [
    f"/staff/cases/{HUGE}", f"/staff/members/{HUGE}", f"/staff/surveys/{HUGE}", "/staff/surveys/²",
    f"/staff/categories/{HUGE}", f"/staff/surveys/{HUGE}/results", f"/api/v1/surveys/{HUGE}/results",
    f"/results/{HUGE}",
])
async def test_an_impossible_id_in_a_path_is_not_found(client: TestClient, login: Any, path: str) -> None:
    await login(client, "admin")
    assert (await client.get(path)).status == 404


@pytest.mark.parametrize("path", [
    "/staff/cases?page=²", f"/staff/cases?page={HUGE}", "/staff/cases?category=²", "/staff/cases?assignee=³",
    "/staff/members?district=²", f"/staff/members?before={HUGE}", "/staff/audit?before=²",
])
async def test_an_impossible_number_in_a_query_is_refused_or_ignored(client: TestClient, login: Any,
                                                                      path: str) -> None:
    await login(client, "admin")
    assert (await client.get(path)).status in (200, 400)


async def test_impossible_numbers_in_forms_get_a_clear_4xx(client: TestClient, login: Any) -> None:
    await login(client, "admin")
    password = await post_form(client, "/staff/users/password", {"user": "²", "password": "ett-langt-losenord"},
                               page="/staff/users")
    assert password.status == 422 and "Välj ett konto" in await password.text()
    survey = await post_form(client, "/staff/surveys/new", {
        "title": "Parker", "invitation_text": "Svara: {link}", "closes_at": "0001-01-01T00:30"})
    assert survey.status == 422
    join = await post_form(client, "/join", {"phone": "070-123 45 67", "birth_year": "¹⁹⁸⁵", "consent": "yes"})
    assert join.status == 422 and "fyra siffror" in await join.text()
