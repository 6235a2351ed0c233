"""The counters that the database's triggers keep (migration 0009) always equal a count of the rows themselves.

Every way an answer or an invitation can change is played in a random order; after each step the counters
are compared with the same aggregates computed from scratch, as the results pages used to compute them.
"""

from __future__ import annotations

import random

from panel.db import Database, Transaction
from tests.results import builders as b

CELLS = [("N", "18-29", "woman"), ("S", "65-79", "man"), ("C", "30-44", "other")]
STATES = ["queued", "sent", "delivered", "failed", "opened", "started", "opted_out"]
WHEN = "2026-10-01T09:00:00.000Z"


async def _counted(db: Database) -> tuple[dict, dict, dict]:  # type: ignore[type-arg]
    answers = {
        tuple(r[:5]): r[5] for r in await db.fetch_all(
            "SELECT question_id, district_code, age_band, gender, value, n FROM answer_counts WHERE n <> 0")
    }
    respondents = {
        tuple(r[:4]): (r[4], r[5]) for r in await db.fetch_all(
            "SELECT question_id, district_code, age_band, gender, base, dont_know FROM answer_respondents"
            " WHERE base <> 0 OR dont_know <> 0")
    }
    invitations = {
        tuple(r[:6]): r[6] for r in await db.fetch_all(
            "SELECT survey_id, district_code, age_band, gender, step, state, n FROM invitation_counts WHERE n <> 0")
    }
    return answers, respondents, invitations


async def _recounted(db: Database) -> tuple[dict, dict, dict]:  # type: ignore[type-arg]
    answers = {
        tuple(r[:5]): r[5] for r in await db.fetch_all(
            "SELECT a.question_id, i.district_code, i.age_band, i.gender, a.value, COUNT(*)"
            " FROM invitations i JOIN answers a ON a.invitation_id = i.id JOIN questions q ON q.id = a.question_id"
            " WHERE i.completed_at IS NOT NULL AND q.kind <> 'free_text'"
            " GROUP BY a.question_id, i.district_code, i.age_band, i.gender, a.value")
    }
    respondents = {
        tuple(r[:4]): (r[4], r[5]) for r in await db.fetch_all(
            "SELECT a.question_id, i.district_code, i.age_band, i.gender,"
            " COUNT(DISTINCT CASE WHEN a.value <> 'dont_know' THEN a.invitation_id END),"
            " COUNT(DISTINCT CASE WHEN a.value = 'dont_know' THEN a.invitation_id END)"
            " FROM questions q JOIN answers a ON a.question_id = q.id JOIN invitations i ON i.id = a.invitation_id"
            " WHERE q.kind = 'multiple_choice' AND i.completed_at IS NOT NULL"
            " GROUP BY a.question_id, i.district_code, i.age_band, i.gender")
    }
    invitations = {
        tuple(r[:6]): r[6] for r in await db.fetch_all(
            "SELECT survey_id, district_code, age_band, gender,"
            " CASE WHEN completed_at IS NOT NULL THEN 4 WHEN opened_at IS NOT NULL OR started_at IS NOT NULL THEN 3"
            " WHEN delivered_at IS NOT NULL THEN 2 WHEN sent_at IS NOT NULL THEN 1 ELSE 0 END AS step, state,"
            " COUNT(*) FROM invitations GROUP BY survey_id, district_code, age_band, gender, step, state")
    }
    return answers, respondents, invitations


async def _step(tx: Transaction, rng: random.Random, survey_id: int, questions: dict[int, list[str]]) -> str:
    """One random change of the kind the product (or an operator's repair) makes; its name, for the report."""
    ids = [r["id"] for r in await tx.fetch_all("SELECT id FROM invitations WHERE survey_id = ?", (survey_id,))]
    action = rng.choices(["new", "answer", "unanswer", "complete", "uncomplete", "state", "move", "delete"],
                         weights=[3, 8, 2, 3, 1, 2, 2, 1])[0]
    if action == "new" or not ids:
        await b.invitation(tx, survey_id, rng.choice(CELLS), state=rng.choice(STATES[:4]))
        return "new"
    invitation = rng.choice(ids)
    question = rng.choice(list(questions))
    if action == "answer":
        await tx.execute(
            "INSERT INTO answers (invitation_id, question_id, value, answered_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT DO NOTHING", (invitation, question, rng.choice(questions[question]), WHEN))
    elif action == "unanswer":
        await tx.execute("DELETE FROM answers WHERE id IN (SELECT id FROM answers WHERE invitation_id = ?"
                         " AND question_id = ? LIMIT 1)", (invitation, question))
    elif action == "complete":
        await tx.execute("UPDATE invitations SET state = 'completed', completed_at = ? WHERE id = ?"
                         " AND completed_at IS NULL", (WHEN, invitation))
    elif action == "uncomplete":
        await tx.execute("UPDATE invitations SET state = 'started', completed_at = NULL WHERE id = ?", (invitation,))
    elif action == "state":
        await tx.execute("UPDATE invitations SET state = ?, opened_at = COALESCE(opened_at, ?) WHERE id = ?",
                         (rng.choice(STATES), WHEN, invitation))
    elif action == "move":
        await tx.execute("UPDATE invitations SET district_code = ?, age_band = ?, gender = ? WHERE id = ?",
                         (*rng.choice(CELLS), invitation))
    else:
        await tx.execute("DELETE FROM invitations WHERE id = ?", (invitation,))
    return action


async def test_counters_follow_every_change_to_answers_and_invitations(db: Database) -> None:
    rng = random.Random(2026)
    async with db.transaction() as tx:
        survey_id = await b.survey(tx, state="open")
        questions = {
            await b.question(tx, survey_id, 1, "yes_no", "Bra?", dont_know=True): ["yes", "no", "dont_know"],
            await b.question(tx, survey_id, 2, "multiple_choice", "Vad?", ["Buss", "Bil"], dont_know=True):
                ["1", "2", "dont_know"],
            await b.question(tx, survey_id, 3, "free_text", "Mer?"): ["Fler bussar", "dont_know"],
        }
    done: list[str] = []
    most = 0  # the most answers counted at one time: the run must have had something to count
    for _ in range(400):
        async with db.transaction() as tx:
            done.append(await _step(tx, rng, survey_id, questions))
        counted = await _counted(db)
        assert counted == await _recounted(db), f"after {done[-8:]}"
        most = max(most, sum(counted[0].values()))
    assert {"answer", "unanswer", "complete", "uncomplete", "move", "delete"} <= set(done)
    assert most >= 10


async def test_counters_of_a_deleted_survey_go_with_it(db: Database) -> None:
    async with db.transaction() as tx:
        survey_id = await b.survey(tx)
        question = await b.question(tx, survey_id, 1, "multiple_choice", "Vad?", ["Buss", "Bil"])
        await b.respondent(tx, survey_id, CELLS[0], {question: ["1", "2"]})
    assert await _counted(db) != ({}, {}, {})
    async with db.transaction() as tx:
        await tx.execute("DELETE FROM surveys WHERE id = ?", (survey_id,))
    assert await _counted(db) == ({}, {}, {})
