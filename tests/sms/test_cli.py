"""`panel sms status|send|inbound|purge`."""

from __future__ import annotations

import argparse
from datetime import timedelta
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from panel.clock import utcnow
from panel.db import Database
from panel.keys import DB, SETTINGS
from panel.settings import Settings
from sms import cli, outbox
from tests.sms.conftest import Recorder, add_keyword_handler


async def test_send_queues_and_status_counts(db: Database, settings: Settings,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    args = argparse.Namespace(number="+46701234567", text="Test från kommunen", urgent=False)
    assert await cli.send_command(args, db, settings) == 0
    assert await db.fetch_value("SELECT body FROM sms_messages WHERE purpose = 'test'") == "Test från kommunen"
    assert await cli.status_command(argparse.Namespace(), db, settings) == 0
    out = capsys.readouterr().out
    assert "queued as #1" in out and "queued 1 (0 urgent)" in out


async def test_send_refuses_a_bad_number(db: Database, settings: Settings,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    args = argparse.Namespace(number="0701234567", text="Hej", urgent=False)
    assert await cli.send_command(args, db, settings) == 2
    assert "E.164" in capsys.readouterr().err
    assert await db.fetch_value("SELECT COUNT(*) FROM sms_messages") == 0


async def test_inbound_posts_a_signed_sms_to_the_running_server(
    app: web.Application, settings: Settings, recorder: Recorder, unused_tcp_port: int
) -> None:
    public = settings.replace(public_url=f"http://127.0.0.1:{unused_tcp_port}")
    app[SETTINGS] = public  # the server checks signatures against the same public URL the command signs
    add_keyword_handler(app, recorder)
    async with TestServer(app, port=unused_tcp_port):
        args: Any = argparse.Namespace(from_number="+46701234567", text="STOPP")
        assert await cli.inbound_command(args, app[DB], public) == 0
    assert [k.value for k, _ in recorder.keywords] == ["opt_out"]


async def test_inbound_needs_the_auth_token(db: Database, settings: Settings) -> None:
    args = argparse.Namespace(from_number="+46701234567", text="STOPP")
    assert await cli.inbound_command(args, db, settings.replace(twilio_auth_token="")) == 2


async def test_purge_redacts_old_finished_messages(db: Database, settings: Settings,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    long_ago = utcnow() - timedelta(days=settings.retention_sms_days + 1)
    async with db.transaction() as tx:
        for number in ("+46701234567", "+46707654321"):
            await outbox.enqueue(tx, recipient=number, body="Gammal", purpose="test", now=long_ago)
        await tx.execute("UPDATE sms_messages SET state = 'delivered' WHERE recipient = '+46701234567'")
    assert await cli.purge_command(argparse.Namespace(), db, settings) == 0
    assert "number and text removed from 1 outgoing and 0 received SMS older than 180 days" in capsys.readouterr().out
    rows = await db.fetch_all("SELECT state, recipient, body FROM sms_messages ORDER BY id")
    assert [tuple(r) for r in rows] == [("delivered", "", ""), ("queued", "+46707654321", "Gammal")]
