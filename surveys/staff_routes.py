"""Staff pages for building surveys: the list, a survey's page, its settings form and its questions.

Handlers stay thin: forms are parsed by `builder`, SQL is in `store`. A form with mistakes is shown again
with what was typed and an error summary (status 422). Content can only change while the survey is a
draft; the store's statements check that, so a stale form after sending changes nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiohttp import web

from panel.auth import USER, require_role
from panel.clock import STOCKHOLM, from_db, local, now_db, to_db, utcnow
from panel.i18n import _
from panel.keys import DB, SETTINGS
from panel.numbers import whole
from panel.web import bad_request, render
from sms import segments
from sms.schedule import QuietHours
from surveys import builder, invitation_store, invitations, store
from surveys.model import KINDS, Question, Survey, sms_answerable

routes = web.RouteTableDef()
EDITORS = ("analyst",)  # admin passes every role check
READERS = ("analyst", "viewer")
DEFAULT_INVITATION = "Hej {name}! Kommunen vill veta vad du tycker. Svara senast {deadline}: {link}"


def _local_input(value: str | None) -> str:
    moment = local(value)
    return moment.strftime("%Y-%m-%dT%H:%M") if moment else ""


def survey_values(survey: Survey | None) -> dict[str, Any]:
    """The settings form's fields for a saved survey, or the defaults of a new one."""
    if survey is None:
        return {"invitation_text": DEFAULT_INVITATION, "reminder_after_days": "3", "reminder_max": "1"}
    values: dict[str, Any] = {name: getattr(survey, name) for name in (
        "title", "title_en", "intro", "intro_en", "invitation_text", "invitation_text_en", "reminder_text",
        "reminder_text_en", "reminder_after_days", "reminder_max")}
    values.update(opens_at=_local_input(survey.opens_at), closes_at=_local_input(survey.closes_at))
    return values


def question_values(question: Question | None) -> dict[str, Any]:
    if question is None:
        return {"kind": "single_choice", "required": "on", "page": "1"}
    return {
        "kind": question.kind, "text": question.text, "text_en": question.text_en, "page": str(question.page),
        "required": "on" if question.required else "", "dont_know": "on" if question.dont_know else "",
        "options": "\n".join(question.options), "options_en": "\n".join(question.options_en),
    }


def _example_deadline(now: datetime) -> str:
    """A closing time to count with before one is entered: 20:00 on the 30th of a coming September, the
    longest month name, so the count is not too low."""
    year = now.astimezone(STOCKHOLM).year + 1
    return to_db(datetime(year, 9, 30, 20, 0, tzinfo=STOCKHOLM))


def _deadline_for_counting(survey: Survey | None, values: dict[str, Any]) -> tuple[str, bool]:
    """The closing time {deadline} is filled with: the form's (as typed, before saving), else the saved one,
    else an example. The flag says it is the example."""
    typed = str(values.get("closes_at") or "").strip()
    if typed:
        try:
            return to_db(builder.parse_local_time(typed)), False
        except ValueError:
            pass  # the form says what is wrong with it; count with what there is
    if survey is not None and survey.closes_at:
        return survey.closes_at, False
    return _example_deadline(utcnow()), True


def sms_counts(request: web.Request, survey: Survey | None, values: dict[str, Any]) -> list[dict[str, Any]]:
    """Segments and price per message of each SMS text, filled in as a typical member gets it."""
    settings = request.app[SETTINGS]
    closes_at, example = _deadline_for_counting(survey, values)
    counts = []
    for field, language in (("invitation_text", "sv"), ("invitation_text_en", "en"), ("reminder_text", "sv"),
                            ("reminder_text_en", "en")):
        text = str(values.get(field) or "")
        if not text:
            continue
        sample = invitations.sample_text(text, base_url=settings.base_url, closes_at=closes_at, language=language)
        info = segments.count(sample)
        counts.append({"field": field, "sample": sample, "info": info,
                       "cost": info.cost(settings.sms_price_per_segment), "example_deadline": example,
                       "deadline": invitations.format_deadline(closes_at, language)})
    return counts


