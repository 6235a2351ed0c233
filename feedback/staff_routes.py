"""Staff pages of case handling: the inbox, the case page and its forms, the phrase library, the mail outbox.

Thin handlers: read the request, let `inbox_query`/`handling` check it, let `case_actions` change the case in
one transaction, redirect. A refused decision re-renders the case page with the reason (422); a case changed
by someone else meanwhile re-renders it with the new picture (409). Nothing is half stored.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from aiohttp import web

from panel import audit, clock
from panel.auth import logged_in_user, require_role
from panel.db import Row
from panel.i18n import _
from panel.keys import DB, SETTINGS
from panel.numbers import whole
from panel.web import bad_request, form_value, render

from . import case_actions
from . import handling_store as store
from .case_view import case_page_context, deadline
from .department_store import departments
from .handling import (
    CHANNELS,
    KINDS,
    PRIORITIES,
    DecisionError,
    channel_label,
    kind_label,
    parse_decision,
    priority_label,
    staff_event_detail,
    staff_event_label,
    state_label,
)
from .inbox_query import STATE_FILTERS, QueryError, page_count, parse_inbox_query
from .outbound import recent_mail
from .store import case_by_reference

routes = web.RouteTableDef()
STAFF = ("handler", "admin")
LABELS = {"state": state_label, "priority": priority_label, "kind": kind_label, "channel": channel_label}


async def _case_or_404(request: web.Request) -> Row:
    case = await store.case_detail(request.app[DB], int(request.match_info["id"]))
    if case is None:
        raise web.HTTPNotFound()
    return case


@routes.get("/staff/cases")
@require_role(*STAFF)
async def inbox(request: web.Request) -> web.Response:
    try:
        query = parse_inbox_query(request.query)
    except QueryError as exc:
        return bad_request(request, str(exc))
    db, user, now = request.app[DB], logged_in_user(request), clock.now_db()
    rows, total = await store.inbox(db, query, user.id, now)
    today = clock.local(clock.utcnow()).date()  # type: ignore[union-attr]
    return render(request, "feedback/inbox.html", {
        "query": query, "total": total, "pages": page_count(total),
        "cases": [(row, deadline(row, today)) for row in rows],
        "counts": await store.inbox_counts(db, user.id, now),
        "categories": await store.categories(db), "departments": await departments(db),
        "handlers": await store.handlers(db), "state_filters": STATE_FILTERS, "kinds": KINDS,
        "channels": CHANNELS, "labels": LABELS,
    })


async def _render_case(request: web.Request, case: Row, *, status: int = 200, show_contact: bool = False,
                       **extra: Any) -> web.Response:
    phrase = request.query.get("phrase", "")
    context = await case_page_context(request.app[DB], request.app[SETTINGS], case, show_contact=show_contact,
                                      phrase_id=whole(phrase))
    context.update(labels=LABELS, event_label=staff_event_label, event_detail=staff_event_detail,
                   done=request.query.get("done", ""), errors={}, values={}, conflict=False)
    context.update(extra)
    return render(request, "feedback/case.html", context, status=status)


@routes.get(r"/staff/cases/{id:\d{1,18}}")
@require_role(*STAFF)
async def case_page(request: web.Request) -> web.Response:
    case = await _case_or_404(request)
    show_contact = request.query.get("contact") == "1"
    if show_contact:
        async with request.app[DB].transaction() as tx:
            await case_actions.view_contact(tx, case["id"], logged_in_user(request))
    return await _render_case(request, case, show_contact=show_contact)


@routes.post(r"/staff/cases/{id:\d{1,18}}/decision")
@require_role(*STAFF)
async def decide(request: web.Request) -> web.Response:
    case = await _case_or_404(request)
    form = await request.post()
    values = {name: form_value(form, name) for name in ("decision", "comment", "department")}
    db, settings = request.app[DB], request.app[SETTINGS]
    try:
        decision = parse_decision(values, case["state"], await departments(db))
        async with db.transaction() as tx:
            await case_actions.decide(tx, case, decision, logged_in_user(request), now=clock.now_db(),
                                      expected_updated_at=form_value(form, "version"), base_url=settings.base_url)
    except DecisionError as exc:
        return await _render_case(request, case, status=422, errors={"decision": str(exc)}, values=values)
    except case_actions.CaseChanged:
        return await _changed(request, values)
    raise web.HTTPSeeOther(f"/staff/cases/{case['id']}?done={values['decision']}")


async def _changed(request: web.Request, values: dict[str, str] | None = None) -> web.Response:
    fresh = await _case_or_404(request)
    return await _render_case(request, fresh, status=409, values=values or {}, conflict=True)


@routes.post(r"/staff/cases/{id:\d{1,18}}/handling")
@require_role(*STAFF)
async def change_handling(request: web.Request) -> web.Response:
    case = await _case_or_404(request)
    form = await request.post()
    assignee, priority = form_value(form, "assignee"), form_value(form, "priority")
    handler_ids = {row["id"] for row in await store.handlers(request.app[DB])}
    errors = {}
    assignee_id = whole(assignee)
    if assignee and assignee_id not in handler_ids:
        errors["assignee"] = _("Välj en handläggare i listan.")
    if priority not in PRIORITIES:
        errors["priority"] = _("Välj en prioritet.")
    if errors:
        return await _render_case(request, case, status=422, errors=errors)
    change = case_actions.HandlingChange(assignee_id, priority,
                                         form_value(form, "secret") == "1")
    try:
        async with request.app[DB].transaction() as tx:
            await case_actions.change_handling(tx, case, change, logged_in_user(request), now=clock.now_db(),
                                               expected_updated_at=form_value(form, "version"))
    except case_actions.CaseChanged:
        return await _changed(request)
    raise web.HTTPSeeOther(f"/staff/cases/{case['id']}?done=handling")


@routes.post(r"/staff/cases/{id:\d{1,18}}/merge")
@require_role(*STAFF)
async def merge(request: web.Request) -> web.Response:
    case = await _case_or_404(request)
    form = await request.post()
    db = request.app[DB]
    reference = form_value(form, "target", limit=40).upper()
    target = await case_by_reference(db, reference) if reference else None
    try:
        if target is None:
            raise DecisionError(_("Ange numret på ett befintligt ärende, till exempel SYN-2026-00042."))
        async with db.transaction() as tx:
            await case_actions.merge(tx, case, target, logged_in_user(request), now=clock.now_db(),
                                     expected_updated_at=form_value(form, "version"),
                                     base_url=request.app[SETTINGS].base_url)
    except DecisionError as exc:
        return await _render_case(request, case, status=422, errors={"target": str(exc)})
    except case_actions.CaseChanged:
        return await _changed(request)
    raise web.HTTPSeeOther(f"/staff/cases/{case['id']}?done=merge")


@routes.get(r"/staff/cases/{id:\d{1,18}}/attachments/{attachment:\d{1,18}}")
@require_role(*STAFF)
async def download_attachment(request: web.Request) -> web.Response:
    case_id, attachment_id = int(request.match_info["id"]), int(request.match_info["attachment"])
    row = await store.attachment(request.app[DB], case_id, attachment_id)
    if row is None:
        raise web.HTTPNotFound()
    # A resident's file may hold personal data: opening it is logged like the contact details.
    async with request.app[DB].transaction() as tx:
        await audit.record(tx, logged_in_user(request).id, "view_attachment", "case", case_id, row["filename"])
    # Always a download, never rendered in our origin; the type was sniffed from the bytes at intake.
    disposition = f"attachment; filename*=UTF-8''{quote(row['filename'])}"
    return web.Response(body=row["data"], content_type=row["content_type"],
                        headers={"Content-Disposition": disposition, "Cache-Control": "no-store"})


# -- phrase library -------------------------------------------------------------------------------------


def _phrase_detail(category_code: str, title: str) -> str:
    """The audit detail of a phrase, as the category pages write it; a general phrase has an empty category."""
    return f"category={category_code} title={title}"


async def _render_phrases(request: web.Request, *, status: int = 200, **extra: Any) -> web.Response:
    db = request.app[DB]
    context = {"phrases": await store.phrases(db), "categories": await store.categories(db), "errors": {},
               "values": {}, "done": request.query.get("done", "")}
    context.update(extra)
    return render(request, "feedback/case_phrases.html", context, status=status)


@routes.get("/staff/cases/phrases")
@require_role(*STAFF)
async def phrase_library(request: web.Request) -> web.Response:
    return await _render_phrases(request)


@routes.post("/staff/cases/phrases")
@require_role(*STAFF)
async def add_phrase(request: web.Request) -> web.Response:
    form = await request.post()
    db = request.app[DB]
    values = {"title": form_value(form, "title", limit=120), "body": form_value(form, "body", limit=5000),
              "category": form_value(form, "category")}
    errors = {}
    if not values["title"]:
        errors["title"] = _("Ge frasen en rubrik.")
    if not values["body"]:
        errors["body"] = _("Skriv frasens text.")
    categories = await store.categories(db)
    category_ids = {row["id"] for row in categories}
    category_id = whole(values["category"])
    if values["category"] and category_id not in category_ids:
        errors["category"] = _("Välj en kategori i listan.")
    if not errors:
        code = next((row["code"] for row in categories if row["id"] == category_id), "")
        user = logged_in_user(request)
        async with db.transaction() as tx:
            phrase_id = await store.add_phrase(tx, category_id, values["title"], values["body"], user.id,
                                               clock.now_db())
            if phrase_id is not None:
                await audit.record(tx, user.id, "create", "case_phrase", phrase_id,
                                   _phrase_detail(code, values["title"]))
        if phrase_id is not None:
            raise web.HTTPSeeOther("/staff/cases/phrases?done=added")
        errors["title"] = _("Det finns redan en fras med den rubriken i kategorin.")
    return await _render_phrases(request, status=422, errors=errors, values=values)


@routes.post(r"/staff/cases/phrases/{id:\d{1,18}}/delete")
@require_role(*STAFF)
async def delete_phrase(request: web.Request) -> web.Response:
    phrase_id = int(request.match_info["id"])
    async with request.app[DB].transaction() as tx:
        phrase = await store.phrase(tx, phrase_id)
        if phrase is not None and await store.delete_phrase(tx, phrase_id):
            await audit.record(tx, logged_in_user(request).id, "delete", "case_phrase", phrase_id,
                               _phrase_detail(phrase["category_code"] or "", phrase["title"]))
    raise web.HTTPSeeOther("/staff/cases/phrases?done=deleted")


@routes.get("/staff/mail-outbox")
@require_role(*STAFF)
async def mail_outbox(request: web.Request) -> web.Response:
    # The page shows residents' addresses and answers: reading it is logged like opening contact details.
    async with request.app[DB].transaction() as tx:
        await audit.record(tx, logged_in_user(request).id, "view_mail_outbox", "email_outbox", "recent")
    return render(request, "feedback/case_mail_outbox.html", {"mails": await recent_mail(request.app[DB])})
