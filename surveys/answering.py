"""Validation of a member's answers to one page of a survey, from the submitted form to stored values.

Each question's field is named `q<id>`; a multiple-choice question sends one field per ticked option. The
result maps every question of the page to its values (an empty list: skipped), so storing a page replaces
exactly that page's answers and a member can go back and change them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from multidict import MultiMapping

from panel.i18n import _
from surveys.model import DONT_KNOW, FREE_TEXT, MULTIPLE, Question

MAX_FREE_TEXT = 4000


@dataclass(frozen=True)
class AnswerProblem:
    question_id: int
    message: str

    @property
    def field(self) -> str:
        return f"q{self.question_id}"


def field_name(question: Question) -> str:
    return f"q{question.id}"


def _submitted(form: MultiMapping[Any], question: Question) -> list[str]:
    raw = form.getall(field_name(question), [])
    return [value.strip() for value in raw if isinstance(value, str) and value.strip()]


def validate_page(
    questions: Sequence[Question], form: MultiMapping[Any]
) -> tuple[dict[int, list[str]], list[AnswerProblem]]:
    """The values to store per question of the page, and the problems found (then nothing is stored)."""
    values: dict[int, list[str]] = {}
    problems: list[AnswerProblem] = []
    for question in questions:
        given = _submitted(form, question)
        if question.kind == FREE_TEXT:
            text = "\n".join(given)
            if len(text) > MAX_FREE_TEXT:
                problems.append(AnswerProblem(question.id, _("Svaret är för långt (högst 4000 tecken).")))
            given = [text] if text else []
        else:
            given = list(dict.fromkeys(given))  # a repeated field is one answer, not two
            if not set(given) <= question.allowed_values():
                problems.append(AnswerProblem(question.id, _("Välj ett av svarsalternativen.")))
                continue
            if question.kind != MULTIPLE and len(given) > 1:
                problems.append(AnswerProblem(question.id, _("Välj bara ett svarsalternativ.")))
                continue
            if DONT_KNOW in given and len(given) > 1:
                message = _("”Vet inte” kan inte kombineras med andra svar.")
                problems.append(AnswerProblem(question.id, message))
                continue
        if question.required and not given:
            message = _("Skriv ett svar.") if question.kind == FREE_TEXT else _("Välj ett svar.")
            problems.append(AnswerProblem(question.id, message))
            continue
        values[question.id] = given
    return values, problems


def first_unanswered_page(pages: Sequence[Sequence[Question]], answered: set[int]) -> int:
    """The 1-based page to resume at: the first page with a required question still unanswered."""
    for number, page in enumerate(pages, start=1):
        if any(q.required and q.id not in answered for q in page):
            return number
    return len(pages) if pages else 1
