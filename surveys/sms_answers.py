"""Answering by SMS reply, for members without a smartphone: one question at a time, a digit or a word each.

A member starts the dialogue by replying SVAR (or a bare digit or yes/no) to the invitation; from then on
every reply from their number answers the question they were last sent, and the next one follows. Answers
go through the same store functions as the web page, so they are counted exactly like web answers. A
reply we cannot read gets the question's options again. Replies from members without an open dialogue and
not starting one are left for the next handler (feedback), so a resident's comment is never swallowed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from panel.db import Transaction
from panel.i18n import _, current_language, reset_language, set_language
from sms import outbox
from sms.hooks import InboundMessage
from surveys import invitation_store, store
from surveys.model import DONT_KNOW, NO, SINGLE, YES, YES_NO, Question, pages_of, sms_answerable

SKIP = "\x00skip"  # a parse result meaning "leave this optional question unanswered"
START_WORDS = frozenset({"svar", "svara", "sms", "answer", "enkät", "enkat"})
YES_WORDS = frozenset({"ja", "j", "yes", "y", "japp"})
NO_WORDS = frozenset({"nej", "n", "no", "nä"})
DONT_KNOW_WORDS = frozenset({"vet ej", "vet inte", "vetej", "dk", "don't know", "dont know", "?"})
SKIP_WORDS = frozenset({"hoppa", "hoppa över", "skip", "pass"})
_TRIM = re.compile(r"^[\s\"'“”„»«]+|[\s\"'“”„»«.!]+$")


def normalise(body: str) -> str:
    return re.sub(r"\s+", " ", _TRIM.sub("", body.casefold()))


def parse_reply(question: Question, body: str) -> str | None:
    """The stored value a reply stands for, SKIP, or None when it is not a valid answer to `question`."""
    word = normalise(body)
    if question.dont_know and word in DONT_KNOW_WORDS:
        return DONT_KNOW
    if not question.required and word in SKIP_WORDS:
        return SKIP
    if question.kind == YES_NO:
        return YES if word in YES_WORDS else NO if word in NO_WORDS else None
    if word.isdigit() and word in question.allowed_values():
        return str(int(word))
    if question.kind == SINGLE:
        labels = [label.casefold() for label in question.options + question.options_en]
        if word in labels:
            return str(labels.index(word) % len(question.options) + 1)
    return None


def starts_dialogue(body: str) -> bool:
    word = normalise(body)
    return word in START_WORDS or word in YES_WORDS or word in NO_WORDS or (word.isdigit() and len(word) <= 2)


def question_text(question: Question, number: int, total: int, language: str) -> str:
    """The SMS that asks one question, with how to answer it."""
    lines = [_("Fråga {n} av {total}:").replace("{n}", str(number)).replace("{total}", str(total)),
             question.text_in(language)]
    if question.kind == YES_NO:
        lines.append(_("Svara JA eller NEJ."))
    elif question.kind == SINGLE:
        labels = question.options_in(language)
        choices = ", ".join(f"{n} = {label}" for n, label in enumerate(labels, start=1))
        lines.append(_("Svara med en siffra: {choices}.").replace("{choices}", choices))
    else:
        low, high = question.scale()[0], question.scale()[-1]
        hint = _("Svara med en siffra från {low} (lägst) till {high} (högst).")
        lines.append(hint.replace("{low}", str(low)).replace("{high}", str(high)))
    if question.dont_know:
        lines.append(_("Vet du inte, svara VET EJ."))
    if not question.required:
        lines.append(_("Vill du hoppa över frågan, svara HOPPA."))
    return "\n".join(lines)


@contextmanager
def _speaking(language: str) -> Iterator[None]:
    token = set_language(language)
    try:
        yield
    finally:
        reset_language(token)


async def handle_reply(tx: Transaction, message: InboundMessage) -> bool:
    """The inbound SMS hook: True when the reply belonged to a survey and was answered."""
    invitation = await invitation_store.open_invitation_for_phone(
        tx, message.from_number, now=message.received_at
    )
    if invitation is None:
        return False
    questions = [q for page in pages_of(await store.questions_of(tx, invitation["survey_id"])) for q in page]
    if not sms_answerable(questions):
        return False
    invitation_id = invitation["id"]
    with _speaking(invitation["language"]):
        reply = await _answer(tx, invitation_id, invitation["sms_question_id"], questions, message)
    if reply is None:
        return False
    await outbox.enqueue(tx, recipient=message.from_number, body=reply, purpose="survey_reply",
                         ref_type="invitation", ref_id=invitation_id, dedupe_key=f"survey_reply:{message.id}",
                         urgent=True)  # the member is waiting for the next question: quiet hours do not apply
    return True


async def _answer(tx: Transaction, invitation_id: int, waiting_for: int | None, questions: list[Question],
                  message: InboundMessage) -> str | None:
    language = current_language()
    total = len(questions)
    ids = [q.id for q in questions]
    now = message.received_at
    if waiting_for not in ids:
        if not starts_dialogue(message.body):
            return None
        answered = await invitation_store.answers_of(tx, invitation_id)
        index = next((i for i, q in enumerate(questions) if q.id not in answered), 0)
        await invitation_store.set_sms_question(tx, invitation_id, questions[index].id)
        await invitation_store.advance(tx, invitation_id, "opened", now=now)
        return question_text(questions[index], index + 1, total, language)
    index = ids.index(waiting_for)
    question = questions[index]
    value = parse_reply(question, message.body)
    if value is None:
        return _("Det svaret förstod vi inte.") + "\n" + question_text(question, index + 1, total, language)
    chosen = [] if value == SKIP else [value]
    await invitation_store.save_answers(tx, invitation_id, {question.id: chosen}, channel="sms", now=now)
    await invitation_store.advance(tx, invitation_id, "started", now=now)
    if index + 1 < total:
        await invitation_store.set_sms_question(tx, invitation_id, questions[index + 1].id)
        return question_text(questions[index + 1], index + 2, total, language)
    await invitation_store.complete(tx, invitation_id, now=now)
    return _("Tack för dina svar!")

