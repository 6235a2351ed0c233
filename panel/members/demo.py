"""Demo data: the districts of a fictional municipality, its population and a 200-member panel.

Idempotent: districts and population are upserted, and members are only added to an empty registry.
Phone numbers are drawn from 070-174 0xxx around the range Sweden's regulator (PTS) reserves for fiction
(070-174 06 05 to 06 99); with the console SMS backend nothing leaves the machine anyway.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from panel.clock import to_db
from panel.db import Database, Transaction
from panel.members import population_store, store
from panel.members.forms import Details
from panel.members.population import Cell
from panel.members.vocab import AGE_BANDS, age_band, birth_years

DISTRICTS = [
    ("CEN", "Centrum", 5200), ("NOR", "Norrby", 3900), ("SOD", "Söderås", 3400), ("VAS", "Västerhamn", 2800),
    ("OST", "Östra Kvarnbyn", 2600), ("SJO", "Sjövik", 2100), ("BRU", "Brunnsberg", 1800),
    ("LIN", "Lindängen", 1600), ("SKO", "Skogslund", 1200), ("BYN", "Byarna på landet", 1400),
]
# Roughly Sweden's adult population by age band.
AGE_SHARES = {"16-29": 0.21, "30-44": 0.24, "45-64": 0.31, "65-79": 0.17, "80+": 0.07}
# Panels recruit older residents and women more easily; the demo shows that skew on the composition page.
PANEL_AGE_WEIGHTS = {"16-29": 0.12, "30-44": 0.22, "45-64": 0.36, "65-79": 0.23, "80+": 0.07}
FIRST_NAMES = {
    "woman": ["Anna", "Eva", "Maria", "Karin", "Sara", "Fatima", "Elin", "Ida", "Lena", "Amira", "Astrid", "Maja"],
    "man": ["Erik", "Lars", "Anders", "Johan", "Mohammed", "Karl", "Nils", "Oskar", "Ali", "Per", "Emil", "Hugo"],
    "other": ["Kim", "Robin", "Alex"],
    "not_stated": ["", "Sam"],
}
SURNAMES = ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson",
            "Svensson", "Gustafsson", "Hassan", "Lindqvist", "Berg", "Ahmed", "Holm", "Sandberg"]
PANEL_SIZE = 200


async def seed(db: Database, rng: random.Random, now: datetime, *, base_url: str = "") -> None:
    at = to_db(now)
    async with db.transaction() as tx:
        ids = {code: await store.upsert_district(tx, code, name) for code, name, _size in DISTRICTS}
        cells = [
            Cell(ids[code], band, gender, round(size * share * (0.53 if gender == "woman" and band == "80+" else 0.5)))
            for code, _name, size in DISTRICTS for band, share in AGE_SHARES.items() for gender in ("woman", "man")
        ]
        await population_store.replace_population(tx, cells, at)
        if await tx.fetch_value("SELECT COUNT(*) FROM members"):
            return
        consent = await store.current_consent(tx, "sv")
        version = consent["version"] if consent else ""
        for number in range(PANEL_SIZE):
            await _member(tx, rng, now, number, ids, version)


async def _member(tx: Transaction, rng: random.Random, now: datetime, number: int, ids: dict[str, int],
                  version: str) -> None:
    gender = rng.choices(["woman", "man", "other", "not_stated"], weights=[54, 42, 2, 2])[0]
    band = rng.choices(AGE_BANDS, weights=[PANEL_AGE_WEIGHTS[b] for b in AGE_BANDS])[0]
    oldest, youngest = birth_years(band, now.date())
    birth_year = rng.randint(max(oldest, now.year - 92), youngest)
    code = rng.choices([d[0] for d in DISTRICTS], weights=[d[2] for d in DISTRICTS])[0]
    first = rng.choice(FIRST_NAMES[gender])
    name = f"{first} {rng.choice(SURNAMES)}" if first else ""
    email = f"{first.lower()}.{number}@example.se" if first and rng.random() < 0.4 else ""
    joined = now - timedelta(days=rng.randint(1, 540), minutes=rng.randint(0, 1440))
    details = Details(
        phone=f"+46701740{number:03d}", name=name, email=email, language="en" if rng.random() < 0.06 else "sv",
        birth_year=birth_year if age_band(birth_year, now.date()) else None, gender=gender,
        district_id=ids[code] if rng.random() < 0.97 else None,
    )
    channel = rng.choices(["web", "import"], weights=[80, 20])[0]
    member_id = await store.insert_member(
        tx, details, status="active", consent_version=version, consent_at=to_db(joined), consent_channel=channel,
        joined_at=to_db(joined),
    )
    await store.add_history(tx, member_id, "active", at=to_db(joined), channel=channel, user_id=None, note="")
    fate = rng.random()
    if fate < 0.08:  # some leave after a while, a few numbers stop working, a few pause
        left = joined + timedelta(days=rng.randint(10, max(11, (now - joined).days)))
        if left < now:
            await store.set_status(tx, member_id, "left", left_at=to_db(left))
            await store.add_history(tx, member_id, "left", at=to_db(left), channel="sms", user_id=None,
                                    note="SMS: STOPP")
    elif fate < 0.09:
        await store.set_status(tx, member_id, "invalid", left_at=None)
        await store.add_history(tx, member_id, "invalid", at=to_db(now - timedelta(days=3)), channel="provider",
                                user_id=None, note="error 30005")
    elif fate < 0.11:
        await store.set_status(tx, member_id, "paused", left_at=None)
        await store.add_history(tx, member_id, "paused", at=to_db(now - timedelta(days=20)), channel="staff",
                                user_id=None, note="")
