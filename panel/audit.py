"""The audit log: who read or changed what personal data, and when. Written in the same transaction as the act."""

from __future__ import annotations

from panel import clock, store
from panel.db import Transaction
from panel.i18n import _


async def record(
    tx: Transaction,
    user_id: int | None,
    action: str,
    object_type: str,
    object_id: int | str,
    detail: str = "",
) -> None:
    """Record one act, e.g. `record(tx, user.id, "view_contact", "case", case_id)`."""
    await store.insert_audit(tx, user_id, action, object_type, str(object_id), detail[:2000], clock.now_db())


# What the audit log page calls each act and each kind of object. The packages record short codes; the
# names live here, in one place, so the page reads as sentences ("Besvarade ärendet") in both languages.
# A code without a name is shown as it is stored.
def action_labels() -> dict[str, str]:
    return {
        "case_answer": _("Besvarade ärendet"), "case_request_completion": _("Bad om komplettering"),
        "case_forward": _("Lämnade över ärendet"), "case_reject": _("Avvisade ärendet"),
        "case_close": _("Avslutade ärendet"), "case_reopen": _("Öppnade ärendet igen"),
        "case_note": _("Skrev en anteckning"), "case_assign": _("Fördelade ärendet"),
        "case_merge": _("Slog ihop ärenden"), "case_priority": _("Ändrade prioritet"),
        "case_secrecy": _("Ändrade sekretessmarkering"), "view_contact": _("Visade kontaktuppgifter"),
        "view_attachment": _("Öppnade en bilaga"), "create": _("Lade till"), "update": _("Ändrade"),
        "edit": _("Ändrade"), "delete": _("Tog bort"), "activate": _("Aktiverade"), "deactivate": _("Inaktiverade"),
        "view": _("Visade"), "list": _("Sökte bland medlemmarna"), "status": _("Ändrade status"),
        "erase": _("Raderade personuppgifterna"), "export": _("Lämnade ut registerutdrag"),
        "export_answers": _("Exporterade svar"), "import": _("Importerade"), "invite": _("Bjöd in till panelen"),
        "population": _("Laddade upp befolkningstal"), "publish_results": _("Publicerade resultat"),
        "unpublish_results": _("Drog tillbaka publicerade resultat"), "publish_statistics": _("Publicerade statistik"),
        "unpublish_statistics": _("Drog tillbaka publicerad statistik"), "retention_purge": _("Gallrade"),
        "revoke": _("Återkallade"), "create_api_token": _("Skapade API-nyckel"),
        "revoke_api_token": _("Återkallade API-nyckel"), "create_user": _("Skapade konto"),
        "update_user": _("Ändrade konto"), "set_password": _("Bytte lösenord"), "survey.send": _("Skickade enkäten"),
        "view_sms_outbox": _("Visade SMS-utkorgen"), "view_mail_outbox": _("Visade e-postutkorgen"),
    }


def object_labels() -> dict[str, str]:
    return {
        "case": _("Ärende"), "case_phrase": _("Svarsmall"), "category": _("Kategori"),
        "department": _("Förvaltning"), "member": _("Panelmedlem"), "survey": _("Enkät"),
        "statistics": _("Statistik"), "user": _("Konto"), "api_token": _("API-nyckel"),
        "open311_key": _("Open311-nyckel"), "population": _("Befolkningstal"), "sms_outbox": _("SMS-utkorg"),
        "sms_inbound": _("Mottagna SMS"), "email_outbox": _("E-postutkorg"),
    }


# The staff page of an object, where there is one.
_PAGES = {"case": "/staff/cases/{}", "member": "/staff/members/{}", "survey": "/staff/surveys/{}",
          "category": "/staff/categories/{}"}


def object_page(object_type: str, object_id: str) -> str | None:
    pattern = _PAGES.get(object_type)
    return pattern.format(object_id) if pattern and object_id.isdigit() else None
