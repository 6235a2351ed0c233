"""Shared by the case-handling tests: cases made through the real intake, and a few outbox look-ups."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from feedback.intake import IncomingItem, IntakeResult, intake
from panel import clock
from panel.db import Database, Row

BASE_URL = "http://127.0.0.1:8080"


async def new_case(db: Database, *, now: datetime | None = None, **fields: Any) -> IntakeResult:
    values: dict[str, Any] = {"channel": "web", "kind": "complaint", "category_code": "gata",
                              "body": "Ett djupt potthål på Storgatan utanför nummer 12."}
    values.update(fields)
    async with db.transaction() as tx:
        return await intake(tx, IncomingItem(**values), now=now or clock.utcnow(), base_url=BASE_URL)


async def case_row(db: Database, case_id: int) -> Row:
    row = await db.fetch_one("SELECT * FROM cases WHERE id = ?", (case_id,))
    assert row is not None
    return row


async def mails_to(db: Database, recipient: str) -> list[Row]:
    return await db.fetch_all("SELECT * FROM email_outbox WHERE recipient = ? ORDER BY id", (recipient,))


async def sms_to(db: Database, recipient: str) -> list[Row]:
    return await db.fetch_all("SELECT * FROM sms_messages WHERE recipient = ? ORDER BY id", (recipient,))


async def audit_actions(db: Database, case_id: int) -> list[str]:
    rows = await db.fetch_all(
        "SELECT action FROM audit_log WHERE object_type = 'case' AND object_id = ? ORDER BY id", (str(case_id),)
    )
    return [row["action"] for row in rows]
