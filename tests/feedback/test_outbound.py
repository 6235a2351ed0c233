"""Messages to residents: the channel chosen, duplicates refused, e-mail sent by the console and SMTP backends."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Callable
from email import message_from_bytes
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from feedback.outbound import notify_resident, reply_channel, send_due_mail, shorten_for_sms
from panel.db import Database
from panel.settings import Settings
from tests.feedback.handling_support import mails_to, new_case, sms_to
from tests.helpers import migrated_database


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    async with migrated_database(tmp_path) as database:
        yield database


async def notify(db: Database, case_id: int, kind: str = "answer", ref: str = "1") -> None:
    async with db.transaction() as tx:
        await notify_resident(tx, case_id, subject="Svar", text="Hålet är lagat.", kind=kind, ref=ref)


@pytest.mark.parametrize(
    ("channel", "email", "phone", "expected"),
    [
        ("sms", "a@exempel.se", "+46701234567", "sms"),  # answered on the channel used
        ("email", "a@exempel.se", "+46701234567", "email"),
        ("web", "a@exempel.se", "+46701234567", "email"),  # e-mail preferred: an answer can be long
        ("web", "", "+46701234567", "sms"),
        ("phone", "", "031-123456", "web"),  # not a mobile number in E.164: nothing to text
        ("web", "", "", "web"),
    ],
)
def test_reply_channel(channel: str, email: str, phone: str, expected: str) -> None:
    assert reply_channel(channel, email, phone) == expected


async def test_email_resident_gets_mail_once_per_ref(db: Database) -> None:
    case = await new_case(db, contact_email="anna@exempel.se")
    await notify(db, case.case_id)
    await notify(db, case.case_id)  # the same answer again: a no-op
    await notify(db, case.case_id, ref="2")
    assert [m["purpose"] for m in await mails_to(db, "anna@exempel.se")] == ["case_receipt", "case_answer",
                                                                            "case_answer"]


async def test_receipt_is_sent_once_whatever_the_ref(db: Database) -> None:
    case = await new_case(db, contact_email="anna@exempel.se")  # intake queued the receipt
    await notify(db, case.case_id, kind="receipt", ref="again")
    assert len(await mails_to(db, "anna@exempel.se")) == 1


async def test_sms_resident_gets_sms(db: Database) -> None:
    case = await new_case(db, channel="sms", contact_phone="+46701234567", category_code=None)
    await notify(db, case.case_id)
    rows = await sms_to(db, "+46701234567")
    assert [(r["purpose"], r["ref_type"], r["ref_id"]) for r in rows][-1] == ("case_answer", "case", case.case_id)


async def test_web_only_resident_gets_nothing_sent(db: Database) -> None:
    case = await new_case(db)
    await notify(db, case.case_id)
    assert await db.fetch_value("SELECT COUNT(*) FROM email_outbox") == 0
    assert await db.fetch_value("SELECT COUNT(*) FROM sms_messages") == 0


async def test_unknown_case_is_an_error(db: Database) -> None:
    with pytest.raises(LookupError):
        await notify(db, 4242)


def test_long_sms_is_cut_but_keeps_the_link() -> None:
    text = "Svar. " * 200 + "\n\nFölj ärendet: http://127.0.0.1/t/abc"
    short = shorten_for_sms(text)
    assert len(short) <= 469 and short.endswith("Följ ärendet: http://127.0.0.1/t/abc") and "…" in short
    assert shorten_for_sms("Kort svar.") == "Kort svar."


async def test_console_backend_marks_mail_sent(db: Database, make_settings: Callable[..., Settings]) -> None:
    await new_case(db, contact_email="anna@exempel.se")
    assert await send_due_mail(db, make_settings()) == 1
    row = (await mails_to(db, "anna@exempel.se"))[0]
    assert (row["state"], row["attempts"]) == ("sent", 1) and row["sent_at"]
    assert await send_due_mail(db, make_settings()) == 0


def free_port() -> int:
    """A loopback port nobody listens on (right now)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Recorder:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope)
        return "250 OK"


async def test_smtp_backend_delivers_real_mail(db: Database, make_settings: Callable[..., Settings]) -> None:
    recorder = Recorder()
    port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings = make_settings(mail_backend="smtp", smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False,
                                 mail_from="synpunkter@kommun.example.se")
        await new_case(db, contact_email="anna@exempel.se")
        assert await send_due_mail(db, settings) == 1
    finally:
        controller.stop()
    assert len(recorder.messages) == 1
    envelope = recorder.messages[0]
    assert envelope.rcpt_tos == ["anna@exempel.se"]
    message = message_from_bytes(envelope.content)
    assert message["From"] == "synpunkter@kommun.example.se" and "Vi har tagit emot" in message["Subject"]
    assert message["Message-ID"].endswith("@kommun.example.se>")
    assert (await mails_to(db, "anna@exempel.se"))[0]["state"] == "sent"


async def test_unreachable_smtp_server_is_retried_then_given_up(db: Database,
                                                               make_settings: Callable[..., Settings]) -> None:
    settings = make_settings(mail_backend="smtp", smtp_host="127.0.0.1", smtp_port=free_port(), smtp_starttls=False)
    await new_case(db, contact_email="anna@exempel.se")
    for attempt in range(1, 6):
        await db.execute("UPDATE email_outbox SET next_attempt_at = '2000-01-01T00:00:00.000Z'")
        assert await send_due_mail(db, settings) == 1
        row = (await mails_to(db, "anna@exempel.se"))[0]
        assert row["attempts"] == attempt and row["error_message"]
    assert row["state"] == "failed"
