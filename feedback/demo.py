"""Demo feedback: about a hundred cases over the past year, from every channel, in every state.

Each demo case has the idempotency key `demo:N`, so running `panel demo` again adds nothing. Contact phone
numbers are from the range the Swedish regulator (PTS) keeps for fiction, 070-174 06 05 to 070-174 06 99.
"""

from __future__ import annotations

import dataclasses
import random
from datetime import datetime, timedelta

from panel import clock
from panel.db import Database

from . import store
from .intake import IncomingItem, intake

CASES = 100
CHANNEL_WEIGHTS = {"web": 40, "email": 20, "sms": 12, "phone": 14, "visit": 4, "letter": 3, "open311": 7}
STATE_WEIGHTS = {"new": 8, "open": 14, "waiting": 5, "answered": 28, "closed": 40, "rejected": 5}
NAMES = ["Anna Lindqvist", "Mohammed Ali", "Eva Berg", "Johan Nilsson", "Sara Ekström", "Ali Hassan",
         "Karin Sjöberg", "Lars Persson", "Fatima Yusuf", "Per Holm", "Maria Andersson", "Erik Lund"]
PLACES = ["Göteborgsvägen 12, Nödinge", "Ale torg", "Surte kyrka", "Älvängens station", "Skepplanda bibliotek",
          "Backavägen 3, Bohus", "Nol, vid busshållplatsen", "Alafors, Furulundsparken"]
# (category, kind, text): what residents write about, roughly as often as they do.
TEXTS = [
    ("gata", "fault_report",
     "Gatlampan utanför nummer 12 har varit släckt i två veckor. Det är mörkt på vägen till skolan."),
    ("gata", "fault_report", "Stort potthål i körbanan, cyklister väjer ut i trafiken."),
    ("gata", "complaint", "Snöröjningen på vår gata kom först efter lunch, vi kom inte ut med bilen."),
    ("park", "fault_report", "Gungan på lekplatsen är trasig, kedjan har gått av."),
    ("park", "idea", "Det skulle behövas fler bänkar längs promenadstråket vid älven."),
    ("park", "praise", "Tack för den fina nya lekplatsen! Barnen älskar den."),
    ("avfall", "complaint", "Soptunnan har inte tömts på tre veckor."),
    ("avfall", "fault_report", "Återvinningsstationen är överfull och det blåser skräp överallt."),
    ("trafik", "idea", "Farthinder behövs på skolvägen, bilarna kör alldeles för fort."),
    ("trafik", "question", "Varför har bussen slutat stanna vid hållplatsen på kvällarna?"),
    ("trafik", "fault_report", "Vägskylten i korsningen är nedvält efter stormen."),
    ("skola", "question", "Hur ansöker man om skolskjuts för ett barn med särskilda behov?"),
    ("skola", "complaint", "Maten i skolan har varit kall flera dagar i rad."),
    ("skola", "praise", "Stort tack till personalen på förskolan för ett fantastiskt år."),
    ("omsorg", "complaint", "Hemtjänsten kommer på olika tider varje dag, min mamma blir orolig."),
    ("omsorg", "question", "Vart vänder jag mig för att få en trygghetslarm till min pappa?"),
    ("kultur", "idea", "Biblioteket borde ha öppet på söndagar."),
    ("kultur", "praise", "Sommarlovsaktiviteterna var jättebra i år!"),
    ("kultur", "complaint", "Simhallen var stängd utan förvarning i helgen."),
    ("bygga", "question", "Behöver jag bygglov för ett växthus på 12 kvadratmeter?"),
    ("bygga", "complaint", "Grannens byggarbetsplats bullrar från sex på morgonen."),
    ("ovrigt", "idea", "Kommunen borde skicka ut information på fler språk."),
    ("ovrigt", "question", "Hur kan jag lämna synpunkter på den nya översiktsplanen?"),
]
ANSWER = "Tack för att du hörde av dig. Vi har tittat på ärendet och åtgärdat det. Hälsningar, kommunen"


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _item(rng: random.Random, number: int) -> IncomingItem:
    channel = _pick(rng, CHANNEL_WEIGHTS)
    category, kind, text = rng.choice(TEXTS)
    if channel == "open311":
        kind = "fault_report"
    phone = f"+467017406{rng.randint(5, 99):02d}"
    name = rng.choice(NAMES)
    email = name.split()[0].lower().replace("ö", "o").replace("ä", "a").replace("å", "a") + "@example.se"
    with_contact = rng.random() < 0.8
    place = rng.choice(PLACES)
    return IncomingItem(
        channel=channel,
        kind=kind,
        category_code=None if channel in ("email", "sms") and rng.random() < 0.5 else category,
        body=text,
        subject=text[:40] if channel == "email" else "",
        location_text=place if category in ("gata", "park", "trafik") or rng.random() < 0.2 else "",
        latitude=57.93 + rng.uniform(-0.08, 0.08) if channel == "open311" else None,
        longitude=12.07 + rng.uniform(-0.06, 0.06) if channel == "open311" else None,
        contact_name=name if with_contact and channel != "sms" else "",
        contact_email=email if with_contact and channel in ("web", "email", "open311") else "",
        contact_phone=phone if channel == "sms" or (with_contact and channel in ("phone", "visit")) else "",
        idempotency_key=f"demo:{number}",
        answered_directly=channel in ("phone", "visit") and rng.random() < 0.4,
        send_receipt=False,  # a year of old receipts would bury the demo's outboxes
    )


async def seed(db: Database, rng: random.Random, now: datetime, *, base_url: str = "") -> None:
    # The panel's districts, seeded before; a quarter of the residents don't say where.
    districts = [row["code"] for row in await store.districts(db)] + [""]
    for number in range(1, CASES + 1):
        item = _item(rng, number)
        placer = random.Random(number)  # its own stream: the cases stay as they were without districts
        if placer.random() < 0.75:
            item = dataclasses.replace(item, district_code=placer.choice(districts))
        received = now - timedelta(days=rng.uniform(0, 365), minutes=rng.randint(0, 600))
        state = _pick(rng, STATE_WEIGHTS)
        age = (now - received).days
        if age < 20 and state in ("closed", "rejected"):
            state = "open"  # recent cases are mostly still being handled
        if age < 7 and state != "new" and rng.random() < 0.5:
            state = "new"  # and the last week's often not yet looked at
        elif age > 60 and state in ("new", "open", "waiting") and rng.random() < 0.85:
            state = "closed"  # and old ones mostly done: a backlog of a year would be no one's inbox
        async with db.transaction() as tx:
            result = await intake(tx, item, now=received)
            if not result.created or item.answered_directly or state == "new":
                continue
            moved = clock.to_db(received + timedelta(days=rng.uniform(1, 12)))
            await store.demo_progress(tx, result.case_id, state, moved)
            if state in ("answered", "closed"):
                await store.insert_message(tx, result.case_id, moved, direction="out", channel=item.channel,
                                           body=ANSWER)
