"""Staff pages of the sms package: the outbox, and the segment counter's server side."""

from __future__ import annotations

from datetime import timedelta
from importlib import resources

import phonenumbers
from aiohttp import web

from panel import audit
from panel.auth import logged_in_user, require_role
from panel.clock import to_db
from panel.i18n import _
from panel.keys import DB, SETTINGS
from panel.web import render
from sms import compose, policy, store
from sms.keys import SMS_CLOCK
from sms.schedule import QuietHours, estimate_done

PAGE_SIZE = 50
_SCRIPT = resources.files("sms").joinpath("static", "segments.js").read_text(encoding="utf-8")


def state_labels() -> dict[str, str]:
    return {
        policy.QUEUED: _("I kö"), policy.SENDING: _("Skickas"), policy.SENT: _("Skickat"),
        policy.DELIVERED: _("Levererat"), policy.UNDELIVERED: _("Ej levererat"), policy.FAILED: _("Misslyckat"),
        policy.CANCELLED: _("Avbrutet"),
    }


def purpose_labels() -> dict[str, str]:
    """Names for the purposes the packages use today; any other purpose is shown as it is stored."""
    return {
        "invitation": _("Inbjudan till enkät"),
        "reminder": _("Påminnelse om enkät"),
        "survey_reply": _("Svar på sms-enkät"),
        "member_signup": _("Bekräftelse av anmälan"),
        "member_invitation": _("Inbjudan till panelen"),
        "member_leave_link": _("Länk för att lämna panelen"),
        "keyword_reply": _("Svar på STOPP, START eller HJÄLP"),
        "case_receipt": _("Kvitto på synpunkt"),
        "case_answer": _("Svar på synpunkt"),
        "case_request_completion": _("Fråga om komplettering"),
        "case_reject": _("Besked om avvisad synpunkt"),
        "case_close": _("Besked om avslutat ärende"),
        "case_merged": _("Besked om sammanslaget ärende"),
        "test": _("Testmeddelande"),
    }


def _recipient_filter(text: str) -> str | None:
    """A phone number as staff type it (070-123 45 67, +46 70 ...) in E.164, or None if it is not one."""
    try:
        number = phonenumbers.parse(text, "SE")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@require_role("admin", "analyst")
async def outbox_page(request: web.Request) -> web.Response:
    query = request.query
    filters = {"state": query.get("state", ""), "purpose": query.get("purpose", "")[:100],
               "recipient": query.get("recipient", "").strip()[:40]}
    errors = []
    if filters["state"] and filters["state"] not in policy.STATES:
        errors.append(_("Välj ett av tillstånden i listan."))
        filters["state"] = ""
    recipient = ""
    if filters["recipient"]:
        recipient = _recipient_filter(filters["recipient"]) or ""
        if not recipient:
            errors.append(_("Mottagaren måste vara ett telefonnummer, till exempel 070-123 45 67."))
    before = query.get("before", "")
    if before and not before.isdigit():
        errors.append(_("Ogiltig sida i listan; visar de senaste meddelandena."))
        before = ""
    db, settings = request.app[DB], request.app[SETTINGS]
    rows = await store.list_messages(db, state=filters["state"], purpose=filters["purpose"], recipient=recipient,
                                     before_id=int(before) if before else None, limit=PAGE_SIZE + 1)
    user = logged_in_user(request)
    async with db.transaction() as tx:  # recipients and texts are personal data: record who looked
        await audit.record(tx, user.id, "view_sms_outbox", "sms_outbox", before or "latest",
                           detail=" ".join(f"{k}={v}" for k, v in filters.items() if v))
    non_urgent, urgent = await store.queued_counts(db)
    quiet = QuietHours.parse(settings.sms_quiet_hours)
    now = request.app[SMS_CLOCK].now()
    context = {
        "messages": rows[:PAGE_SIZE],
        "next_before": rows[PAGE_SIZE - 1]["id"] if len(rows) > PAGE_SIZE else None,
        "filters": filters, "errors": errors, "states": policy.STATES,
        "labels": state_labels(), "purpose_labels": purpose_labels(),
        "purposes": await store.purposes(db), "totals": await store.totals(db),
        "queued": non_urgent + urgent, "urgent": urgent,
        "rate": settings.sms_rate_per_second, "quiet": quiet, "backend": settings.sms_backend,
        "quiet_now": quiet is not None and quiet.contains(now),
        "resumes_at": quiet.allowed_from(now) if quiet else None,
        "done_at": estimate_done(non_urgent, settings.sms_rate_per_second, now, quiet) if non_urgent else None,
        "price": settings.sms_price_per_segment,
        # Rows with a blank number were redacted: by retention if older than this, else by an erasure.
        "retention_days": settings.retention_sms_days,
        "retention_cutoff": to_db(now - timedelta(days=settings.retention_sms_days)),
    }
    return render(request, "sms/outbox.html", context, status=400 if errors else 200)


@require_role("admin", "handler", "analyst")
async def segments_json(request: web.Request) -> web.Response:
    """The counter's words for a draft text (POST, so a long text fits; the CSRF check covers it)."""
    form = await request.post()
    value = form.get("text", "")
    text = value[:5000] if isinstance(value, str) else ""  # not stripped: spaces cost characters too
    return web.json_response(compose.counter(text, request.app[SETTINGS].sms_price_per_segment).as_json())


async def segments_script(request: web.Request) -> web.Response:
    return web.Response(text=_SCRIPT, content_type="application/javascript",
                        headers={"Cache-Control": "public, max-age=3600"})
