"""Fixtures for the surveys tests: the running app's database, a panel of members and a sent survey."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

import sms.web
import surveys.web
from panel import app as panel_app
from panel.clock import utcnow
from panel.db import Database
from panel.keys import DB
from panel.members import web as members_web
from panel.members.targeting import Target
from panel.settings import Settings
from surveys import invitations
from tests.surveys.factories import add_members, make_survey


@pytest.fixture
def app(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> web.Application:
    """The application with the packages surveys talk to (SMS, members) and not the unrelated ones."""
    monkeypatch.setattr(panel_app, "DOMAIN_SETUPS", [sms.web.setup, members_web.setup, surveys.web.setup])
    return panel_app.create_app(settings)


@pytest.fixture
async def db(client: TestClient, app: web.Application) -> Database:
    return app[DB]


@pytest.fixture
async def sent_survey(db: Database, app: web.Application) -> dict[str, Any]:
    """Three members invited to a three-question survey; their tokens by member id."""
    member_ids = await add_members(db, 3)
    survey_id = await make_survey(db)
    result = await invitations.send_survey(db, survey_id, Target(), base_url="http://panel.test", now=utcnow())
    assert result.invited == 3
    rows = await db.fetch_all("SELECT member_id, token FROM invitations WHERE survey_id = ?", (survey_id,))
    return {"survey_id": survey_id, "member_ids": member_ids, "tokens": {r["member_id"]: r["token"] for r in rows}}
