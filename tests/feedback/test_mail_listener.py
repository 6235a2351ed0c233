"""Inbound e-mail end to end: a real SMTP conversation (smtplib) with the embedded aiosmtpd receiver."""

from __future__ import annotations

import asyncio
import email.policy
import smtplib
from collections.abc import AsyncIterator, Callable
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from feedback.mail.listener import SMTP_SERVER, listening_port, start_listener
from panel.db import Database
from panel.keys import DB
from panel.settings import Settings, load_settings
from tests.helpers import migrated_database

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    async with migrated_database(tmp_path) as database:
        yield database


@pytest.fixture
async def port(db: Database) -> AsyncIterator[int]:
    settings = load_settings({"PANEL_MAX_REQUEST_BYTES": "20000"})
    server = await start_listener(db, settings, "127.0.0.1", 0)
    yield listening_port(server)
    server.close()
    await server.wait_closed()


def mail(subject: str = "Trasig lampa", body: str = "Lampan på Storgatan lyser inte.", **headers: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Anna Andersson <anna@example.se>"
    message["To"] = "synpunkter@kommun.se"
    message["Subject"] = subject
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message


def _send(port: int, message: EmailMessage | bytes) -> tuple[int, str]:
    """One SMTP conversation; the reply code and text of the DATA command."""
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
        smtp.ehlo()
        smtp.mail("forward@kommun.se")
        smtp.rcpt("synpunkter@kommun.se")
        # SMTP wants CRLF line ends; smtplib only fixes them in str messages.
        data = message.as_bytes(policy=email.policy.SMTP) if isinstance(message, EmailMessage) else message
        code, text = smtp.data(data)
        return code, text.decode()


async def send(port: int, message: EmailMessage | bytes) -> tuple[int, str]:
    return await asyncio.to_thread(_send, port, message)


async def test_a_mail_becomes_a_case_with_its_attachment(db: Database, port: int) -> None:
    message = mail(Message_ID="<first@example.se>")
    message.add_attachment(PNG, maintype="image", subtype="png", filename="lampa.png")
    code, text = await send(port, message)
    assert code == 250 and "SYN-" in text
    case = await db.fetch_one("SELECT * FROM cases")
    assert case is not None
    assert (case["channel"], case["subject"], case["body"]) == (
        "email", "Trasig lampa", "Lampan på Storgatan lyser inte.")
    contact = await db.fetch_one("SELECT name, email FROM case_contacts WHERE case_id = ?", (case["id"],))
    assert contact is not None and tuple(contact) == ("Anna Andersson", "anna@example.se")
    assert await db.fetch_value("SELECT filename FROM case_attachments WHERE case_id = ?", (case["id"],)) == "lampa.png"


async def test_the_same_message_id_twice_is_stored_once(db: Database, port: int) -> None:
    first = await send(port, mail(Message_ID="<same@example.se>"))
    second = await send(port, mail(Message_ID="<same@example.se>"))
    assert first == second
    assert await db.fetch_value("SELECT count(*) FROM cases") == 1
    assert await db.fetch_value("SELECT count(*) FROM case_messages") == 0


async def test_a_reply_with_the_reference_in_the_subject_joins_the_case(db: Database, port: int) -> None:
    _, text = await send(port, mail(Message_ID="<one@example.se>"))
    reference = text.split()[-1]
    await db.execute("UPDATE cases SET state = 'waiting'")
    code, reply_text = await send(port, mail(
        subject=f"SV: {reference} Trasig lampa", body="Den lyser fortfarande inte.\n\n> Vi tittar på det.",
        Message_ID="<two@example.se>"))
    assert code == 250 and reference in reply_text
    assert await db.fetch_value("SELECT count(*) FROM cases") == 1
    message = await db.fetch_one("SELECT direction, channel, body, external_id FROM case_messages")
    assert message is not None and tuple(message) == (
        "in", "email", "Den lyser fortfarande inte.", "email:two@example.se")
    assert await db.fetch_value("SELECT state FROM cases") == "open"  # the resident answered: reopened


async def test_a_reply_threads_by_in_reply_to(db: Database, port: int) -> None:
    await send(port, mail(Message_ID="<root@example.se>"))
    await send(port, mail(subject="Re: Trasig lampa", body="Tillägg.", Message_ID="<r1@example.se>",
                          In_Reply_To="<root@example.se>"))
    await send(port, mail(subject="Re: Re: Trasig lampa", body="Ett till.", Message_ID="<r2@example.se>",
                          References="<root@example.se> <r1@example.se>"))
    assert await db.fetch_value("SELECT count(*) FROM cases") == 1
    assert await db.fetch_value("SELECT count(*) FROM case_messages") == 2


async def test_an_unknown_reference_starts_a_new_case(db: Database, port: int) -> None:
    await send(port, mail(subject="Ang. SYN-2020-99999", Message_ID="<x@example.se>"))
    assert await db.fetch_value("SELECT count(*) FROM cases") == 1
    assert await db.fetch_value("SELECT count(*) FROM case_messages") == 0


async def test_an_oversized_mail_gets_552_and_stores_nothing(db: Database, port: int) -> None:
    code, _ = await send(port, mail(body=("x" * 70 + "\n") * 400))
    assert code == 552
    assert await db.fetch_value("SELECT count(*) FROM cases") == 0


async def test_an_empty_mail_gets_550_and_stores_nothing(db: Database, port: int) -> None:
    code, text = await send(port, b"From: anna@example.se\r\n\r\n")
    assert code == 550 and "no text" in text
    assert await db.fetch_value("SELECT count(*) FROM cases") == 0


class TestInsideTheApplication:
    """With PANEL_SMTP_LISTEN set, the application runs the receiver; the resident gets a receipt by e-mail."""

    @pytest.fixture
    def settings(self, make_settings: Callable[..., Settings]) -> Settings:
        return make_settings(smtp_listen="127.0.0.1:0")  # port 0: any free loopback port

    async def test_a_mail_gets_a_case_and_a_receipt(self, client: TestClient, app: web.Application) -> None:
        port = listening_port(app[SMTP_SERVER])
        code, text = await send(port, mail(Message_ID="<app@example.se>"))
        assert code == 250
        reference = text.split()[-1]
        receipt = await app[DB].fetch_one("SELECT recipient, subject, body FROM email_outbox")
        assert receipt is not None and receipt["recipient"] == "anna@example.se"
        assert reference in receipt["subject"] and "/t/" in receipt["body"]

    async def test_an_auto_reply_gets_no_receipt(self, client: TestClient, app: web.Application) -> None:
        port = listening_port(app[SMTP_SERVER])
        await send(port, mail(subject="Frånvaro", Message_ID="<auto@example.se>", Auto_Submitted="auto-replied"))
        assert await app[DB].fetch_value("SELECT count(*) FROM cases") == 1
        assert await app[DB].fetch_value("SELECT count(*) FROM email_outbox") == 0


async def test_an_auto_reply_joins_but_does_not_reopen(db: Database, port: int) -> None:
    _, text = await send(port, mail(Message_ID="<orig@example.se>"))
    await db.execute("UPDATE cases SET state = 'waiting'")
    await send(port, mail(subject=f"Autosvar: {text.split()[-1]}", Message_ID="<ooo@example.se>",
                          Auto_Submitted="auto-replied", body="Jag är på semester."))
    assert await db.fetch_value("SELECT count(*) FROM case_messages") == 1
    assert await db.fetch_value("SELECT state FROM cases") == "waiting"
