"""The core pages: home, staff log-in and log-out, the staff dashboard, accounts, the audit log, language."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from aiohttp import web

from panel import audit, auth, store
from panel.auth import ROLES, USER, LoginThrottled, logged_in_user, require_role
from panel.i18n import LANGUAGES, _
from panel.keys import DB, SETTINGS
from panel.middleware import LANGUAGE_COOKIE
from panel.numbers import whole
from panel.web import bad_request, client_address, form_value, render

routes = web.RouteTableDef()
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _safe_next(target: str) -> str:
    """Only a path on this site, so the log-in page cannot send anyone elsewhere."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/staff"
    return target


@routes.get("/")
async def home(request: web.Request) -> web.Response:
    return render(request, "panel/home.html")


@routes.get("/favicon.ico")
async def favicon(request: web.Request) -> web.Response:
    # Browsers and feed readers ask for it at the root whatever the page says.
    raise web.HTTPMovedPermanently("/static/favicon.svg")


@routes.get("/lang/{code}")
async def choose_language(request: web.Request) -> web.Response:
    code = request.match_info["code"]
    if code not in LANGUAGES:
        raise web.HTTPNotFound
    response = web.HTTPSeeOther(_safe_next(request.query.get("next", "/")))
    response.set_cookie(LANGUAGE_COOKIE, code, max_age=365 * 86400, samesite="Lax", path="/")
    raise response


@routes.get("/login")
async def login_page(request: web.Request) -> web.Response:
    if request.get(USER) is not None:
        raise web.HTTPSeeOther(_safe_next(request.query.get("next", "/staff")))
    return render(request, "panel/login.html", {"next": _safe_next(request.query.get("next", "/staff"))})


@routes.post("/login")
async def login(request: web.Request) -> web.Response:
    form = await request.post()
    username, password = form_value(form, "username", limit=200), str(form.get("password", ""))[:1000]
    target = _safe_next(form_value(form, "next") or "/staff")
    context = {"next": target, "username": username}
    if not username or not password:
        context["error"] = _("Fyll i både användarnamn och lösenord.")
        return render(request, "panel/login.html", context, status=400)
    db = request.app[DB]
    try:
        user_id = await auth.authenticate(
            db, username, password, client_address(request), max_failures=request.app[SETTINGS].login_attempts
        )
    except LoginThrottled:
        context["error"] = _("För många misslyckade inloggningar. Vänta 15 minuter och försök igen.")
        return render(request, "panel/login.html", context, status=429)
    if user_id is None:
        context["error"] = _("Fel användarnamn eller lösenord.")
        return render(request, "panel/login.html", context, status=401)
    raw = await auth.start_session(db, user_id, request.cookies.get(auth.SESSION_COOKIE))
    response = web.HTTPSeeOther(target)
    auth.set_session_cookie(request, response, raw)
    raise response


@routes.post("/logout")
async def logout(request: web.Request) -> web.Response:
    raw = request.cookies.get(auth.SESSION_COOKIE)
    if raw:
        await auth.end_session(request.app[DB], raw)
    response = web.HTTPSeeOther("/")
    response.del_cookie(auth.SESSION_COOKIE, path="/")
    raise response


@routes.get("/staff")
@require_role("handler", "analyst", "viewer")
async def dashboard(request: web.Request) -> web.Response:
    return render(request, "panel/dashboard.html")


@routes.get("/staff/users")
@require_role("admin")
async def users_page(request: web.Request) -> web.Response:
    return render(request, "panel/users.html", {
        "users": await store.list_users(request.app[DB]), "roles": ROLES, "done": request.query.get("done", ""),
    })


@routes.post("/staff/users")
@require_role("admin")
async def create_user(request: web.Request) -> web.Response:
    form = await request.post()
    admin = logged_in_user(request)
    username, role = form_value(form, "username", limit=100), form_value(form, "role")
    display_name, password = form_value(form, "display_name", limit=200), str(form.get("password", ""))
    email = form_value(form, "email", limit=254)
    db = request.app[DB]
    errors = []
    if not username:
        errors.append(_("Ange ett användarnamn."))
    elif await store.user_by_name(db, username) is not None:
        errors.append(_("Användarnamnet finns redan."))
    if role not in ROLES:
        errors.append(_("Välj en roll."))
    if problem := auth.check_new_password(password):
        errors.append(problem)
    if email and not _EMAIL.match(email):
        errors.append(_("Ange en giltig e-postadress eller lämna fältet tomt."))
    if errors:
        context = {"users": await store.list_users(db), "roles": ROLES, "errors": errors, "form": form}
        return render(request, "panel/users.html", context, status=422)
    async with db.transaction() as tx:
        user_id = await auth.create_user(tx, username, password, role, display_name, email)
        await audit.record(tx, admin.id, "create_user", "user", user_id, f"role={role}")
    raise web.HTTPSeeOther("/staff/users")


@routes.post("/staff/users/{id:\\d{1,18}}")
@require_role("admin")
async def update_user(request: web.Request) -> web.Response:
    form = await request.post()
    admin = logged_in_user(request)
    user_id, role = int(request.match_info["id"]), form_value(form, "role")
    active, email = form_value(form, "active") == "1", form_value(form, "email", limit=254)
    if role not in ROLES or (user_id == admin.id and (role != "admin" or not active)):
        return bad_request(request, _("Du kan inte ta bort din egen administratörsroll eller stänga ditt eget konto."))
    if email and not _EMAIL.match(email):
        return bad_request(request, _("Ange en giltig e-postadress eller lämna fältet tomt."), status=422)
    async with request.app[DB].transaction() as tx:
        await store.update_user(tx, user_id, role=role, active=active, email=email)
        await audit.record(tx, admin.id, "update_user", "user", user_id, f"role={role} active={int(active)}")
    raise web.HTTPSeeOther("/staff/users")


@routes.post("/staff/users/password")
@require_role("admin")
async def set_password(request: web.Request) -> web.Response:
    form = await request.post()
    admin, db = logged_in_user(request), request.app[DB]
    user_text, password = form_value(form, "user"), str(form.get("password", ""))
    user_id = whole(user_text)
    errors = []
    if user_id is None or not any(u["id"] == user_id for u in await store.list_users(db)):
        errors.append(_("Välj ett konto."))
    if problem := auth.check_new_password(password):
        errors.append(problem)
    if errors or user_id is None:
        context = {"users": await store.list_users(db), "roles": ROLES, "password_errors": errors,
                   "password_user": user_text}
        return render(request, "panel/users.html", context, status=422)
    password_hash = await auth.hash_password(password)  # slow on purpose: outside the write transaction
    async with db.transaction() as tx:
        await store.set_password(tx, user_id, password_hash)
        await audit.record(tx, admin.id, "set_password", "user", user_id)
    raise web.HTTPSeeOther("/staff/users?done=password")


@routes.get("/staff/audit")
@require_role("admin")
async def audit_log(request: web.Request) -> web.Response:
    before = request.query.get("before", "")
    object_type = request.query.get("type", "")[:50]
    rows = await store.audit_page(
        request.app[DB], object_type=object_type, before_id=whole(before), limit=100
    )
    return render(request, "panel/audit.html", {
        "rows": rows, "object_type": object_type, "actions": audit.action_labels(),
        "objects": audit.object_labels(), "page_of": audit.object_page,
    })
