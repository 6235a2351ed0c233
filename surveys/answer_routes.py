"""The member's answer pages `/s/{token}`: one page of questions at a time, saved as the member goes.

An unknown, expired or closed token, or one whose member left, gets one identical page with one status,
so the page never tells a guesser whether a token exists. The member's language is used unless they
chose another with the language switch. Completion happens once, inside the single write path, so a
resubmitted last page or a second device finds the invitation completed and says "already answered".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from panel.clock import now_db, utcnow
from panel.db import Row
from panel.i18n import _, set_language
from panel.keys import DB
from panel.middleware import LANGUAGE_COOKIE
from panel.numbers import whole
from panel.web import bad_request, render
from surveys import invitation_store, store
from surveys.answering import AnswerProblem, first_unanswered_page, validate_page
from surveys.model import Question, Survey, pages_of

routes = web.RouteTableDef()
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{8,32}$")


@dataclass(frozen=True)
class Visit:
    invitation: Row
    survey: Survey
    pages: list[list[Question]]


async def _visit(request: web.Request) -> Visit | None:
    """The invitation behind the URL's token if it may still be answered or thanked; None otherwise."""
    token = request.match_info["token"]
    if not _TOKEN.match(token):
        return None
    db = request.app[DB]
    invitation = await invitation_store.by_token(db, token)
    if invitation is None or invitation["state"] == "opted_out":
        return None
    survey = await store.get_survey(db, invitation["survey_id"])
    if survey is None:
        return None
    if invitation["completed_at"] is None and not survey.accepts_answers(utcnow()):
        return None
    if "lang" in request.query or LANGUAGE_COOKIE not in request.cookies:
        set_language(request.query.get("lang", invitation["language"]))
    return Visit(invitation, survey, pages_of(await store.questions_of(db, survey.id)))


def unavailable(request: web.Request) -> web.Response:
    return render(request, "surveys/unavailable.html", status=404)


def answer_context(survey: Survey, pages: list[list[Question]], number: int, answers: dict[int, list[str]],
                   problems: list[AnswerProblem], *, action: str, preview: bool = False) -> dict[str, Any]:
    """What `surveys/answer.html` needs; the staff preview uses the same page."""
    offset = sum(len(p) for p in pages[: number - 1])
    page = pages[number - 1] if pages else []
    return {
        "survey": survey, "page": page, "number": number, "page_count": len(pages),
        "answers": answers, "problems": problems, "problem_of": {p.question_id: p.message for p in problems},
        "action": action, "preview": preview, "question_offset": offset,
        # The error summary names each question by the number the page shows beside it.
        "question_number": {q.id: offset + index for index, q in enumerate(page, start=1)},
    }


def _page_number(text: str, page_count: int) -> int | None:
    number = whole(text)
    return number if number is not None and 1 <= number <= page_count else None


@routes.get("/s/{token}")
async def answer_page(request: web.Request) -> web.Response:
    visit = await _visit(request)
    if visit is None:
        return unavailable(request)
    invitation = visit.invitation
    if invitation["completed_at"] is not None:
        return render(request, "surveys/already.html", {"survey": visit.survey})
    answers = await invitation_store.answers_of(request.app[DB], invitation["id"])
    default = first_unanswered_page(visit.pages, set(answers))
    number = _page_number(request.query.get("p", ""), len(visit.pages)) or default
    if invitation_store.RANK[invitation["state"]] < invitation_store.RANK["opened"]:
        async with request.app[DB].transaction() as tx:
            await invitation_store.advance(tx, invitation["id"], "opened", now=now_db())
    context = answer_context(visit.survey, visit.pages, number, answers, [], action=request.path)
    return render(request, "surveys/answer.html", {**context, "token": invitation["token"]})


@routes.post("/s/{token}")
async def answer_submit(request: web.Request) -> web.Response:
    visit = await _visit(request)
    if visit is None:
        return unavailable(request)
    if visit.invitation["completed_at"] is not None:
        return render(request, "surveys/already.html", {"survey": visit.survey})
    form = await request.post()
    number = _page_number(str(form.get("page", "")), len(visit.pages))
    if number is None:  # not sent by our form
        return bad_request(request, _("Svaren kunde inte sparas. Öppna länken i sms:et igen och försök på nytt."))
    values, problems = validate_page(visit.pages[number - 1], form)
    if problems:
        submitted = {q.id: [str(v) for v in form.getall(f"q{q.id}", [])] for q in visit.pages[number - 1]}
        context = answer_context(visit.survey, visit.pages, number, submitted, problems, action=request.path)
        return render(request, "surveys/answer.html", {**context, "token": visit.invitation["token"]}, status=422)
    last = number == len(visit.pages)
    outcome = await _store_page(request, visit, values, last=last)
    if outcome == "closed":
        return unavailable(request)
    if outcome == "already":
        return render(request, "surveys/already.html", {"survey": visit.survey})
    token = visit.invitation["token"]
    if outcome == "incomplete":
        raise web.HTTPSeeOther(f"/s/{token}")  # back to the first page with a required question left
    raise web.HTTPSeeOther(f"/s/{token}/tack" if outcome == "completed" else f"/s/{token}?p={number + 1}")


async def _store_page(request: web.Request, visit: Visit, values: dict[int, list[str]], *, last: bool) -> str:
    """Save one page's answers; on the last page complete the invitation. Re-checked inside the write."""
    now = now_db()
    async with request.app[DB].transaction() as tx:
        invitation = await invitation_store.by_token(tx, visit.invitation["token"])
        survey = await store.get_survey(tx, visit.survey.id)
        if invitation is None or survey is None or invitation["state"] == "opted_out":
            return "closed"
        if invitation["completed_at"] is not None:
            return "already"
        if not survey.accepts_answers(utcnow()):
            return "closed"
        await invitation_store.save_answers(tx, invitation["id"], values, channel="web", now=now)
        await invitation_store.advance(tx, invitation["id"], "started", now=now)
        if not last:
            return "saved"
        # A member who jumped ahead (?p=) finishes only when every required question has an answer.
        answered = set(await invitation_store.answers_of(tx, invitation["id"]))
        if any(q.required and q.id not in answered for page in visit.pages for q in page):
            return "incomplete"
        if not await invitation_store.complete(tx, invitation["id"], now=now):
            return "already"
    return "completed"


@routes.get("/s/{token}/tack")
async def thanks(request: web.Request) -> web.Response:
    visit = await _visit(request)
    if visit is None or visit.invitation["completed_at"] is None:
        return unavailable(request)
    return render(request, "surveys/thanks.html", {"survey": visit.survey, "token": visit.invitation["token"]})
