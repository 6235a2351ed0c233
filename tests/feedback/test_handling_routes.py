"""The handler's flow through the web: inbox, case page, decisions on the resident's channel, assignment,
conflicts, permissions and the audit trail."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient

from feedback.forms import Upload
from panel.auth import User
from panel.keys import DB
from tests.feedback.handling_support import audit_actions, case_row, mails_to, new_case, sms_to
from tests.helpers import post_form

Login = Callable[[TestClient, str], Awaitable[User]]


async def decide(client: TestClient, app: web.Application, case_id: int, **data: Any) -> Any:
    case = await case_row(app[DB], case_id)
    return await post_form(client, f"/staff/cases/{case_id}/decision", {"version": case["updated_at"], **data},
                           page=f"/staff/cases/{case_id}", allow_redirects=False)


async def test_answer_goes_by_email_to_an_email_resident(client: TestClient, app: web.Application,
                                                         login: Login) -> None:
    await login(client, "handler")
    case = await new_case(app[DB], contact_email="anna@exempel.se")
    response = await decide(client, app, case.case_id, decision="answer", comment="Hålet lagas på tisdag.")
    assert response.status == 303
    assert (await case_row(app[DB], case.case_id))["state"] == "answered"
    mails = await mails_to(app[DB], "anna@exempel.se")
    assert [mail["purpose"] for mail in mails] == ["case_receipt", "case_answer"]
    assert "Hålet lagas på tisdag." in mails[1]["body"] and f"/t/{case.tracking_token}" in mails[1]["body"]
    page = await (await client.get(f"/staff/cases/{case.case_id}")).text()
    assert "Hålet lagas på tisdag." in page and "Besvarad" in page
    assert "case_answer" in await audit_actions(app[DB], case.case_id)


async def test_answer_goes_by_sms_to_an_sms_resident(client: TestClient, app: web.Application, login: Login) -> None:
    await login(client, "handler")
    case = await new_case(app[DB], channel="sms", contact_phone="+46701234567", category_code=None)
    await decide(client, app, case.case_id, decision="answer", comment="Tack, vi tittar på det.")
    texts = await sms_to(app[DB], "+46701234567")
    assert [row["purpose"] for row in texts] == ["case_receipt", "case_answer"]
    assert texts[1]["body"].startswith("Tack, vi tittar på det.")


async def test_completion_waits_and_the_residents_reply_reopens(client: TestClient, app: web.Application,
                                                                 login: Login) -> None:
    await login(client, "handler")
    case = await new_case(app[DB])
    await decide(client, app, case.case_id, decision="request_completion", comment="Vilket husnummer?")
    assert (await case_row(app[DB], case.case_id))["state"] == "waiting"
    tracking = f"/t/{case.tracking_token}"
    page = await (await client.get(tracking)).text()
    nonce = re.search(r'name="nonce" value="([^"]+)"', page)
    assert nonce and "Vilket husnummer?" in page
    response = await post_form(client, f"{tracking}/message", {"message": "Nummer 12.", "nonce": nonce.group(1)},
                               page=tracking, allow_redirects=False)
    assert response.status == 303
    assert (await case_row(app[DB], case.case_id))["state"] == "open"


async def test_forward_reject_close_and_reopen(client: TestClient, app: web.Application, login: Login) -> None:
    await login(client, "handler")
    case = await new_case(app[DB], contact_email="bo@exempel.se")
    await decide(client, app, case.case_id, decision="forward", department="Utbildning", comment="Skolans fråga")
    row = await case_row(app[DB], case.case_id)
    assert (row["state"], row["department"]) == ("open", "Utbildning")
    await decide(client, app, case.case_id, decision="reject", comment="Trafikverket ansvarar för vägen.")
    assert (await case_row(app[DB], case.case_id))["state"] == "rejected"
    await decide(client, app, case.case_id, decision="reopen")
    await decide(client, app, case.case_id, decision="close")
    row = await case_row(app[DB], case.case_id)
    assert row["state"] == "closed" and row["closed_at"]
    purposes = [mail["purpose"] for mail in await mails_to(app[DB], "bo@exempel.se")]
    assert purposes == ["case_receipt", "case_forward", "case_reject", "case_close"]
    # The internal forwarding comment stays internal: a note in the thread, not in any mail.
    notes = await app[DB].fetch_all("SELECT body FROM case_messages WHERE case_id = ? AND direction = 'note'",
                                    (case.case_id,))
    assert [note["body"] for note in notes] == ["Skolans fråga"]


async def test_a_refused_decision_changes_nothing(client: TestClient, app: web.Application, login: Login) -> None:
    await login(client, "handler")
    case = await new_case(app[DB], contact_email="c@exempel.se")
    response = await decide(client, app, case.case_id, decision="answer", comment="")
    assert response.status == 422
    assert "Skriv en kommentar" in await response.text()
    assert (await case_row(app[DB], case.case_id))["state"] == "new"
    assert len(await mails_to(app[DB], "c@exempel.se")) == 1  # the receipt only


async def test_a_stale_or_resubmitted_form_is_refused(client: TestClient, app: web.Application,
                                                      login: Login) -> None:
    await login(client, "handler")
    case = await new_case(app[DB], contact_email="d@exempel.se")
    stale = (await case_row(app[DB], case.case_id))["updated_at"]
    await decide(client, app, case.case_id, decision="answer", comment="Första svaret")
    response = await post_form(client, f"/staff/cases/{case.case_id}/decision",
                               {"version": stale, "decision": "answer", "comment": "Första svaret"},
                               page=f"/staff/cases/{case.case_id}", allow_redirects=False)
    assert response.status == 409
    answers = [m for m in await mails_to(app[DB], "d@exempel.se") if m["purpose"] == "case_answer"]
    assert len(answers) == 1


async def test_assignment_priority_and_secrecy(client: TestClient, app: web.Application, login: Login) -> None:
    user = await login(client, "handler")
    case = await new_case(app[DB])
    version = (await case_row(app[DB], case.case_id))["updated_at"]
    response = await post_form(client, f"/staff/cases/{case.case_id}/handling",
                               {"version": version, "assignee": str(user.id), "priority": "high", "secret": "1"},
                               page=f"/staff/cases/{case.case_id}", allow_redirects=False)
    assert response.status == 303
    row = await case_row(app[DB], case.case_id)
    assert (row["assignee_user_id"], row["priority"], row["secret"], row["state"]) == (user.id, "high", 1, "open")
    assert {"case_assign", "case_priority", "case_secrecy"} <= set(await audit_actions(app[DB], case.case_id))
    mine = await (await client.get("/staff/cases?assignee=me")).text()
    assert case.reference in mine
    bad = await post_form(client, f"/staff/cases/{case.case_id}/handling",
                          {"version": row["updated_at"], "assignee": "99999", "priority": "high"},
                          page=f"/staff/cases/{case.case_id}", allow_redirects=False)
    assert bad.status == 422


async def test_inbox_filters(client: TestClient, app: web.Application, login: Login) -> None:
    await login(client, "handler")
    web_case = await new_case(app[DB], kind="idea", body="Fler parkbänkar i stadsparken")
    sms_case = await new_case(app[DB], channel="sms", contact_phone="+46701234568", body="Trasig lampa")
    page = await (await client.get("/staff/cases?channel=sms")).text()
    assert sms_case.reference in page and web_case.reference not in page
    page = await (await client.get("/staff/cases?kind=idea&sort=created&order=asc")).text()
    assert web_case.reference in page and sms_case.reference not in page
    page = await (await client.get("/staff/cases?text=parkbänk")).text()
    assert web_case.reference in page and sms_case.reference not in page
    assert (await client.get("/staff/cases?state=bogus")).status == 400


async def test_viewing_contact_details_is_audited(client: TestClient, app: web.Application, login: Login) -> None:
    await login(client, "handler")
    case = await new_case(app[DB], contact_email="eva@exempel.se", contact_name="Eva Ek")
    page = await (await client.get(f"/staff/cases/{case.case_id}")).text()
    assert "eva@exempel.se" not in page and "e•••@exempel.se" in page
    assert "view_contact" not in await audit_actions(app[DB], case.case_id)
    page = await (await client.get(f"/staff/cases/{case.case_id}?contact=1")).text()
    assert "eva@exempel.se" in page and "Eva Ek" in page
    assert "view_contact" in await audit_actions(app[DB], case.case_id)


async def test_roles(client: TestClient, app: web.Application, login: Login) -> None:
    case = await new_case(app[DB])
    anonymous = await client.get(f"/staff/cases/{case.case_id}", allow_redirects=False)
    assert anonymous.status in (302, 303) and "/login" in anonymous.headers["Location"]
    await login(client, "viewer")
    assert (await client.get("/staff/cases")).status == 403
    assert (await client.get(f"/staff/cases/{case.case_id}")).status == 403
    assert (await client.get("/staff/cases/999999")).status == 403  # no hint whether a case exists


async def test_unknown_case_is_404_for_staff(client: TestClient, login: Login) -> None:
    await login(client, "admin")
    assert (await client.get("/staff/cases/999999")).status == 404


async def test_phrase_library_fills_the_comment(client: TestClient, app: web.Application, login: Login) -> None:
    await login(client, "handler")
    gata = await app[DB].fetch_value("SELECT id FROM categories WHERE code = 'gata'")
    response = await post_form(client, "/staff/cases/phrases",
                               {"category": str(gata), "title": "Lagas inom en vecka",
                                "body": "Vi lagar det inom en vecka."}, allow_redirects=False)
    assert response.status == 303
    duplicate = await post_form(client, "/staff/cases/phrases",
                                {"category": str(gata), "title": "Lagas inom en vecka", "body": "Igen"})
    assert duplicate.status == 422 and "finns redan" in await duplicate.text()
    empty = await post_form(client, "/staff/cases/phrases", {"category": "", "title": "", "body": ""})
    assert empty.status == 422
    phrase_id = await app[DB].fetch_value("SELECT id FROM case_phrases")
    case = await new_case(app[DB])  # category gata
    page = await (await client.get(f"/staff/cases/{case.case_id}?phrase={phrase_id}")).text()
    assert re.search(r'<textarea id="comment"[^>]*>Vi lagar det inom en vecka.</textarea>', page)
    other = await new_case(app[DB], category_code="skola")
    assert "Lagas inom en vecka" not in await (await client.get(f"/staff/cases/{other.case_id}")).text()


async def test_phrase_library_changes_are_audited(client: TestClient, app: web.Application, login: Login) -> None:
    handler = await login(client, "handler")
    gata = await app[DB].fetch_value("SELECT id FROM categories WHERE code = 'gata'")
    for category, title in ((str(gata), "Lagas inom en vecka"), ("", "Tack för din synpunkt")):
        response = await post_form(client, "/staff/cases/phrases", {"category": category, "title": title,
                                                                    "body": "Text."}, allow_redirects=False)
        assert response.status == 303
    # Refused additions write nothing.
    assert (await post_form(client, "/staff/cases/phrases", {"category": str(gata), "title": "Lagas inom en vecka",
                                                             "body": "Igen"})).status == 422
    assert (await post_form(client, "/staff/cases/phrases", {"category": "", "title": "", "body": ""})).status == 422
    ids = {row["title"]: row["id"] for row in await app[DB].fetch_all("SELECT id, title FROM case_phrases")}
    for title in ("Lagas inom en vecka", "Tack för din synpunkt"):
        response = await post_form(client, f"/staff/cases/phrases/{ids[title]}/delete", {}, page="/staff/cases/phrases",
                                   allow_redirects=False)
        assert response.status == 303
    # Deleting a phrase that is gone changes nothing and records nothing.
    response = await post_form(client, f"/staff/cases/phrases/{ids['Tack för din synpunkt']}/delete", {},
                               page="/staff/cases/phrases", allow_redirects=False)
    assert response.status == 303
    assert await app[DB].fetch_value("SELECT COUNT(*) FROM case_phrases") == 0
    rows = await app[DB].fetch_all("SELECT * FROM audit_log WHERE object_type = 'case_phrase' ORDER BY id")
    assert [(row["user_id"], row["action"], row["object_id"], row["detail"]) for row in rows] == [
        (handler.id, "create", str(ids["Lagas inom en vecka"]), "category=gata title=Lagas inom en vecka"),
        (handler.id, "create", str(ids["Tack för din synpunkt"]), "category= title=Tack för din synpunkt"),
        (handler.id, "delete", str(ids["Lagas inom en vecka"]), "category=gata title=Lagas inom en vecka"),
        (handler.id, "delete", str(ids["Tack för din synpunkt"]), "category= title=Tack för din synpunkt"),
    ]


async def test_mail_outbox_page_shows_console_mail_and_is_audited(client: TestClient, app: web.Application,
                                                                  login: Login) -> None:
    await login(client, "handler")
    await new_case(app[DB], contact_email="frida@exempel.se")
    page = await (await client.get("/staff/mail-outbox")).text()
    assert "frida@exempel.se" in page and "Vi har tagit emot din synpunkt" in page
    assert await app[DB].fetch_value("SELECT COUNT(*) FROM audit_log WHERE action = 'view_mail_outbox'") == 1


async def test_attachments_download_and_are_audited(client: TestClient, app: web.Application, login: Login) -> None:
    await login(client, "handler")
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    case = await new_case(app[DB], attachments=[Upload("gropen på gatan.png", png, "image/png")])
    other = await new_case(app[DB])
    attachment_id = await app[DB].fetch_value("SELECT id FROM case_attachments WHERE case_id = ?", (case.case_id,))
    page = await (await client.get(f"/staff/cases/{case.case_id}")).text()
    assert f"/staff/cases/{case.case_id}/attachments/{attachment_id}" in page
    response = await client.get(f"/staff/cases/{case.case_id}/attachments/{attachment_id}")
    assert response.status == 200 and await response.read() == png
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["Content-Disposition"] == "attachment; filename*=UTF-8''gropen%20p%C3%A5%20gatan.png"
    assert "view_attachment" in await audit_actions(app[DB], case.case_id)
    assert (await client.get(f"/staff/cases/{other.case_id}/attachments/{attachment_id}")).status == 404


async def test_inbox_marks_a_residents_new_message(client: TestClient, app: web.Application, login: Login) -> None:
    await login(client, "handler")
    case = await new_case(app[DB])
    assert "Nytt meddelande" not in await (await client.get("/staff/cases")).text()
    async with app[DB].transaction() as tx:
        await tx.execute("INSERT INTO case_messages (case_id, at, direction, channel, body)"
                         " VALUES (?, '2099-01-01T00:00:00.000Z', 'in', 'sms', 'Hallå?')", (case.case_id,))
    assert "Nytt meddelande" in await (await client.get("/staff/cases")).text()


async def test_a_decision_on_an_unassigned_case_makes_the_decider_its_handler(client: TestClient,
                                                                               app: web.Application,
                                                                               login: Login) -> None:
    user = await login(client, "handler")
    for decision, comment in (("answer", "Hålet lagas på tisdag."), ("request_completion", "Vilket husnummer?"),
                              ("reject", "Trafikverket ansvarar för vägen."), ("close", "")):
        case = await new_case(app[DB], contact_email="e@exempel.se")
        assert (await decide(client, app, case.case_id, decision=decision, comment=comment)).status == 303
        assert (await case_row(app[DB], case.case_id))["assignee_user_id"] == user.id, decision
        actions = await audit_actions(app[DB], case.case_id)
        assert actions.index("case_assign") < actions.index(f"case_{decision}"), actions
        page = await (await client.get(f"/staff/cases/{case.case_id}")).text()
        assert f'<th scope="row">Handläggare</th><td>{user.display_name}</td>' in page
        assert "Handläggare ändrad" in page


async def test_notes_forwarding_and_a_colleagues_case_keep_their_handler(client: TestClient, app: web.Application,
                                                                         login: Login, make_user: Any) -> None:
    await login(client, "handler")
    noted = await new_case(app[DB])
    await decide(client, app, noted.case_id, decision="note", comment="Ringt entreprenören.")
    forwarded = await new_case(app[DB])
    await decide(client, app, forwarded.case_id, decision="forward", department="Utbildning")
    colleague = await make_user("handler")
    theirs = await new_case(app[DB])
    await app[DB].execute("UPDATE cases SET assignee_user_id = ? WHERE id = ?", (colleague.id, theirs.case_id))
    await decide(client, app, theirs.case_id, decision="answer", comment="Svar i kollegans ställe.")
    assert (await case_row(app[DB], noted.case_id))["assignee_user_id"] is None
    assert (await case_row(app[DB], forwarded.case_id))["assignee_user_id"] is None
    assert (await case_row(app[DB], theirs.case_id))["assignee_user_id"] == colleague.id
    assert "case_assign" not in await audit_actions(app[DB], theirs.case_id)


async def test_the_case_history_names_channels_and_states_in_words(client: TestClient, app: web.Application,
                                                                   login: Login) -> None:
    await login(client, "handler")
    case = await new_case(app[DB], channel="phone", contact_phone="+46701234567")
    version = (await case_row(app[DB], case.case_id))["updated_at"]
    await post_form(client, f"/staff/cases/{case.case_id}/handling",
                    {"version": version, "assignee": "", "priority": "high", "secret": "1"},
                    page=f"/staff/cases/{case.case_id}", allow_redirects=False)
    page = await (await client.get(f"/staff/cases/{case.case_id}")).text()
    assert 'Ärendet registrerades <span class="muted">(Telefon)</span>' in page
    assert 'Prioritet ändrad <span class="muted">(Hög)</span>' in page
    assert 'Sekretessprövning ändrad <span class="muted">(sekretessprövas)</span>' in page
    for code in ("(phone)", "(high)", "(on)"):
        assert code not in page
