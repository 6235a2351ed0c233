"""The one intake function: references, deadlines, contacts apart, idempotency, nothing half-stored."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from feedback import intake as intake_module
from feedback.forms import Upload
from feedback.intake import IncomingItem, IntakeError, due_at, find_reference, intake
from panel.db import Database
from tests.helpers import migrated_database

NOW = datetime(2026, 4, 1, 9, 30, tzinfo=UTC)  # Wednesday before Easter


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    async with migrated_database(tmp_path) as database:
        yield database


def item(**changes: object) -> IncomingItem:
    values: dict[str, object] = {"channel": "web", "kind": "complaint", "category_code": "skola",
                                 "body": "Maten i skolan är kall."}
    values.update(changes)
    return IncomingItem(**values)  # type: ignore[arg-type]


async def test_references_count_up_per_year(db: Database) -> None:
    async with db.transaction() as tx:
        first = await intake(tx, item(), now=NOW)
        second = await intake(tx, item(), now=NOW)
        next_year = await intake(tx, item(), now=datetime(2027, 1, 2, tzinfo=UTC))
    assert (first.reference, second.reference) == ("SYN-2026-00001", "SYN-2026-00002")
    assert next_year.reference == "SYN-2027-00001"
    assert first.created and len(first.tracking_token) >= 20
    assert first.tracking_token != second.tracking_token


async def test_the_year_is_the_local_year(db: Database) -> None:
    new_years_eve_utc = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)  # already 2027 in Stockholm
    async with db.transaction() as tx:
        result = await intake(tx, item(), now=new_years_eve_utc)
    assert result.reference == "SYN-2027-00001"


async def test_a_case_gets_its_category_routing_and_deadlines(db: Database) -> None:
    async with db.transaction() as tx:
        result = await intake(tx, item(contact_name="Anna", contact_email="anna@example.se"), now=NOW)
    case = await db.fetch_one("SELECT * FROM cases WHERE id = ?", (result.case_id,))
    assert case is not None
    assert (case["channel"], case["kind"], case["state"], case["department"]) == (
        "web", "complaint", "new", "Utbildning")
    # Easter 2026: Good Friday 3 April and Easter Monday 6 April are not working days.
    assert case["ack_due_at"] == due_at(NOW, 2) == "2026-04-07T21:59:59.999Z"
    assert case["answer_due_at"] == "2026-04-17T21:59:59.999Z"
    contact = await db.fetch_one("SELECT * FROM case_contacts WHERE case_id = ?", (result.case_id,))
    assert contact is not None and contact["email"] == "anna@example.se"
    events = await db.fetch_all("SELECT kind, detail FROM case_events WHERE case_id = ?", (result.case_id,))
    assert [(e["kind"], e["detail"]) for e in events] == [("received", "web")]


async def test_the_same_item_delivered_twice_is_stored_once(db: Database) -> None:
    async with db.transaction() as tx:
        first = await intake(tx, item(idempotency_key="web:abc"), now=NOW)
    async with db.transaction() as tx:
        again = await intake(tx, item(idempotency_key="web:abc", body="changed"), now=NOW)
    assert again.created is False
    assert (again.case_id, again.reference, again.tracking_token) == (
        first.case_id, first.reference, first.tracking_token)
    assert await db.fetch_value("SELECT count(*) FROM cases") == 1


async def test_answered_directly_is_closed_and_counted(db: Database) -> None:
    async with db.transaction() as tx:
        result = await intake(tx, item(channel="phone", answered_directly=True, user_id=None), now=NOW)
    case = await db.fetch_one("SELECT state, answered_directly, answer_due_at FROM cases WHERE id = ?",
                              (result.case_id,))
    assert case is not None
    assert (case["state"], case["answered_directly"], case["answer_due_at"]) == ("closed", 1, None)


async def test_attachments_are_kept_with_the_case(db: Database) -> None:
    upload = Upload("bild.png", b"\x89PNG\r\n\x1a\nDATA", "image/png")
    async with db.transaction() as tx:
        result = await intake(tx, item(attachments=[upload]), now=NOW)
    row = await db.fetch_one("SELECT filename, size, data FROM case_attachments WHERE case_id = ?",
                             (result.case_id,))
    assert row is not None and (row["filename"], row["size"], row["data"]) == ("bild.png", 12, upload.data)


@pytest.mark.parametrize(
    "bad", [{"channel": "fax"}, {"kind": "rant"}, {"body": "  "}, {"category_code": "missing"}]
)
async def test_bad_items_store_nothing(db: Database, bad: dict[str, object]) -> None:
    with pytest.raises(IntakeError):
        async with db.transaction() as tx:
            await intake(tx, item(**bad), now=NOW)
    assert await db.fetch_value("SELECT count(*) FROM cases") == 0
    assert await db.fetch_value("SELECT count(*) FROM reference_counters") == 0


async def test_a_receipt_goes_to_residents_who_can_be_reached(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[tuple[int, str, str]] = []

    async def record(_tx: object, case_id: int, *, subject: str, text: str, kind: str) -> None:
        sent.append((case_id, kind, text))

    monkeypatch.setattr(intake_module.outbound, "notify_resident", record)
    async with db.transaction() as tx:
        reached = await intake(tx, item(contact_phone="+46701234567"), now=NOW, base_url="https://x.se/")
        await intake(tx, item(), now=NOW)  # no contact: nothing to send
        await intake(tx, item(contact_email="a@b.se", answered_directly=True, channel="phone"), now=NOW)
    assert len(sent) == 1
    case_id, kind, text = sent[0]
    assert (case_id, kind) == (reached.case_id, "receipt")
    assert reached.reference in text and f"https://x.se/t/{reached.tracking_token}" in text


def test_find_reference_reads_subjects() -> None:
    assert find_reference("Re: Ang. SYN-2026-00042 (gatlampa)") == "SYN-2026-00042"
    assert find_reference("SYN-26-1") is None