def not_draft(request: web.Request) -> web.Response:
    return bad_request(request, _("Enkäten är redan skickad och kan inte ändras. Kopiera den för att göra en ny."),
                       status=409)


async def survey_or_404(request: web.Request) -> Survey:
    survey_id = whole(request.match_info["survey_id"])
    survey = await store.get_survey(request.app[DB], survey_id) if survey_id is not None else None
    if survey is None:
        raise web.HTTPNotFound()
    return survey


def sent_notice(request: web.Request, survey: Survey, now: datetime) -> dict[str, Any] | None:
    """What the survey page says right after sending: how many invitations wait in the outbox, and when
    their SMS go out if not straight away (a later opening time, or the quiet hours the dispatcher keeps)."""
    if survey.state == "draft" or survey.sent_at is None:
        return None
    opens = from_db(survey.opens_at) if survey.opens_at else None
    quiet = QuietHours.parse(request.app[SETTINGS].sms_quiet_hours)
    return {
        "invited": survey.invited_count,
        "opens_at": opens if opens and opens > now else None,
        "quiet_until": local(quiet.allowed_from(now)) if quiet and quiet.contains(now) else None,
    }


async def render_survey_page(request: web.Request, survey: Survey, *, question_form: dict[str, Any] | None = None,
                             problems: list[builder.Problem] | None = None,
                             close_problems: list[builder.Problem] | None = None,
                             sent: bool = False, status: int = 200) -> web.Response:
    """A survey's page; `problems` belong to the new-question form, `close_problems` to "close now"."""
    db = request.app[DB]
    questions = await store.questions_of(db, survey.id)
    return render(request, "surveys/survey.html", {
        "survey": survey, "questions": questions, "kinds": KINDS, "counts": await invitation_store.state_counts(
            db, survey.id), "sms_counts": sms_counts(request, survey, survey_values(survey)),
        "sms_answerable": sms_answerable(questions), "question": question_form or question_values(None),
        "problems": problems or [], "close_problems": close_problems or [], "editable": survey.state == "draft",
        "sent_notice": sent_notice(request, survey, utcnow()) if sent else None,
    }, status=status)


@routes.get("/staff/surveys")
@require_role(*READERS)
async def survey_list(request: web.Request) -> web.Response:
    return render(request, "surveys/list.html", {"surveys": await store.list_surveys(request.app[DB])})


@routes.get("/staff/surveys/new")
@require_role(*EDITORS)
async def new_form(request: web.Request) -> web.Response:
    values = survey_values(None)
    return render(request, "surveys/settings.html", {
        "survey": None, "values": values, "problems": [], "sms_counts": sms_counts(request, None, values)})


@routes.post("/staff/surveys/new")
@require_role(*EDITORS)
async def create(request: web.Request) -> web.Response:
    form = await request.post()
    draft, problems = builder.parse_survey(form, now=utcnow())
    if draft is None or form.get("action") == "count":
        values = dict(form)
        return render(request, "surveys/settings.html", {
            "survey": None, "values": values, "problems": problems,
            "sms_counts": sms_counts(request, None, values)}, status=422 if problems else 200)
    async with request.app[DB].transaction() as tx:
        survey_id = await store.create_survey(tx, draft, user_id=request[USER].id, now=now_db())
    raise web.HTTPSeeOther(f"/staff/surveys/{survey_id}")


@routes.get("/staff/surveys/{survey_id}")
@require_role(*READERS)
async def survey_page(request: web.Request) -> web.Response:
    return await render_survey_page(request, await survey_or_404(request),
                                    sent=request.query.get("done") == "sent")


@routes.get("/staff/surveys/{survey_id}/edit")
@require_role(*EDITORS)
async def edit_form(request: web.Request) -> web.Response:
    survey = await survey_or_404(request)
    values = survey_values(survey)
    return render(request, "surveys/settings.html", {
        "survey": survey, "values": values, "problems": [], "sms_counts": sms_counts(request, survey, values)})


