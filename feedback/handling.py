"""Case handling rules: which decision is allowed in which state, what it leads to, what the resident sees.

Pure logic, no I/O: the routes parse a form into a `DecisionRequest` with `parse_decision`, the store applies
it. `setup(app)` at the end only registers the background jobs (daily deadline reminders, retention, the
e-mail sender), which live in `feedback.handling_jobs`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from aiohttp import web

from panel import clock
from panel.i18n import _

STATES = ("new", "open", "waiting", "answered", "closed", "rejected")
# Cases someone at the municipality must act on; only these can be overdue (`is_overdue` here, and
# `store.overdue_sql` for the inbox, the reminder and the statistics). A 'waiting' case is the resident's turn.
ACTIONABLE = frozenset({"new", "open"})
# Cases not finished, as the resident sees it.
ACTIVE = frozenset({"new", "open", "waiting"})
FINISHED = frozenset({"answered", "closed", "rejected"})
PRIORITIES = ("low", "normal", "high")
KINDS = ("complaint", "praise", "idea", "question", "fault_report")
CHANNELS = ("web", "email", "sms", "phone", "visit", "letter", "open311")
MAX_COMMENT = 5000


class DecisionError(ValueError):
    """A decision that cannot be taken; the message is shown to the handler."""


@dataclass(frozen=True)
class Decision:
    name: str
    target: str | None  # the state after it; None leaves the state as it is
    allowed_from: frozenset[str]
    comment_required: bool
    # Whether the comment goes to the resident (else it is an internal note in the thread).
    comment_to_resident: bool


DECISIONS: dict[str, Decision] = {
    d.name: d
    for d in (
        Decision("answer", "answered", frozenset({"new", "open", "waiting", "answered"}), True, True),
        Decision("request_completion", "waiting", frozenset({"new", "open"}), True, True),
        Decision("forward", "open", frozenset({"new", "open", "waiting"}), False, False),
        Decision("reject", "rejected", frozenset({"new", "open", "waiting"}), True, True),
        Decision("close", "closed", frozenset({"new", "open", "waiting", "answered"}), False, True),
        Decision("reopen", "open", frozenset({"answered", "closed", "rejected"}), False, False),
        Decision("note", None, frozenset(STATES), True, False),
    )
}


# Decisions that take the case on: made on a case nobody has, they make the decider its handler (an answer
# signed by "Handläggare: Ingen" helps no one). Forwarding hands the case on, a note or a reopening does not.
TAKES_ON = frozenset({"answer", "request_completion", "reject", "close"})


@dataclass(frozen=True)
class DecisionRequest:
    decision: Decision
    comment: str
    department: str = ""

    @property
    def new_state(self) -> str | None:
        return self.decision.target


def decision_labels() -> dict[str, str]:
    """Button texts, translated per request."""
    return {
        "answer": _("Svara"),
        "request_completion": _("Begär komplettering"),
        "forward": _("Överlämna"),
        "reject": _("Avvisa – inte vårt ansvar"),
        "close": _("Avsluta"),
        "reopen": _("Öppna igen"),
        "note": _("Intern anteckning"),
    }


def allowed_decisions(state: str) -> list[str]:
    return [name for name, decision in DECISIONS.items() if state in decision.allowed_from]


def parse_decision(form: Mapping[str, str], state: str, departments: Iterable[str]) -> DecisionRequest:
    """Check a submitted decision against the case's current state; raise DecisionError with the reason."""
    name = form.get("decision", "").strip()
    decision = DECISIONS.get(name)
    if decision is None:
        raise DecisionError(_("Välj ett beslut."))
    if state not in decision.allowed_from:
        raise DecisionError(_("Beslutet kan inte tas när ärendet har status ”{state}”.").format(
            state=state_label(state)))
    comment = form.get("comment", "").strip().replace("\r\n", "\n")
    if decision.comment_required and not comment:
        raise DecisionError(_("Skriv en kommentar: den behövs för det här beslutet."))
    if len(comment) > MAX_COMMENT:
        raise DecisionError(_("Kommentaren är för lång (högst {n} tecken).").format(n=MAX_COMMENT))
    department = ""
    if decision.name == "forward":
        department = form.get("department", "").strip()
        if department not in set(departments):
            raise DecisionError(_("Välj den förvaltning ärendet ska lämnas över till."))
    return DecisionRequest(decision, comment, department)


def state_label(state: str) -> str:
    return {
        "new": _("Ny"),
        "open": _("Under handläggning"),
        "waiting": _("Väntar på komplettering"),
        "answered": _("Besvarad"),
        "closed": _("Avslutad"),
        "rejected": _("Avvisad"),
    }.get(state, state)


def priority_label(priority: str) -> str:
    return {"low": _("Låg"), "normal": _("Normal"), "high": _("Hög")}.get(priority, priority)


def kind_label(kind: str) -> str:
    return {
        "complaint": _("Klagomål"),
        "praise": _("Beröm"),
        "idea": _("Idé"),
        "question": _("Fråga"),
        "fault_report": _("Felanmälan"),
    }.get(kind, kind)


def channel_label(channel: str) -> str:
    return {
        "web": _("Webb"),
        "email": _("E-post"),
        "sms": _("SMS"),
        "phone": _("Telefon"),
        "visit": _("Besök"),
        "letter": _("Brev"),
        "open311": _("App (Open311)"),
    }.get(channel, channel)


