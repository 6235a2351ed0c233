"""Demo: publish the results of the demo's closed survey, so /results and the open-data feed have content.

Idempotent: a survey already published is left as it is (its summary and publication time kept).
"""

from __future__ import annotations

import random
from datetime import datetime

from panel.clock import to_db
from panel.db import Database
from surveys.results import queries

DEMO_SURVEY = "Trygghet i kommunen"
SUMMARY = (
    "De flesta i panelen känner sig ganska eller mycket trygga ute på kvällen, men var tredje har undvikit "
    "någon plats. Bättre belysning är den åtgärd flest tror på."
)


async def seed(db: Database, rng: random.Random, now: datetime, *, base_url: str = "") -> None:
    del rng, base_url  # nothing random and no links here; the signature is the demo contract
    survey_id = await queries.sent_survey_by_title(db, DEMO_SURVEY)
    if survey_id is None or await queries.publication(db, survey_id) is not None:
        return
    async with db.transaction() as tx:
        await queries.publish(tx, survey_id, None, SUMMARY, to_db(now))
