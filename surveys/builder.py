"""Validation of what an analyst builds: the survey's texts, times and reminder plan, and each question.

Pure functions from submitted form fields to a draft value or a list of problems, one per field, so the
builder can re-render the form with an error summary. Times are entered in Swedish local time.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from panel.clock import STOCKHOLM
from panel.i18n import _
from panel.numbers import whole
from surveys.model import FREE_TEXT, KINDS, MULTIPLE, SINGLE, Question

PLACEHOLDERS = ("{link}", "{deadline}", "{name}")
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
MAX_TITLE = 200
MAX_TEXT = 2000
MAX_SMS = 640  # four concatenated segments of GSM-7 is already a long invitation
MAX_OPTIONS = 20
MAX_OPTION = 200


@dataclass(frozen=True)
class Problem:
    field: str  # the form field's name, so the error summary can link to it
    message: str


@dataclass(frozen=True)
class SurveyDraft:
    title: str
    title_en: str
    intro: str
    intro_en: str
    invitation_text: str
    invitation_text_en: str
    reminder_text: str
    reminder_text_en: str
    opens_at: datetime | None
    closes_at: datetime | None
    reminder_after_days: int
    reminder_max: int


@dataclass(frozen=True)
class QuestionDraft:
    kind: str
    text: str
    text_en: str
    required: bool
    dont_know: bool
    options: tuple[str, ...]
    options_en: tuple[str, ...]
    page: int


def _field(form: Mapping[str, Any], name: str) -> str:
    value = form.get(name, "")
    return value.strip() if isinstance(value, str) else ""


def parse_local_time(text: str) -> datetime:
    """A `datetime-local` field ("2026-12-01T18:00"), read as Stockholm time; ValueError if malformed."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is not None:
        raise ValueError("a local time has no zone")
    if not 2000 <= moment.year <= 2200:  # also keeps the conversion to UTC inside datetime's range
        raise ValueError("a year this system will not see")
    return moment.replace(tzinfo=STOCKHOLM)


def sms_text_problems(field: str, text: str, *, needs_link: bool) -> list[Problem]:
    problems = []
    unknown = sorted(set(_PLACEHOLDER.findall(text)) - set(PLACEHOLDERS))
    if unknown:
        message = _("Okänd platshållare: {names}. Tillåtna är {link}, {deadline} och {name}.")
        problems.append(Problem(field, message.replace("{names}", ", ".join(unknown))))
    if needs_link and "{link}" not in text:
        problems.append(Problem(field, _("Sms-texten måste innehålla {link}, medlemmens personliga länk.")))
    if len(text) > MAX_SMS:
        problems.append(Problem(field, _("Sms-texten är för lång (högst 640 tecken).")))
    return problems


def _whole_number(form: Mapping[str, Any], name: str, low: int, high: int, problems: list[Problem]) -> int:
    value = whole(_field(form, name) or "0")
    if value is None or not low <= value <= high:
        problems.append(Problem(name, _("Ange ett heltal från {low} till {high}.")
                                .replace("{low}", str(low)).replace("{high}", str(high))))
        return 0
    return value


