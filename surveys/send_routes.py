"""Staff pages around sending: the member's-eye preview, targeting with a dry-run count, send, close, copy.

Sending is two steps on one page: "Räkna mottagare" shows how many members the target reaches and what the
SMS will cost; "Skicka" sends. A resubmitted send finds the survey no longer a draft and sends nothing. A
target with mistakes comes back as the analyst chose it, with an error summary (422); after sending, the
survey page says how many invitations are queued and when their SMS go out. Closing cannot be undone, so it
needs a ticked "I understand" box (checked here, not by a script).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiohttp import web
from multidict import MultiMapping

from panel.auth import USER, require_role
from panel.clock import from_db, now_db, utcnow
from panel.i18n import _, set_language
from panel.keys import DB, SETTINGS
from panel.members.targeting import Target, TargetError, count_recipients, form_context, target_from_form
from panel.numbers import whole
from panel.web import bad_request, render
from surveys import builder, invitations, store
from surveys.answer_routes import answer_context
from surveys.model import Survey, pages_of
from surveys.staff_routes import EDITORS, READERS, render_survey_page, sms_counts, survey_or_404, survey_values

routes = web.RouteTableDef()
CONFIRM_CLOSE = "confirm_close"  # the id of the "I understand" box on the survey page


@routes.get("/staff/surveys/{survey_id}/preview")
@require_role(*READERS)
async def preview(request: web.Request) -> web.Response:
    survey = await survey_or_404(request)
    pages = pages_of(await store.questions_of(request.app[DB], survey.id))
    if request.query.get("lang") in ("sv", "en"):
        set_language(request.query["lang"])
    page_text = request.query.get("p", "1")
    number = whole(page_text) or 1
    number = number if number <= max(len(pages), 1) else 1
    context = answer_context(survey, pages, number, {}, [], action=request.path, preview=True)
    return render(request, "surveys/answer.html", {**context, "token": ""})


@dataclass(frozen=True)
class TypedTarget:
    """A target form as it was submitted, mistakes included, to show it again: the fields of `Target` as text."""

    kind: str
    district_codes: tuple[str, ...]
    age_bands: tuple[str, ...]
    genders: tuple[str, ...]
    languages: tuple[str, ...]
    sample_size: str | None
    seed: str | None
    skip_recent_days: str | None
    max_surveys: str | None
    period_days: str | None

    @classmethod
    def from_form(cls, form: MultiMapping[Any]) -> TypedTarget:
        def text(name: str) -> str | None:
            value = form.get(name)
            return None if value is None else str(value).strip()

        def ticked(name: str) -> tuple[str, ...]:
            return tuple(str(value) for value in form.getall(name, []))

        return cls(
            kind=text("target_kind") or "all", district_codes=ticked("target_district"),
            age_bands=ticked("target_age_band"), genders=ticked("target_gender"),
            languages=ticked("target_language"), sample_size=text("target_sample_size"), seed=text("target_seed"),
            skip_recent_days=text("target_skip_recent_days"), max_surveys=text("target_max_surveys"),
            period_days=text("target_period_days"),
        )


def _target_problems(errors: dict[str, str]) -> list[builder.Problem]:
    """The target form's mistakes for the error summary, each linked to its field (the kind to its first choice)."""
    return [builder.Problem("target_kind_all" if name == "target_kind" else name, message)
            for name, message in errors.items()]


async def _send_page(request: web.Request, survey: Survey, target: Target | TypedTarget, *,
                     counted: int | None = None, target_errors: dict[str, str] | None = None,
                     status: int = 200) -> web.Response:
    db = request.app[DB]
    questions = await store.questions_of(db, survey.id)
    closes_at = from_db(survey.closes_at) if survey.closes_at else None
    problems = _target_problems(target_errors or {})
    # What stops sending is fixed on the survey's own pages: link there, not to fields this page lacks.
    elsewhere = {"questions": f"/staff/surveys/{survey.id}#questions",
                 "closes_at": f"/staff/surveys/{survey.id}/edit#closes_at"}
    problems += [builder.Problem(elsewhere.get(p.field, p.field), p.message)
                 for p in builder.problems_before_sending(questions, closes_at, utcnow())]
    counts = sms_counts(request, survey, survey_values(survey))
    per_message = counts[0]["cost"] if counts else 0.0
    context: dict[str, Any] = {
        "survey": survey, "counted": counted, "problems": problems, "sms_counts": counts,
        "total_cost": None if counted is None else round(per_message * counted, 2),
        **await form_context(db, None, target_errors), "target": target,
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
    except TargetError as error:  # shown again as chosen, with the mistakes marked
        return await _send_page(request, survey, TypedTarget.from_form(form), target_errors=error.errors,
                                status=422)
    counted = await count_recipients(request.app[DB], target, now=utcnow())
    if form.get("action") != "send":
        return await _send_page(request, survey, target, counted=counted)
    questions = await store.questions_of(request.app[DB], survey.id)
    closes_at = from_db(survey.closes_at) if survey.closes_at else None
    if builder.problems_before_sending(questions, closes_at, utcnow()):
        return await _send_page(request, survey, target, counted=counted, status=422)
    await invitations.send_survey(request.app[DB], survey.id, target, base_url=request.app[SETTINGS].base_url,
                                  now=utcnow(), user_id=request[USER].id)
    raise web.HTTPSeeOther(f"/staff/surveys/{survey.id}?done=sent")  # the survey page confirms it


@routes.post("/staff/surveys/{survey_id}/close")
@require_role(*EDITORS)
async def close(request: web.Request) -> web.Response:
    survey = await survey_or_404(request)
    form = await request.post()
    if survey.state == "open" and form.get("confirm") != "yes":  # irreversible: only when ticked, JS or not
        problem = builder.Problem(CONFIRM_CLOSE, _("Kryssa i att du förstår att enkäten inte kan öppnas igen. "
                                                   "Först då stängs den."))
        return await render_survey_page(request, survey, close_problems=[problem], status=422)
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
