from urllib.parse import parse_qs, urlsplit

import pytest

from panel.auth import SESSION_COOKIE
from tests.conftest import PASSWORD
from tests.helpers import post_form


async def test_anonymous_staff_page_redirects_to_login(client) -> None:
    response = await client.get("/staff/users", allow_redirects=False)
    assert response.status == 303
    location = urlsplit(response.headers["Location"])
    assert location.path == "/login" and parse_qs(location.query) == {"next": ["/staff/users"]}


async def test_wrong_password_is_refused(client, make_user) -> None:
    user = await make_user("handler")
    response = await post_form(client, "/login", {"username": user.username, "password": "wrong password"})
    assert response.status == 401
    assert "Fel användarnamn eller lösenord" in await response.text()
    assert SESSION_COOKIE not in {c.key for c in client.session.cookie_jar}


async def test_unknown_user_gets_the_same_answer(client) -> None:
    response = await post_form(client, "/login", {"username": "nobody", "password": "whatever123"})
    assert response.status == 401


async def test_each_login_gives_a_new_session_and_logout_ends_it(client, make_user) -> None:
    user = await make_user("analyst")
    credentials = {"username": user.username, "password": PASSWORD, "next": "/staff"}
    first = await post_form(client, "/login", credentials, allow_redirects=False)
    assert first.status == 303 and first.headers["Location"] == "/staff"
    second = await post_form(client, "/login", credentials, page="/staff", allow_redirects=False)
    first_id, second_id = first.cookies[SESSION_COOKIE].value, second.cookies[SESSION_COOKIE].value
    assert first_id != second_id
    stale = await client.get("/staff", cookies={SESSION_COOKIE: first_id}, allow_redirects=False)
    assert stale.status == 303  # the session from before the second log-in is gone
    assert (await client.get("/staff")).status == 200
    await post_form(client, "/logout", {}, page="/staff")
    response = await client.get("/staff", cookies={SESSION_COOKIE: second_id}, allow_redirects=False)
    assert response.status == 303


async def test_login_redirect_stays_on_site(client, make_user) -> None:
    user = await make_user("viewer")
    response = await post_form(
        client, "/login", {"username": user.username, "password": PASSWORD, "next": "//evil.example/x"},
        allow_redirects=False,
    )
    assert response.headers["Location"] == "/staff"


async def test_missing_csrf_token_is_forbidden(client, make_user) -> None:
    user = await make_user("admin")
    await client.get("/login")
    response = await client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert response.status == 403
    assert "Formuläret har gått ut" in await response.text()
    response = await client.post(
        "/login", data={"username": user.username, "password": PASSWORD, "csrf_token": "forged"}
    )
    assert response.status == 403


async def test_login_is_throttled_after_repeated_failures(client, make_user) -> None:
    user = await make_user("handler")
    for _ in range(5):
        assert (await post_form(client, "/login", {"username": user.username, "password": "nope-nope"})).status == 401
    response = await post_form(client, "/login", {"username": user.username, "password": PASSWORD})
    assert response.status == 429


@pytest.mark.parametrize(
    ("role", "path", "status"),
    [
        ("viewer", "/staff", 200),
        ("viewer", "/staff/users", 403),
        ("handler", "/staff/audit", 403),
        ("analyst", "/staff/users", 403),
        ("admin", "/staff/users", 200),
        ("admin", "/staff/audit", 200),
    ],
)
async def test_roles_are_checked(client, login, role: str, path: str, status: int) -> None:
    await login(client, role)
    response = await client.get(path, allow_redirects=False)
    assert response.status == status


async def test_admin_creates_a_user_and_it_is_audited(client, login) -> None:
    await login(client, "admin")
    response = await post_form(
        client, "/staff/users", {"username": "ny", "display_name": "Ny Person", "role": "handler",
                                 "email": "ny@kommun.example.se", "password": "ett-langt-losenord"},
    )
    assert response.status == 200
    assert "ny@kommun.example.se" in await response.text()
    audit = await client.get("/staff/audit")
    assert "Skapade konto" in await audit.text()
    short = await post_form(client, "/staff/users", {"username": "kort", "role": "handler", "password": "kort"})
    assert short.status == 422
    bad_mail = await post_form(client, "/staff/users", {"username": "x", "role": "handler", "email": "x@",
                                                        "password": "ett-langt-losenord"})
    assert bad_mail.status == 422 and "giltig e-postadress" in await bad_mail.text()


async def test_admin_cannot_lock_themself_out(client, login) -> None:
    admin = await login(client, "admin")
    response = await post_form(client, f"/staff/users/{admin.id}", {"role": "viewer", "active": "1"},
                               page="/staff/users")
    assert response.status == 400
    assert "din egen administratörsroll" in await response.text()
    assert (await client.get("/staff/users")).status == 200


async def test_the_audit_log_reads_as_words_and_links_to_the_objects(client, login, app) -> None:
    from panel import audit
    from panel.keys import DB

    admin = await login(client, "admin")
    async with app[DB].transaction() as tx:
        await audit.record(tx, admin.id, "view_contact", "case", 42)
        await audit.record(tx, None, "retention_purge", "sms_outbox", "old", "3 SMS")
    page = await (await client.get("/staff/audit")).text()
    assert "Visade kontaktuppgifter" in page and 'Ärende <a href="/staff/cases/42">42</a>' in page
    assert "Gallrade" in page and "systemet" in page and "view_contact" not in page
    assert '<option value="case">Ärende</option>' in page
    only_cases = await (await client.get("/staff/audit?type=case")).text()
    assert "Visade kontaktuppgifter" in only_cases and "Gallrade" not in only_cases
    await client.get("/lang/en")
    english = await (await client.get("/staff/audit")).text()
    assert "Viewed contact details" in english and "Case" in english
