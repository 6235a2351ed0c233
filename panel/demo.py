"""`panel demo`: a realistic municipality to try the system with, seeded idempotently by each package."""

from __future__ import annotations

import logging
import random

from feedback import demo as feedback_demo
from feedback import demo_handling as feedback_demo_handling
from feedback.stats import demo as stats_demo
from panel import auth, clock
from panel.app import open_database
from panel.members import demo as members_demo
from panel.settings import Settings
from surveys import demo as surveys_demo
from surveys.results import demo as results_demo

log = logging.getLogger(__name__)

# Each module's `seed(db, rng, now, base_url=...)`; later ones build on what earlier ones made (members
# before surveys, cases before their handling, answers before published results).
SEEDERS = [members_demo, feedback_demo, feedback_demo_handling, stats_demo, surveys_demo, results_demo]


async def seed_all(settings: Settings, users: list[tuple[str, str, str]], password: str) -> None:
    db = await open_database(settings)
    try:
        for username, role, display_name in users:
            if await db.fetch_one("SELECT 1 FROM users WHERE username = ?", (username,)) is None:
                async with db.transaction() as tx:
                    email = f"{username}@exempelby.example" if role == "handler" else ""
                    await auth.create_user(tx, username, password, role, display_name, email)
        rng = random.Random(2026)  # the same demo every time
        now = clock.utcnow()
        for module in SEEDERS:
            await module.seed(db, rng, now, base_url=settings.base_url)
    finally:
        await db.close()


def banner(settings: Settings, users: list[tuple[str, str, str]], password: str) -> str:
    base = settings.base_url
    lines = [
        "",
        "Demo is ready.",
        f"  Residents:  {base}/            (feedback form {base}/feedback, join the panel {base}/join)",
        f"  Staff:      {base}/login",
        f"  SMS outbox: {base}/staff/outbox  (survey links sent by the console backend show here)",
        f"  Open311:    {base}/open311/v2/discovery.json",
        "",
        f"  Staff logins (password for all: {password}):",
    ]
    lines += [f"    {name:<12} {role}" for name, role, _ in users]
    if settings.smtp_listen:
        lines.append(f"  Inbound e-mail: SMTP on {settings.smtp_listen}")
    return "\n".join(lines)