# -- what the resident is told ------------------------------------------------------------------------

def resident_message(request: DecisionRequest, reference: str, tracking_url: str) -> tuple[str, str] | None:
    """Subject and text sent to the resident for a decision, or None when the decision is internal.

    Always in Swedish: the resident's language is not known, and a case is a Swedish public document.
    """
    name, comment = request.decision.name, request.comment
    follow = f"\n\nFölj ärendet: {tracking_url}"
    if name == "answer":
        return f"Svar på ditt ärende {reference}", f"{comment}{follow}"
    if name == "request_completion":
        return (f"Vi behöver mer information – {reference}",
                f"{comment}\n\nSvara på det här meddelandet eller skriv på ärendets sida.{follow}")
    if name == "forward":
        return (f"Ditt ärende {reference} har lämnats över",
                f"Ditt ärende har lämnats över till {request.department}, som handlägger det.{follow}")
    if name == "reject":
        return f"Ditt ärende {reference}", f"{comment}{follow}"
    if name == "close":
        text = comment or "Ditt ärende är nu avslutat. Tack för att du hörde av dig."
        return f"Ditt ärende {reference} är avslutat", f"{text}{follow}"
    return None


# Event kinds the resident may see on the tracking page, with their public wording. Anything else
# (assignment, priority, notes, who read the contact details) is internal.
def public_event_label(kind: str) -> str | None:
    return {
        "created": _("Ärendet registrerades"),
        "received": _("Ärendet registrerades"),
        "answered": _("Ärendet besvarades"),
        "completion_requested": _("Vi bad om komplettering"),
        "forwarded": _("Ärendet lämnades över till en annan förvaltning"),
        "rejected": _("Ärendet avvisades"),
        "closed": _("Ärendet avslutades"),
        "reopened": _("Ärendet öppnades igen"),
        "resident_message": _("Du skickade ett meddelande"),
        "resident_resolved": _("Du svarade att svaret löste ärendet"),
        "resident_unresolved": _("Du svarade att svaret inte löste ärendet"),
        "merged": _("Ärendet slogs ihop med ett annat ärende om samma sak"),
    }.get(kind)


def staff_event_label(kind: str) -> str:
    """Every event as staff read it in the case history."""
    internal = {
        "note": _("Intern anteckning"),
        "assigned": _("Handläggare ändrad"),
        "priority": _("Prioritet ändrad"),
        "secrecy": _("Sekretessprövning ändrad"),
        "merged_in": _("Ett annat ärende slogs ihop med detta"),
        "message_in": _("Nytt meddelande från invånaren"),
        "answered_directly": _("Besvarat direkt vid första kontakten"),
        "contacts_purged": _("Kontaktuppgifter gallrade"),
        "state": _("Status ändrad"),
        "resident_message": _("Nytt meddelande från invånaren"),
        "resident_resolved": _("Invånaren: svaret löste ärendet"),
        "resident_unresolved": _("Invånaren: svaret löste inte ärendet"),
    }
    return internal.get(kind) or public_event_label(kind) or kind


def staff_event_detail(kind: str, detail: str) -> str:
    """An event's detail as staff read it: the codes some events carry (a channel, a state, a priority, the
    secrecy flag) in words; names, departments and references as they are."""
    if kind in ("received", "message_in"):
        return channel_label(detail)
    if kind == "state":
        return state_label(detail)
    if kind == "priority":
        return priority_label(detail)
    if kind == "secrecy":
        return {"on": _("sekretessprövas"), "off": _("sekretessprövas inte")}.get(detail, detail)
    return detail


EVENT_OF_DECISION = {
    "answer": "answered",
    "request_completion": "completion_requested",
    "forward": "forwarded",
    "reject": "rejected",
    "close": "closed",
    "reopen": "reopened",
    "note": "note",
}


def state_after_resident_message(state: str, *, merged: bool = False) -> str:
    """A resident writing again puts the ball back with the municipality: a completion, an answer disputed, a
    closed matter that is not over for them. A rejected case stays rejected (they were told where to turn), and
    a merged duplicate stays closed: its matter is handled in the case it was merged into."""
    if merged:
        return state
    return "open" if state in ("waiting", "answered", "closed") else state


# -- deadlines --------------------------------------------------------------------------------------------

def due_date(value: str | None) -> date | None:
    """The local date a deadline falls on, from either a date ('2026-12-03') or a UTC time text."""
    if not value:
        return None
    if len(value) == 10:
        return date.fromisoformat(value)
    moment = clock.local(value)
    return None if moment is None else moment.date()


def is_overdue(state: str, answer_due_at: str | None, today: date) -> bool:
    """Overdue once the due day has passed without an answer; a waiting case is the resident's turn.

    The same rule as `store.overdue_sql` (a deadline is the last moment of its due day, so "the due day has
    passed" and "the deadline is before now" agree).
    """
    due = due_date(answer_due_at)
    return state in ACTIONABLE and due is not None and due < today


def setup(app: web.Application) -> None:
    """Start the handling side's background jobs; called by `feedback.web.setup`."""
    # Imported here: the jobs do I/O and import this module; the rules above stay free of both.
    from .handling_jobs import setup as setup_jobs

    setup_jobs(app)
