"""/staff/categories: admins keep the feedback categories, their routing and deadlines, and their reply phrases.

Thin handlers: `category_forms` checks what was typed, `category_store` writes it, and every change is
recorded in the audit log in the same transaction. A category that cases use is deactivated rather than
deleted: it leaves the public form, the staff entry and the Open311 service list, and its cases keep it.
Bad input re-renders the form with an error summary (422); a refused deletion says why (409).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from panel import audit, clock
from panel.auth import logged_in_user, require_role
from panel.db import Row
from panel.i18n import _
from panel.keys import DB
from panel.web import render

from . import category_store as store
from .category_forms import CategoryForm, PhraseForm, category_values, changes, check_category, check_phrase
from .department_store import departments
from .public_routes import text_fields

routes = web.RouteTableDef()
PAGE = "/staff/categories"
ONE = PAGE + r"/{id:\d{1,18}}"
PHRASE = ONE + r"/phrases/{phrase:\d{1,18}}"
# A new category starts with the deadlines most categories have.
NEW_VALUES = {"ack_days": "2", "answer_days": "10"}


async def _category_or_404(request: web.Request) -> Row:
    category = await store.category(request.app[DB], int(request.match_info["id"]))
    if category is None:
        raise web.HTTPNotFound()
    return category


async def _phrase_or_404(request: web.Request, category: Row) -> Row:
    phrase = await store.phrase(request.app[DB], category["id"], int(request.match_info["phrase"]))
    if phrase is None:
        raise web.HTTPNotFound()
    return phrase


@routes.get(PAGE)
@require_role("admin")
async def list_page(request: web.Request) -> web.Response:
    return render(request, "feedback/categories.html", {
        "categories": await store.categories_with_use(request.app[DB]), "done": request.query.get("done", ""),
    })


async def _render_category(request: web.Request, category: Row | None, *, status: int = 200,
                           **extra: Any) -> web.Response:
    context: dict[str, Any] = {
        "category": category, "errors": {}, "done": request.query.get("done", ""),
        "values": category_values(category) if category is not None else NEW_VALUES,
        "departments": await departments(request.app[DB]),
    }
    context.update(extra)
    return render(request, "feedback/category.html", context, status=status)


@routes.get(PAGE + "/new")
@require_role("admin")
async def new_category(request: web.Request) -> web.Response:
    return await _render_category(request, None)


async def _checked(request: web.Request, category_id: int | None = None) -> CategoryForm:
    """The posted form, checked; a code another category has is named with the other problems (and checked
    again when the change is written, in case someone took the code meanwhile)."""
    form = check_category(text_fields(await request.post()))
    if "code" not in form.errors and await store.code_taken(request.app[DB], form.values["code"], category_id):
        form.refuse_code()
    return form


@routes.post(PAGE + "/new")
@require_role("admin")
async def create_category(request: web.Request) -> web.Response:
    form = await _checked(request)
    if form.category is not None:
        user = logged_in_user(request)
        async with request.app[DB].transaction() as tx:
            category_id = await store.insert_category(tx, form.category)
            if category_id is not None:
                await audit.record(tx, user.id, "create", "category", category_id, f"code={form.category.code}")
        if category_id is not None:
            raise web.HTTPSeeOther(f"{PAGE}/{category_id}?done=created")
        form.refuse_code()
    return await _refused(request, None, form)


async def _refused(request: web.Request, category: Row | None, form: CategoryForm) -> web.Response:
    return await _render_category(request, category, status=422, values=form.values, errors=form.errors)


@routes.get(ONE)
@require_role("admin")
async def category_page(request: web.Request) -> web.Response:
    return await _render_category(request, await _category_or_404(request))


@routes.post(ONE)
@require_role("admin")
async def save_category(request: web.Request) -> web.Response:
    category = await _category_or_404(request)
    form = await _checked(request, category["id"])
    if form.category is not None:
        async with request.app[DB].transaction() as tx:
            taken = await store.code_taken(tx, form.category.code, category["id"])
            if not taken:
                if not await store.update_category(tx, category["id"], form.category):
                    raise web.HTTPNotFound()  # deleted meanwhile
                await audit.record(tx, logged_in_user(request).id, "update", "category", category["id"],
                                   changes(category, form.category))
        if not taken:
            raise web.HTTPSeeOther(f"{PAGE}/{category['id']}?done=saved")
        form.refuse_code()
    return await _refused(request, category, form)


async def _set_active(request: web.Request, active: bool) -> web.Response:
    category = await _category_or_404(request)
    async with request.app[DB].transaction() as tx:
        if await store.set_active(tx, category["id"], active):
            await audit.record(tx, logged_in_user(request).id, "activate" if active else "deactivate", "category",
                               category["id"], f"code={category['code']}")
    raise web.HTTPSeeOther(f"{PAGE}?done={'activated' if active else 'deactivated'}")


@routes.post(ONE + "/deactivate")
@require_role("admin")
async def deactivate(request: web.Request) -> web.Response:
    return await _set_active(request, False)


@routes.post(ONE + "/activate")
@require_role("admin")
async def activate(request: web.Request) -> web.Response:
    return await _set_active(request, True)


@routes.post(ONE + "/delete")
@require_role("admin")
async def delete_category(request: web.Request) -> web.Response:
    category = await _category_or_404(request)
    async with request.app[DB].transaction() as tx:
        phrases = await store.delete_unused_category(tx, category["id"])
        if phrases is not None:
            await audit.record(tx, logged_in_user(request).id, "delete", "category", category["id"],
                               f"code={category['code']} phrases={phrases}")
    if phrases is None:
        fresh = await _category_or_404(request)
        message = _("Kategorin används av ärenden och kan inte tas bort. Inaktivera den i stället.")
        return await _render_category(request, fresh, status=409, errors={"delete": message})
    raise web.HTTPSeeOther(f"{PAGE}?done=deleted")


# -- reply phrases ---------------------------------------------------------------------------------------


async def _render_phrases(request: web.Request, category: Row, *, status: int = 200,
                          **extra: Any) -> web.Response:
    context: dict[str, Any] = {
        "category": category, "phrases": await store.phrases_of(request.app[DB], category["id"]),
        "values": {}, "errors": {}, "done": request.query.get("done", ""),
    }
    context.update(extra)
    return render(request, "feedback/category_phrases.html", context, status=status)


@routes.get(ONE + "/phrases")
@require_role("admin")
async def phrases_page(request: web.Request) -> web.Response:
    return await _render_phrases(request, await _category_or_404(request))


async def _checked_phrase(request: web.Request, category: Row, phrase_id: int | None = None) -> PhraseForm:
    """The posted phrase, checked like a category's code: a taken title is named with the other problems."""
    form = check_phrase(text_fields(await request.post()))
    title = form.values["title"]
    if "title" not in form.errors and await store.phrase_title_taken(request.app[DB], category["id"], title, phrase_id):
        form.refuse_title()
    return form


