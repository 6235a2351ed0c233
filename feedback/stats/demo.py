"""Demo: publish the feedback statistics of last month, so /statistics and its open data have content.

Idempotent: publishing a period twice keeps the first publication.
"""

from __future__ import annotations

import random
from datetime import datetime

from feedback.stats import queries
from feedback.stats.periods import current_month
from panel.clock import to_db
from panel.db import Database


async def seed(db: Database, rng: random.Random, now: datetime, *, base_url: str = "") -> None:
    del rng, base_url  # nothing random and no links here; the signature is the demo contract
    last_month = current_month(now.date()).previous()
    async with db.transaction() as tx:
        await queries.publish(tx, last_month.code, None, to_db(now))
