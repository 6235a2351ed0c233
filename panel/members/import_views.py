"""Staff import of a member list and SMS invitations to join.

The import is two steps without keeping the file on the server: the dry run shows the report and carries
the file on in a hidden field with an HMAC of its bytes, so the commit writes exactly the file that was
reviewed (re-checked against the registry as it is then).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

from aiohttp import web

from panel import audit, phones
from panel.auth import logged_in_user, require_role
from panel.clock import utcnow
from panel.i18n import _
from panel.keys import DB, SECRET, SETTINGS
from panel.members import import_run, importing, store, texts
from panel.web import form_value, render
from sms import outbox

routes = web.RouteTableDef()
REPORT_ROWS = 500  # rows shown on the page; the counts cover the whole file


def _digest(secret: bytes, data: bytes) -> str:
    return hmac.new(secret, b"member-import:" + data, hashlib.sha256).hexdigest()


@routes.get("/staff/members/import")
@require_role("admin")
async def import_page(request: web.Request) -> web.Response:
    return render(request, "members/import.html", {"report": None, "error": ""})


async def _uploaded(request: web.Request) -> tuple[str, bytes, bool]:
    """The file's name and bytes, from the upload or the reviewed copy; and whether to commit."""
    form = await request.post()
    upload = form.get("file")
    if isinstance(upload, web.FileField):
        return upload.filename or "", upload.file.read(), False
    payload, digest = form_value(form, "payload", limit=20_000_000), form_value(form, "digest", limit=100)
    try:
        data = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        data = b""
    if not data or not hmac.compare_digest(digest, _digest(request.app[SECRET], data)):
        raise importing.ImportFileError(_("Välj filen igen och gör en ny kontroll."))
    return form_value(form, "filename", limit=200), data, True


@routes.post("/staff/members/import")
@require_role("admin")
async def import_file(request: web.Request) -> web.Response:
    db, user = request.app[DB], logged_in_user(request)
    try:
        filename, data, commit = await _uploaded(request)
        rows = importing.read_table(filename, data)
    except importing.ImportFileError as exc:
        return render(request, "members/import.html", {"report": None, "error": str(exc)}, status=422)
    if commit:
        async with db.transaction() as tx:
            report = await import_run.commit(tx, rows, user_id=user.id, now=utcnow(), filename=filename)
        context = {"report": report, "committed": True, "filename": filename}
    else:
        report = await import_run.check(db, rows, utcnow().date())
        context = {"report": report, "committed": False, "filename": filename,
                   "payload": base64.b64encode(data).decode(), "digest": _digest(request.app[SECRET], data)}
    context.update({"error": "", "shown": report.rows[:REPORT_ROWS], "limit": REPORT_ROWS})
    return render(request, "members/import.html", context)


# -- invitations to join -----------------------------------------------------------------------------------


@routes.get("/staff/members/invite")
@require_role("analyst")
async def invite_page(request: web.Request) -> web.Response:
    return render(request, "members/invite.html", {"result": None, "error": "", "numbers": ""})


@routes.post("/staff/members/invite")
@require_role("analyst")
async def invite(request: web.Request) -> web.Response:
    form = await request.post()
    text = form_value(form, "numbers", limit=200_000)
    language = "en" if form_value(form, "language") == "en" else "sv"
    numbers, invalid = [], []
    for line in text.replace(",", "\n").replace(";", "\n").splitlines():
        if line.strip():
            try:
                numbers.append(phones.normalize(line))
            except phones.PhoneError:
                invalid.append(line.strip()[:40])
    if not numbers:
        error = _("Skriv minst ett giltigt mobilnummer, ett per rad.")
        return render(request, "members/invite.html", {"result": None, "error": error, "numbers": text}, status=422)
    settings, user = request.app[SETTINGS], logged_in_user(request)
    body = texts.invitation(language, settings.municipality, settings.base_url + "/join")
    sent = 0
    async with request.app[DB].transaction() as tx:
        members = await store.existing_phones(tx, numbers)
        for phone in dict.fromkeys(numbers):
            if phone in members:
                continue
            # One invitation per number ever, keyed by a keyed hash: a plain hash of a phone number is
            # undone by hashing every Swedish mobile number, and the key outlives the SMS's retention.
            key = "member_invite:" + hmac.new(request.app[SECRET], phone.encode(), "sha256").hexdigest()[:24]
            if await outbox.enqueue(tx, recipient=phone, body=body, purpose="member_invitation", dedupe_key=key):
                sent += 1
        await audit.record(tx, user.id, "invite", "member", "invite", detail=f"{sent} invitations")
    result = {"sent": sent, "members": len(members), "invalid": invalid,
              "repeated": len(set(numbers)) - len(members) - sent}
    return render(request, "members/invite.html", {"result": result, "error": "", "numbers": ""})