def parse_survey(form: Mapping[str, Any], *, now: datetime) -> tuple[SurveyDraft | None, list[Problem]]:
    problems: list[Problem] = []
    title = _field(form, "title")
    if not title:
        problems.append(Problem("title", _("Ge enkäten en rubrik.")))
    limits = {"title": MAX_TITLE, "title_en": MAX_TITLE, "intro": MAX_TEXT, "intro_en": MAX_TEXT}
    for name, limit in limits.items():
        if len(_field(form, name)) > limit:
            message = _("Texten är för lång (högst {n} tecken).")
            problems.append(Problem(name, message.replace("{n}", str(limit))))
    invitation = _field(form, "invitation_text")
    if not invitation:
        problems.append(Problem("invitation_text", _("Skriv inbjudan som skickas med sms.")))
    else:
        problems += sms_text_problems("invitation_text", invitation, needs_link=True)
    for name in ("invitation_text_en", "reminder_text", "reminder_text_en"):
        if _field(form, name):
            problems += sms_text_problems(name, _field(form, name), needs_link=True)

    times: dict[str, datetime | None] = {}
    for name in ("opens_at", "closes_at"):
        text = _field(form, name)
        times[name] = None
        if text:
            try:
                times[name] = parse_local_time(text)
            except ValueError:
                problems.append(Problem(name, _("Ange datum och tid som 2026-12-01 18:00.")))
    opens, closes = times["opens_at"], times["closes_at"]
    if closes is None and "closes_at" not in {p.field for p in problems}:
        problems.append(Problem("closes_at", _("Ange när enkäten stänger.")))
    elif closes is not None and closes <= now:
        problems.append(Problem("closes_at", _("Stängningstiden har redan passerat.")))
    if opens is not None and closes is not None and opens >= closes:
        problems.append(Problem("opens_at", _("Enkäten måste öppna före den stänger.")))

    after_days = _whole_number(form, "reminder_after_days", 0, 30, problems)
    reminder_max = _whole_number(form, "reminder_max", 0, 5, problems)
    if problems:
        return None, problems
    return SurveyDraft(
        title=title, title_en=_field(form, "title_en"), intro=_field(form, "intro"),
        intro_en=_field(form, "intro_en"), invitation_text=invitation,
        invitation_text_en=_field(form, "invitation_text_en"), reminder_text=_field(form, "reminder_text"),
        reminder_text_en=_field(form, "reminder_text_en"), opens_at=opens, closes_at=closes,
        reminder_after_days=after_days, reminder_max=reminder_max if after_days else 0,
    ), []


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def parse_question(form: Mapping[str, Any]) -> tuple[QuestionDraft | None, list[Problem]]:
    problems: list[Problem] = []
    kind = _field(form, "kind")
    if kind not in KINDS:
        problems.append(Problem("kind", _("Välj en frågetyp.")))
    text = _field(form, "text")
    if not text:
        problems.append(Problem("text", _("Skriv frågan.")))
    elif len(text) > MAX_TEXT:
        problems.append(Problem("text", _("Frågan är för lång.")))
    options = _lines(_field(form, "options"))
    options_en = _lines(_field(form, "options_en"))
    if kind in (SINGLE, MULTIPLE):
        if len(options) < 2:
            problems.append(Problem("options", _("Ange minst två svarsalternativ, ett per rad.")))
        elif len(options) > MAX_OPTIONS or any(len(o) > MAX_OPTION for o in options):
            problems.append(Problem("options", _("Högst 20 svarsalternativ på högst 200 tecken var.")))
        elif len({o.casefold() for o in options}) != len(options):
            problems.append(Problem("options", _("Två svarsalternativ är lika.")))
        if options_en and len(options_en) != len(options):
            problems.append(Problem("options_en", _("Ange lika många engelska alternativ som svenska.")))
    else:
        options, options_en = (), ()  # only choice questions have options; ignore leftovers from the form
    page = whole(_field(form, "page") or "1")
    if page is None or not 1 <= page <= 50:
        problems.append(Problem("page", _("Ange sidnummer från 1 till 50.")))
    if problems:
        return None, problems
    return QuestionDraft(
        kind=kind, text=text, text_en=_field(form, "text_en"), required=form.get("required") == "on",
        dont_know=form.get("dont_know") == "on" and kind != FREE_TEXT, options=options, options_en=options_en,
        page=page or 1,
    ), []


def problems_before_sending(draft_questions: list[Question], closes_at: datetime | None,
                            now: datetime) -> list[Problem]:
    """What stops a saved survey from being sent."""
    problems = []
    if not draft_questions:
        problems.append(Problem("questions", _("Enkäten har inga frågor.")))
    if closes_at is None or closes_at <= now:
        problems.append(Problem("closes_at", _("Stängningstiden har passerat. Ändra den innan du skickar.")))
    return problems
