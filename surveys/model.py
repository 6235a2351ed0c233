"""The survey and question as the rest of the package sees them: plain frozen values built from rows.

Labels are kept in both languages; `text_in`/`options_in` pick the member's language and fall back to
Swedish (the source) when a translation is missing, so an untranslated survey still works in English.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from panel.clock import from_db
from panel.db import Row

SINGLE = "single_choice"
MULTIPLE = "multiple_choice"
SCALE_5 = "scale_5"
SCALE_10 = "scale_10"
YES_NO = "yes_no"
FREE_TEXT = "free_text"
KINDS = (SINGLE, MULTIPLE, SCALE_5, SCALE_10, YES_NO, FREE_TEXT)
# Kinds a member can answer by replying one digit or word to an SMS.
SMS_KINDS = frozenset({SINGLE, SCALE_5, SCALE_10, YES_NO})

DONT_KNOW = "dont_know"
YES = "yes"
NO = "no"


@dataclass(frozen=True)
class Question:
    id: int
    survey_id: int
    position: int
    page: int
    kind: str
    text: str
    text_en: str
    required: bool
    dont_know: bool
    options: tuple[str, ...]
    options_en: tuple[str, ...]

    @classmethod
    def from_row(cls, row: Row) -> Question:
        return cls(
            id=row["id"], survey_id=row["survey_id"], position=row["position"], page=row["page"],
            kind=row["kind"], text=row["text"], text_en=row["text_en"], required=bool(row["required"]),
            dont_know=bool(row["dont_know"]), options=tuple(json.loads(row["options"])),
            options_en=tuple(json.loads(row["options_en"])),
        )

    def text_in(self, language: str) -> str:
        return self.text_en if language == "en" and self.text_en else self.text

    def options_in(self, language: str) -> tuple[str, ...]:
        if language == "en" and len(self.options_en) == len(self.options):
            return tuple(en or sv for sv, en in zip(self.options, self.options_en, strict=True))
        return self.options

    def scale(self) -> range:
        """The numbers of a scale question (empty for other kinds)."""
        if self.kind == SCALE_5:
            return range(1, 6)
        if self.kind == SCALE_10:
            return range(0, 11)
        return range(0)

    def allowed_values(self) -> frozenset[str]:
        """Every stored value this question accepts, except free text which accepts any text."""
        if self.kind in (SINGLE, MULTIPLE):
            values = {str(n) for n in range(1, len(self.options) + 1)}
        elif self.kind == YES_NO:
            values = {YES, NO}
        else:
            values = {str(n) for n in self.scale()}
        if self.dont_know:
            values.add(DONT_KNOW)
        return frozenset(values)


@dataclass(frozen=True)
class Survey:
    id: int
    title: str
    title_en: str
    intro: str
    intro_en: str
    invitation_text: str
    invitation_text_en: str
    reminder_text: str
    reminder_text_en: str
    state: str
    created_at: str
    opens_at: str | None
    sent_at: str | None
    closes_at: str | None
    closed_at: str | None
    reminder_after_days: int
    reminder_max: int
    invited_count: int
    copied_from: int | None

    @classmethod
    def from_row(cls, row: Row) -> Survey:
        return cls(**{name: row[name] for name in cls.__dataclass_fields__})

    def title_in(self, language: str) -> str:
        return self.title_en if language == "en" and self.title_en else self.title

    def intro_in(self, language: str) -> str:
        return self.intro_en if language == "en" and self.intro_en else self.intro

    def accepts_answers(self, now: datetime) -> bool:
        """Open, past its opening time and before its closing time."""
        if self.state != "open":
            return False
        if self.opens_at and now < from_db(self.opens_at):
            return False
        return not (self.closes_at and now >= from_db(self.closes_at))


def pages_of(questions: list[Question]) -> list[list[Question]]:
    """Questions grouped by page number, in order; empty page numbers are skipped."""
    pages: dict[int, list[Question]] = {}
    for question in sorted(questions, key=lambda q: (q.page, q.position)):
        pages.setdefault(question.page, []).append(question)
    return [pages[number] for number in sorted(pages)]


def sms_answerable(questions: list[Question]) -> bool:
    return bool(questions) and all(q.kind in SMS_KINDS for q in questions)
