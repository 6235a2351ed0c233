"""/staff/departments: admins keep the departments that cases are routed and forwarded to, and the address
each one's daily reminder of overdue cases goes to.

Thin handlers, like the category pages: `department_forms` checks what was typed, `department_store` writes
it, and every change is recorded in the audit log in the same transaction. A department is named by its
name, which may hold any character, so the pages of one department take it as a query parameter
(`/staff/departments/edit?name=…`). Renaming is not offered: cases keep the name they were given.
Bad input re-renders the form with an error summary (422); a refused deletion says why (409).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from panel import audit
from panel.auth import logged_in_user, require_role
from panel.db import Row
from panel.i18n import _
from panel.keys import DB
from panel.web import render

from . import department_store as store
from .department_forms import DepartmentForm, check_department, check_email, email_change, name_key
from .public_routes import text_fields

routes = web.RouteTableDef()
PAGE = "/staff/departments"


def _refusals() -> dict[str, str]:
    """Why a department cannot be deleted, by the store's answer (translated when asked, for the page's
    language)."""
    return {
        "categories": _("Kategorier skickar nya ärenden till förvaltningen, så den kan inte tas bort. Ändra "
                        "förvaltning på kategorierna först."),
        "cases": _("Förvaltningen har öppna ärenden och kan inte tas bort. Lämna över eller avsluta dem först."),
        "unregistered": _("Förvaltningen har inga egna uppgifter att ta bort. Den visas så länge ärenden nämner den."),
    }


async def _department_or_404(request: web.Request) -> Row:
    name = request.query.get("name", "")
    department = await store.department(request.app[DB], name) if name else None
    if department is None:
        raise web.HTTPNotFound()
    return department


@routes.get(PAGE)
@require_role("admin")
async def list_page(request: web.Request) -> web.Response:
    return render(request, "feedback/departments.html", {
        "departments": await store.departments_with_use(request.app[DB]), "done": request.query.get("done", ""),
    })


async def _render_department(request: web.Request, department: Row | None, *, status: int = 200,
                             **extra: Any) -> web.Response:
    context: dict[str, Any] = {
        "department": department, "errors": {},
        "values": {"email": department["email"]} if department is not None else {},
    }
    context.update(extra)
    return render(request, "feedback/department.html", context, status=status)


async def _refused(request: web.Request, department: Row | None, form: DepartmentForm) -> web.Response:
    return await _render_department(request, department, status=422, values=form.values, errors=form.errors)


def _taken(names: list[str], name: str) -> bool:
    key = name_key(name)
    return any(name_key(other) == key for other in names)


@routes.get(PAGE + "/new")
@require_role("admin")
async def new_department(request: web.Request) -> web.Response:
    return await _render_department(request, None)


@routes.post(PAGE + "/new")
@require_role("admin")
async def create_department(request: web.Request) -> web.Response:
    form = check_department(text_fields(await request.post()))
    # A taken name is named with the other problems (and checked again where the department is written).
    if "name" not in form.errors and _taken(await store.all_names(request.app[DB]), form.values["name"]):
        form.refuse_name()
    if form.ok:
        name, email = form.values["name"], form.values["email"]
        user = logged_in_user(request)
        async with request.app[DB].transaction() as tx:
            # In case someone added the name meanwhile.
            added = not _taken(await store.all_names(tx), name) and await store.insert_department(tx, name, email)
            if added:
                await audit.record(tx, user.id, "create", "department", name, f"email={email}")
        if added:
            raise web.HTTPSeeOther(f"{PAGE}?done=added")
        form.refuse_name()
    return await _refused(request, None, form)


@routes.get(PAGE + "/edit")
@require_role("admin")
async def department_page(request: web.Request) -> web.Response:
    return await _render_department(request, await _department_or_404(request))


@routes.post(PAGE + "/edit")
@require_role("admin")
async def save_department(request: web.Request) -> web.Response:
    department = await _department_or_404(request)
    form = check_email(text_fields(await request.post()))
    if not form.ok:
        return await _refused(request, department, form)
    name, email = department["name"], form.values["email"]
    async with request.app[DB].transaction() as tx:
        old = await store.set_email(tx, name, email)
        if old is None:  # named on categories or cases until now: it gets its row
            await audit.record(tx, logged_in_user(request).id, "create", "department", name, f"email={email}")
        else:
            await audit.record(tx, logged_in_user(request).id, "update", "department", name, email_change(old, email))
    raise web.HTTPSeeOther(f"{PAGE}?done=saved")


@routes.post(PAGE + "/delete")
@require_role("admin")
async def delete_department(request: web.Request) -> web.Response:
    department = await _department_or_404(request)
    async with request.app[DB].transaction() as tx:
        outcome = await store.delete_unused_department(tx, department["name"])
        if outcome == "deleted":
            await audit.record(tx, logged_in_user(request).id, "delete", "department", department["name"],
                               f"email={department['email']}")
    if outcome != "deleted":
        fresh = await _department_or_404(request)
        return await _render_department(request, fresh, status=409, errors={"delete": _refusals()[outcome]})
    raise web.HTTPSeeOther(f"{PAGE}?done=deleted")