@routes.post(ONE + "/phrases")
@require_role("admin")
async def add_phrase(request: web.Request) -> web.Response:
    category = await _category_or_404(request)
    form = await _checked_phrase(request, category)
    if form.ok:
        user = logged_in_user(request)
        async with request.app[DB].transaction() as tx:
            phrase_id = await store.insert_phrase(tx, category["id"], form.values["title"], form.values["body"],
                                                  user.id, clock.now_db())
            if phrase_id is not None:
                await audit.record(tx, user.id, "create", "case_phrase", phrase_id,
                                   f"category={category['code']} title={form.values['title']}")
        if phrase_id is not None:
            raise web.HTTPSeeOther(f"{PAGE}/{category['id']}/phrases?done=added")
        form.refuse_title()
    return await _render_phrases(request, category, status=422, values=form.values, errors=form.errors)


async def _render_phrase(request: web.Request, category: Row, phrase: Row, form: PhraseForm | None = None,
                         *, status: int = 200) -> web.Response:
    context = {"category": category, "phrase": phrase,
               "values": form.values if form else {"title": phrase["title"], "body": phrase["body"]},
               "errors": form.errors if form else {}}
    return render(request, "feedback/category_phrase.html", context, status=status)


@routes.get(PHRASE)
@require_role("admin")
async def phrase_page(request: web.Request) -> web.Response:
    category = await _category_or_404(request)
    return await _render_phrase(request, category, await _phrase_or_404(request, category))


@routes.post(PHRASE)
@require_role("admin")
async def save_phrase(request: web.Request) -> web.Response:
    category = await _category_or_404(request)
    phrase = await _phrase_or_404(request, category)
    form = await _checked_phrase(request, category, phrase["id"])
    if form.ok:
        title, body = form.values["title"], form.values["body"]
        async with request.app[DB].transaction() as tx:
            taken = await store.phrase_title_taken(tx, category["id"], title, phrase["id"])
            if not taken:
                if not await store.update_phrase(tx, category["id"], phrase["id"], title, body):
                    raise web.HTTPNotFound()  # deleted meanwhile
                await audit.record(tx, logged_in_user(request).id, "update", "case_phrase", phrase["id"],
                                   f"category={category['code']} title={title}")
        if not taken:
            raise web.HTTPSeeOther(f"{PAGE}/{category['id']}/phrases?done=saved")
        form.refuse_title()
    return await _render_phrase(request, category, phrase, form, status=422)


@routes.post(PHRASE + "/delete")
@require_role("admin")
async def delete_phrase(request: web.Request) -> web.Response:
    category = await _category_or_404(request)
    phrase = await _phrase_or_404(request, category)
    async with request.app[DB].transaction() as tx:
        if await store.delete_phrase(tx, category["id"], phrase["id"]):
            await audit.record(tx, logged_in_user(request).id, "delete", "case_phrase", phrase["id"],
                               f"category={category['code']} title={phrase['title']}")
    raise web.HTTPSeeOther(f"{PAGE}/{category['id']}/phrases?done=deleted")
