"""Staff pages around sending: the member's-eye preview, targeting with a dry-run count, send, close, copy.

Sending is two steps on one page: "Räkna mottagare" shows how many members the target reaches and what the
SMS will cost; "Skicka" sends. A resubmitted send finds the survey no longer a draft and sends nothing.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from panel.auth import USER, require_role
from panel.clock import from_db, now_db, utcnow
from panel.i18n import _, set_language
from panel.keys import DB, SETTINGS
from panel.members.targeting import Target, TargetError, count_recipients, form_context, target_from_form
from panel.web import bad_request, render
from surveys import builder, invitations, store
from surveys.answer_routes import answer_context
from surveys.model import Survey, pages_of
from surveys.staff_routes import EDITORS, READERS, sms_counts, survey_or_404, survey_values

routes = web.RouteTableDef()


@routes.get("/staff/surveys/{survey_id}/preview")
@require_role(*READERS)
async def preview(request: web.Request) -> web.Response:
    survey = await survey_or_404(request)
    pages = pages_of(await store.questions_of(request.app[DB], survey.id))
    if request.query.get("lang") in ("sv", "en"):
        set_language(request.query["lang"])
    page_text = request.query.get("p", "1")
    number = int(page_text) if page_text.isdigit() and 1 <= int(page_text) <= max(len(pages), 1) else 1
    context = answer_context(survey, pages, number, {}, [], action=request.path, preview=True)
    return render(request, "surveys/answer.html", {**context, "token": ""})


async def _send_page(request: web.Request, survey: Survey, target: Target, *, counted: int | None = None,
                     target_errors: dict[str, str] | None = None, problems: list[builder.Problem] | None = None,
                     status: int = 200) -> web.Response:
    db = request.app[DB]
    questions = await store.questions_of(db, survey.id)
    closes_at = from_db(survey.closes_at) if survey.closes_at else None
    problems = (problems or []) + builder.problems_before_sending(questions, closes_at, utcnow())
    counts = sms_counts(request, survey, survey_values(survey))
    per_message = counts[0]["cost"] if counts else 0.0
    context: dict[str, Any] = {
        "survey": survey, "counted": counted, "problems": problems, "sms_counts": counts,
        "total_cost": None if counted is None else round(per_message * counted, 2),
        **await form_context(db, target, target_errors),
    }
    return render(request, "surveys/send.html", context, status=status)


@routes.get("/staff/surveys/{survey_id}/send")
@require_role(*EDITORS)
async def send_form(request: web.Request) -> web.Response:
    survey = await survey_or_404(request)
    if survey.state != "draft":
        raise web.HTTPSeeOther(f"/staff/surveys/{survey.id}")
    settings = request.app[SETTINGS]
    target = Target(max_surveys=settings.fatigue_max_surveys, period_days=settings.fatigue_period_days)
    counted = await count_recipients(request.app[DB], target, now=utcnow())
    return await _send_page(request, survey, target, counted=counted)


@routes.post("/staff/surveys/{survey_id}/send")
@require_role(*EDITORS)
async def send(request: web.Request) -> web.Response:
    survey = await survey_or_404(request)
    if survey.state != "draft":  # sent already, perhaps by this very form a moment ago
        raise web.HTTPSeeOther(f"/staff/surveys/{survey.id}")
    form = await request.post()
    try:
        target = target_from_form(form)
    except TargetError as error:
        return await _send_page(request, survey, Target(), target_errors=error.errors, status=422)
    counted = await count_recipients(request.app[DB], target, now=utcnow())
    if form.get("action") != "send":
        return await _send_page(request, survey, target, counted=counted)
    questions = await store.questions_of(request.app[DB], survey.id)
    closes_at = from_db(survey.closes_at) if survey.closes_at else None
    if builder.problems_before_sending(questions, closes_at, utcnow()):
        return await _send_page(request, survey, target, counted=counted, status=422)
    await invitations.send_survey(request.app[DB], survey.id, target, base_url=request.app[SETTINGS].base_url,
                                  now=utcnow(), user_id=request[USER].id)
    raise web.HTTPSeeOther(f"/staff/surveys/{survey.id}")


@routes.post("/staff/surveys/{survey_id}/close")
@require_role(*EDITORS)
async def close(request: web.Request) -> web.Response:
    survey = await survey_or_404(request)
    async with request.app[DB].transaction() as tx:
        closed = await invitations.close(tx, survey.id, now=now_db())
    if not closed and survey.state != "closed":
        return bad_request(request, _("Bara en skickad, öppen enkät kan stängas."), status=409)
    raise web.HTTPSeeOther(f"/staff/surveys/{survey.id}")


@routes.post("/staff/surveys/{survey_id}/copy")
@require_role(*EDITORS)
async def copy(request: web.Request) -> web.Response:
    survey = await survey_or_404(request)
    async with request.app[DB].transaction() as tx:
        new_id = await store.copy_survey(tx, survey.id, user_id=request[USER].id, now=now_db(),
                                         prefix=_("Kopia av") + " ")
    raise web.HTTPSeeOther(f"/staff/surveys/{new_id}/edit")
