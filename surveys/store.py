"""SQL of surveys and their questions (invitations and answers are in `invitation_store`).

Every change to a survey's content is guarded by `state = 'draft'` in the statement itself, so a survey
that was sent cannot be edited by a form that was opened before sending.
"""

from __future__ import annotations

import json
from typing import Any

from panel.clock import to_db
from panel.db import Database, Transaction
from surveys.builder import QuestionDraft, SurveyDraft
from surveys.model import Question, Survey

Conn = Database | Transaction


def _survey_params(draft: SurveyDraft) -> dict[str, Any]:
    return {
        "title": draft.title, "title_en": draft.title_en, "intro": draft.intro, "intro_en": draft.intro_en,
        "invitation_text": draft.invitation_text, "invitation_text_en": draft.invitation_text_en,
        "reminder_text": draft.reminder_text, "reminder_text_en": draft.reminder_text_en,
        "opens_at": to_db(draft.opens_at) if draft.opens_at else None,
        "closes_at": to_db(draft.closes_at) if draft.closes_at else None,
        "reminder_after_days": draft.reminder_after_days, "reminder_max": draft.reminder_max,
    }


async def create_survey(tx: Transaction, draft: SurveyDraft, *, user_id: int | None, now: str) -> int:
    return await tx.insert(
        "INSERT INTO surveys (title, title_en, intro, intro_en, invitation_text, invitation_text_en,"
        " reminder_text, reminder_text_en, opens_at, closes_at, reminder_after_days, reminder_max,"
        " created_by, created_at)"
        " VALUES (:title, :title_en, :intro, :intro_en, :invitation_text, :invitation_text_en,"
        " :reminder_text, :reminder_text_en, :opens_at, :closes_at, :reminder_after_days, :reminder_max,"
        " :user_id, :now)",
        {**_survey_params(draft), "user_id": user_id, "now": now},
    )


async def update_survey(tx: Transaction, survey_id: int, draft: SurveyDraft) -> bool:
    changed = await tx.execute(
        "UPDATE surveys SET title = :title, title_en = :title_en, intro = :intro, intro_en = :intro_en,"
        " invitation_text = :invitation_text, invitation_text_en = :invitation_text_en,"
        " reminder_text = :reminder_text, reminder_text_en = :reminder_text_en, opens_at = :opens_at,"
        " closes_at = :closes_at, reminder_after_days = :reminder_after_days, reminder_max = :reminder_max"
        " WHERE id = :id AND state = 'draft'",
        {**_survey_params(draft), "id": survey_id},
    )
    return changed == 1


async def get_survey(conn: Conn, survey_id: int) -> Survey | None:
    row = await conn.fetch_one("SELECT * FROM surveys WHERE id = ?", (survey_id,))
    return None if row is None else Survey.from_row(row)


async def list_surveys(conn: Conn) -> list[Any]:
    """Every survey, newest first, with its invited and completed counts for the list page."""
    return await conn.fetch_all(
        "SELECT s.id, s.title, s.state, s.created_at, s.sent_at, s.closes_at, s.closed_at,"
        " COUNT(i.id) AS invited, COUNT(i.completed_at) AS completed"
        " FROM surveys AS s LEFT JOIN invitations AS i ON i.survey_id = s.id"
        " GROUP BY s.id ORDER BY s.created_at DESC, s.id DESC"
    )


async def questions_of(conn: Conn, survey_id: int) -> list[Question]:
    rows = await conn.fetch_all(
        "SELECT * FROM questions WHERE survey_id = ? ORDER BY page, position", (survey_id,)
    )
    return [Question.from_row(row) for row in rows]


def _question_params(draft: QuestionDraft) -> dict[str, Any]:
    return {
        "kind": draft.kind, "text": draft.text, "text_en": draft.text_en, "required": int(draft.required),
        "dont_know": int(draft.dont_know), "options": json.dumps(list(draft.options), ensure_ascii=False),
        "options_en": json.dumps(list(draft.options_en), ensure_ascii=False), "page": draft.page,
    }


async def add_question(tx: Transaction, survey_id: int, draft: QuestionDraft) -> int | None:
    """Append a question to a draft survey; None if the survey is not a draft."""
    return await tx.fetch_value(
        "INSERT INTO questions (survey_id, position, page, kind, text, text_en, required, dont_know,"
        " options, options_en)"
        " SELECT :survey_id,"
        " COALESCE((SELECT MAX(position) FROM questions WHERE survey_id = :survey_id), 0) + 1,"
        " :page, :kind, :text, :text_en, :required, :dont_know, :options, :options_en"
        " FROM surveys WHERE id = :survey_id AND state = 'draft' RETURNING id",
        {**_question_params(draft), "survey_id": survey_id},
    )