@routes.post("/staff/surveys/{survey_id}/edit")
@require_role(*EDITORS)
async def edit(request: web.Request) -> web.Response:
    survey = await survey_or_404(request)
    form = await request.post()
    draft, problems = builder.parse_survey(form, now=utcnow())
    if draft is None or form.get("action") == "count":
        values = dict(form)
        return render(request, "surveys/settings.html", {
            "survey": survey, "values": values, "problems": problems,
            "sms_counts": sms_counts(request, survey, values)}, status=422 if problems else 200)
    async with request.app[DB].transaction() as tx:
        changed = await store.update_survey(tx, survey.id, draft)
    if not changed:
        return not_draft(request)
    raise web.HTTPSeeOther(f"/staff/surveys/{survey.id}")


@routes.post("/staff/surveys/{survey_id}/questions")
@require_role(*EDITORS)
async def add_question(request: web.Request) -> web.Response:
    survey = await survey_or_404(request)
    form = await request.post()
    draft, problems = builder.parse_question(form)
    if draft is None:
        return await render_survey_page(request, survey, question_form=dict(form), problems=problems, status=422)
    async with request.app[DB].transaction() as tx:
        added = await store.add_question(tx, survey.id, draft)
    if added is None:
        return not_draft(request)
    raise web.HTTPSeeOther(f"/staff/surveys/{survey.id}#questions")


async def _question_or_404(request: web.Request, survey: Survey) -> Question:
    question_id = request.match_info["question_id"]
    for question in await store.questions_of(request.app[DB], survey.id):
        if str(question.id) == question_id:
            return question
    raise web.HTTPNotFound()


@routes.get("/staff/surveys/{survey_id}/questions/{question_id}")
@require_role(*EDITORS)
async def question_form(request: web.Request) -> web.Response:
    survey = await survey_or_404(request)
    question = await _question_or_404(request, survey)
    return render(request, "surveys/question.html", {
        "survey": survey, "question_id": question.id, "question": question_values(question), "kinds": KINDS,
        "problems": []})


@routes.post("/staff/surveys/{survey_id}/questions/{question_id}")
@require_role(*EDITORS)
async def edit_question(request: web.Request) -> web.Response:
    survey = await survey_or_404(request)
    question = await _question_or_404(request, survey)
    form = await request.post()
    draft, problems = builder.parse_question(form)
    if draft is None:
        return render(request, "surveys/question.html", {
            "survey": survey, "question_id": question.id, "question": dict(form), "kinds": KINDS,
            "problems": problems}, status=422)
    async with request.app[DB].transaction() as tx:
        changed = await store.update_question(tx, survey.id, question.id, draft)
    if not changed:
        return not_draft(request)
    raise web.HTTPSeeOther(f"/staff/surveys/{survey.id}#questions")


@routes.post("/staff/surveys/{survey_id}/questions/{question_id}/delete")
@require_role(*EDITORS)
async def delete_question(request: web.Request) -> web.Response:
    survey = await survey_or_404(request)
    question = await _question_or_404(request, survey)
    async with request.app[DB].transaction() as tx:
        await store.delete_question(tx, survey.id, question.id)
    raise web.HTTPSeeOther(f"/staff/surveys/{survey.id}#questions")


@routes.post("/staff/surveys/{survey_id}/questions/{question_id}/move")
@require_role(*EDITORS)
async def move_question(request: web.Request) -> web.Response:
    survey = await survey_or_404(request)
    question = await _question_or_404(request, survey)
    form = await request.post()
    step = {"up": -1, "down": 1}.get(str(form.get("direction", "")))
    if step is None:
        raise web.HTTPBadRequest()
    async with request.app[DB].transaction() as tx:
        await store.move_question(tx, survey.id, question.id, step)
    raise web.HTTPSeeOther(f"/staff/surveys/{survey.id}#questions")
