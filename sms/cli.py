"""`panel sms ...`: the outbox at a glance, a test message, a signed inbound SMS for demos and staging, and
the retention job run by hand."""

from __future__ import annotations

import argparse
import sys
import uuid
from typing import Any

import aiohttp
from twilio.request_validator import RequestValidator

from panel.clock import STOCKHOLM, utcnow
from panel.db import Database
from panel.settings import Settings
from sms import outbox, policy, retention, store
from sms.schedule import QuietHours, estimate_done
from sms.webhooks import SIGNATURE_HEADER


def register(subparsers: Any) -> None:
    sms = subparsers.add_parser("sms", help="the SMS outbox")
    sub = sms.add_subparsers(dest="sms_command", required=True)
    sub.add_parser("status", help="messages per state, the queue and when it will be sent").set_defaults(
        handler=status_command)
    send = sub.add_parser("send", help="queue a test SMS; the running server sends it")
    send.add_argument("number", help="recipient in E.164, e.g. +46701234567")
    send.add_argument("text")
    send.add_argument("--urgent", action="store_true", help="send during quiet hours too")
    send.set_defaults(handler=send_command)
    inbound = sub.add_parser("inbound", help="post a signed inbound SMS to the running server, as Twilio would")
    inbound.add_argument("--from", dest="from_number", required=True, help="sender in E.164")
    inbound.add_argument("text", help="the message, e.g. STOPP")
    inbound.set_defaults(handler=inbound_command)
    sub.add_parser("purge", help="remove numbers and texts of SMS older than PANEL_RETENTION_SMS_DAYS").set_defaults(
        handler=purge_command)


async def status_command(args: argparse.Namespace, db: Database, settings: Settings) -> int:
    totals = await store.totals(db)
    for state in policy.STATES:
        print(f"{state:12} {totals.get(state, 0):>8}")
    non_urgent, urgent = await store.queued_counts(db)
    quiet = QuietHours.parse(settings.sms_quiet_hours)
    print(f"backend {settings.sms_backend}, {settings.sms_rate_per_second:g}/s, quiet hours {quiet or 'off'}")
    if non_urgent + urgent:
        done = estimate_done(non_urgent, settings.sms_rate_per_second, utcnow(), quiet).astimezone(STOCKHOLM)
        print(f"queued {non_urgent + urgent} ({urgent} urgent); all sent by about {done:%Y-%m-%d %H:%M}")
    return 0


async def send_command(args: argparse.Namespace, db: Database, settings: Settings) -> int:
    try:
        async with db.transaction() as tx:
            message_id = await outbox.enqueue(tx, recipient=args.number, body=args.text, purpose="test",
                                              urgent=args.urgent)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"queued as #{message_id}")
    return 0


async def inbound_command(args: argparse.Namespace, db: Database, settings: Settings) -> int:
    if not settings.twilio_auth_token:
        print("PANEL_TWILIO_AUTH_TOKEN is needed to sign the request", file=sys.stderr)
        return 2
    url = settings.base_url + "/webhooks/twilio/sms"
    sid = "SM" + uuid.uuid4().hex
    fields = {"MessageSid": sid, "SmsSid": sid, "AccountSid": settings.twilio_account_sid,
              "From": args.from_number, "To": settings.twilio_from, "Body": args.text, "NumMedia": "0"}
    signature = RequestValidator(settings.twilio_auth_token).compute_signature(url, fields)
    try:
        async with aiohttp.ClientSession() as session, session.post(
            url, data=fields, headers={SIGNATURE_HEADER: signature}
        ) as response:
            print(f"{response.status} {await response.text()}")
            return 0 if response.status == 200 else 1
    except aiohttp.ClientError as exc:
        print(f"cannot reach {url}: {exc}", file=sys.stderr)
        return 1


async def purge_command(args: argparse.Namespace, db: Database, settings: Settings) -> int:
    purged = await retention.purge(db, days=settings.retention_sms_days, now=utcnow())
    print(f"number and text removed from {purged.outbox} outgoing and {purged.inbound} received SMS older than"
          f" {settings.retention_sms_days} days")
    return 0