async def update_question(tx: Transaction, survey_id: int, question_id: int, draft: QuestionDraft) -> bool:
    changed = await tx.execute(
        "UPDATE questions SET page = :page, kind = :kind, text = :text, text_en = :text_en,"
        " required = :required, dont_know = :dont_know, options = :options, options_en = :options_en"
        " WHERE id = :id AND survey_id = :survey_id"
        " AND survey_id IN (SELECT id FROM surveys WHERE state = 'draft')",
        {**_question_params(draft), "id": question_id, "survey_id": survey_id},
    )
    return changed == 1


async def delete_question(tx: Transaction, survey_id: int, question_id: int) -> bool:
    changed = await tx.execute(
        "DELETE FROM questions WHERE id = ? AND survey_id = ?"
        " AND survey_id IN (SELECT id FROM surveys WHERE state = 'draft')",
        (question_id, survey_id),
    )
    return changed == 1


async def move_question(tx: Transaction, survey_id: int, question_id: int, step: int) -> bool:
    """Swap a draft's question with its neighbour above (step -1) or below (+1)."""
    rows = await tx.fetch_all(
        "SELECT q.id, q.position FROM questions AS q JOIN surveys AS s ON s.id = q.survey_id"
        " WHERE q.survey_id = ? AND s.state = 'draft' ORDER BY q.position",
        (survey_id,),
    )
    ids = [row["id"] for row in rows]
    if question_id not in ids:
        return False
    index = ids.index(question_id)
    other = index + step
    if not 0 <= other < len(ids):
        return False
    first, second = rows[index], rows[other]
    # Positions are unique per survey: park one at 0 while swapping.
    await tx.execute("UPDATE questions SET position = 0 WHERE id = ?", (first["id"],))
    await tx.execute("UPDATE questions SET position = ? WHERE id = ?", (first["position"], second["id"]))
    await tx.execute("UPDATE questions SET position = ? WHERE id = ?", (second["position"], first["id"]))
    return True


async def copy_survey(
    tx: Transaction, survey_id: int, *, user_id: int | None, now: str, prefix: str
) -> int | None:
    """A new draft with the same texts, plan and questions; times are left for the analyst to set."""
    new_id = await tx.fetch_value(
        "INSERT INTO surveys (title, title_en, intro, intro_en, invitation_text, invitation_text_en,"
        " reminder_text, reminder_text_en, reminder_after_days, reminder_max, created_by, created_at,"
        " copied_from)"
        " SELECT :prefix || title, title_en, intro, intro_en, invitation_text, invitation_text_en,"
        " reminder_text, reminder_text_en, reminder_after_days, reminder_max, :user_id, :now, id"
        " FROM surveys WHERE id = :id RETURNING id",
        {"prefix": prefix, "user_id": user_id, "now": now, "id": survey_id},
    )
    if new_id is None:
        return None
    await tx.execute(
        "INSERT INTO questions (survey_id, position, page, kind, text, text_en, required, dont_know,"
        " options, options_en)"
        " SELECT ?, position, page, kind, text, text_en, required, dont_know, options, options_en"
        " FROM questions WHERE survey_id = ?",
        (new_id, survey_id),
    )
    return int(new_id)


async def mark_sent(tx: Transaction, survey_id: int, *, now: str, target: str) -> bool:
    """Draft -> open; False if it was already sent (a resubmitted send form)."""
    changed = await tx.execute(
        "UPDATE surveys SET state = 'open', sent_at = ?, target = ? WHERE id = ? AND state = 'draft'",
        (now, target, survey_id),
    )
    return changed == 1


async def set_invited_count(tx: Transaction, survey_id: int, count: int) -> None:
    await tx.execute("UPDATE surveys SET invited_count = ? WHERE id = ?", (count, survey_id))


async def close_survey(tx: Transaction, survey_id: int, *, now: str) -> bool:
    changed = await tx.execute(
        "UPDATE surveys SET state = 'closed', closed_at = ? WHERE id = ? AND state = 'open'", (now, survey_id)
    )
    return changed == 1


async def surveys_due_to_close(conn: Conn, *, now: str) -> list[int]:
    rows = await conn.fetch_all(
        "SELECT id FROM surveys WHERE state = 'open' AND closes_at IS NOT NULL AND closes_at <= ?", (now,)
    )
    return [row["id"] for row in rows]


async def survey_by_title(conn: Conn, title: str) -> int | None:
    """For the demo's idempotence: a survey is seeded once per title."""
    return await conn.fetch_value("SELECT id FROM surveys WHERE title = ?", (title,))
