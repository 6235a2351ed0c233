"""Demo feedback: about a hundred cases over the past year, from every channel, in every state, each with the
history handling would have given it.

Every case goes through the real intake at the moment it came in, so its reference and its deadlines (Swedish
working days, `feedback.workdays`) are what intake makes of that moment. A handled case then gets what the
handler's decisions would have left behind: the demo handler as its handler, its first response — an answer, a
request for completion or a rejection — at office hours on a working day after it came in, mostly within the
answer time and sometimes late, the answer in its thread, and for a closed case the closing by the handler or
the resident's "yes, that resolved it". So the statistics of any past month have response times and a
deadline record, as a real municipality's would.

The places are fictional streets and spots in the fictional Exempelby kommun's districts (the members demo's
`DISTRICTS`). Each demo case has the idempotency key `demo:N`, so running `panel demo` again adds nothing.
Contact phone numbers are from the range the Swedish regulator (PTS) keeps for fiction, 070-174 06 05 to
070-174 06 99.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from panel import clock
from panel.db import Database, Row, Transaction

from . import store
from .forms import STAFF_CHANNELS
from .handling import due_date
from .intake import IncomingItem, intake
from .outbound import reply_channel
from .workdays import add_working_days, working_days_between

CASES = 100
CHANNEL_WEIGHTS = {"web": 40, "email": 20, "sms": 12, "phone": 14, "visit": 4, "letter": 3, "open311": 7}
STATE_WEIGHTS = {"new": 8, "open": 14, "waiting": 5, "answered": 28, "closed": 40, "rejected": 5}
NAMES = ["Anna Lindqvist", "Mohammed Ali", "Eva Berg", "Johan Nilsson", "Sara Ekström", "Ali Hassan",
         "Karin Sjöberg", "Lars Persson", "Fatima Yusuf", "Per Holm", "Maria Andersson", "Erik Lund"]
# Made-up streets and spots of Exempelby kommun, by district code (panel.members.demo.DISTRICTS).
PLACES = {
    "CEN": ["Storgatan 14", "Torget vid stadshuset", "Kyrkogatan 3", "Resecentrum i Exempelby"],
    "NOR": ["Norrbyvägen 22", "Norrby skola, vid cykelstället", "Björkallén 7, Norrby"],
    "SOD": ["Söderåsbacken 5", "Lekplatsen i Söderåsparken", "Åsvägen 18, Söderås"],
    "VAS": ["Hamngatan 9, Västerhamn", "Gästhamnen i Västerhamn", "Fyrvägen 2, Västerhamn"],
    "OST": ["Kvarnbyvägen 40, Östra Kvarnbyn", "Gångbron över Kvarnbäcken", "Mjölnarstigen 6, Östra Kvarnbyn"],
    "SJO": ["Sjöviks badplats", "Strandpromenaden i Sjövik", "Vassvägen 11, Sjövik"],
    "BRU": ["Brunnsbergs centrum", "Källvägen 3, Brunnsberg", "Brunnsbergshallen"],
    "LIN": ["Lindängsskolan", "Ängsvägen 12, Lindängen", "Lekplatsen vid Lindängens torg"],
    "SKO": ["Skogslunds idrottsplats", "Granstigen 8, Skogslund", "Motionsspåret i Skogslund"],
    "BYN": ["Busshållplatsen i Lillebyn", "Grusvägen mot Backagården", "Bygdegården i Lillebyn"],
}
ALL_PLACES = [place for places in PLACES.values() for place in places]
# (category, kind, text): what residents write about, roughly as often as they do.
TEXTS = [
    ("gata", "fault_report",
     "Gatlampan utanför nummer 12 har varit släckt i två veckor. Det är mörkt på vägen till skolan."),
    ("gata", "fault_report", "Stort potthål i körbanan, cyklister väjer ut i trafiken."),
    ("gata", "complaint", "Snöröjningen på vår gata kom först efter lunch, vi kom inte ut med bilen."),
    ("park", "fault_report", "Gungan på lekplatsen är trasig, kedjan har gått av."),
    ("park", "idea", "Det skulle behövas fler bänkar längs promenadstråket vid ån."),
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
COMPLETION = "Tack för ditt ärende! Kan du beskriva lite närmare var det är, till exempel närmaste adress?"
REJECTION = "Det här ansvarar inte kommunen för. Kontakta Trafikverket på 0771-921 921 eller trafikverket.se."
# The newest few cases are not yet looked at, so the inbox always has new ones.
NEWEST_UNREAD = 3
# How many of the handled cases were answered after their deadline.
LATE_SHARE = 0.15
OFFICE_OPENS, OFFICE_MINUTES = time(8, 0), 8 * 60 + 30  # 08:00-16:30


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _item(rng: random.Random, number: int, district: str) -> IncomingItem:
    channel = _pick(rng, CHANNEL_WEIGHTS)
    category, kind, text = rng.choice(TEXTS)
    if channel == "open311":
        kind = "fault_report"
    phone = f"+467017406{rng.randint(5, 99):02d}"
    name = rng.choice(NAMES)
    email = name.split()[0].lower().replace("ö", "o").replace("ä", "a").replace("å", "a") + "@example.se"
    with_contact = rng.random() < 0.8
    place = rng.choice(PLACES.get(district) or ALL_PLACES)
    return IncomingItem(
        channel=channel,
        kind=kind,
        category_code=None if channel in ("email", "sms") and rng.random() < 0.5 else category,
        body=text,
        subject=text[:40] if channel == "email" else "",
        location_text=place if category in ("gata", "park", "trafik") or rng.random() < 0.2 else "",
        district_code=district,
        latitude=57.93 + rng.uniform(-0.08, 0.08) if channel == "open311" else None,
        longitude=12.07 + rng.uniform(-0.06, 0.06) if channel == "open311" else None,
        contact_name=name if with_contact and channel != "sms" else "",
        contact_email=email if with_contact and channel in ("web", "email", "open311") else "",
        contact_phone=phone if channel == "sms" or (with_contact and channel in ("phone", "visit")) else "",
        idempotency_key=f"demo:{number}",
        answered_directly=channel in ("phone", "visit") and rng.random() < 0.4,
        send_receipt=False,  # a year of old receipts would bury the demo's outboxes
    )


def office_time(rng: random.Random, day: date) -> datetime:
    """A moment in office hours of a (local) day, as an aware datetime."""
    opens = datetime.combine(day, OFFICE_OPENS, tzinfo=clock.STOCKHOLM)
    return opens + timedelta(minutes=rng.randint(0, OFFICE_MINUTES))


def _local_day(moment: datetime) -> date:
    local = clock.local(moment)
    assert local is not None
    return local.date()


def _received(rng: random.Random, now: datetime, channel: str) -> datetime:
    received = now - timedelta(days=rng.uniform(0, 365), minutes=rng.randint(0, 600))
    if channel in STAFF_CHANNELS:  # calls, visits and letters are registered by staff, in office hours
        registered = office_time(rng, add_working_days(_local_day(received), 0))
        if registered < now:
            return registered
    return received


def _state(rng: random.Random, now: datetime, received: datetime) -> str:
    state = _pick(rng, STATE_WEIGHTS)
    age = (now - received).days
    if age < 20 and state in ("closed", "rejected"):
        state = "open"  # recent cases are mostly still being handled
    if age < 7 and state != "new" and rng.random() < 0.5:
        state = "new"  # and the last week's often not yet looked at
    elif age > 60 and state in ("new", "open", "waiting") and rng.random() < 0.85:
        state = "closed"  # and old ones mostly done: a backlog of a year would be no one's inbox
    return state


@dataclass(frozen=True)
class History:
    """What handling left on a case: its state, when it was first responded to and how, answered and closed."""

    state: str
    responded: datetime | None = None
    response: str = ""  # the event kind of the first response: answered, completion_requested or rejected
    answered: datetime | None = None
    closed: datetime | None = None
    closed_by_resident: bool = False


def plan_history(rng: random.Random, case: Row, state: str, now: datetime) -> History:
    """The handling of a case that `state` implies, on working days after it came in, all before `now`.

    A step that would fall after `now` has not happened yet: the case stays where it was before that step.
    """
    created = clock.from_db(case["created_at"])
    first_day = _local_day(created)
    due_day = due_date(case["answer_due_at"])
    answer_days = working_days_between(first_day, due_day) if due_day else 10
    if state in ("waiting", "rejected"):
        at = office_time(rng, add_working_days(first_day, rng.randint(1, 3)))
        if at >= now:
            return History("open")
        kind = "completion_requested" if state == "waiting" else "rejected"
        return History(state, at, kind, closed=at if state == "rejected" else None)
    if state not in ("answered", "closed"):
        return History(state)
    if rng.random() < LATE_SHARE:
        days = answer_days + rng.randint(1, 6)
    else:  # most answers come within a few days, a few near the deadline
        days = min(answer_days, 1 + int(rng.expovariate(1 / 3)))
    answered = office_time(rng, add_working_days(first_day, days))
    if answered >= now:
        return History("open")
    if state == "answered":
        return History("answered", answered, "answered", answered)
    by_resident = rng.random() < 0.3
    if by_resident:  # the resident's "yes" on the tracking page, whenever they read the answer
        closed = answered + timedelta(hours=rng.uniform(2, 96))
    else:
        closed = office_time(rng, add_working_days(_local_day(answered), rng.randint(1, 10)))
    if closed >= now:
        return History("answered", answered, "answered", answered)
    return History("closed", answered, "answered", answered, closed, by_resident)


async def _record(tx: Transaction, case: Row, item: IncomingItem, history: History,
                  handler: Row | None) -> None:
    """Write the planned history: the case's state and times, its events and the replies in its thread."""
    case_id, handler_id = case["id"], handler["id"] if handler else None
    db = clock.to_db
    last = clock.from_db(case["created_at"])
    if history.responded is not None:
        if handler is not None:  # the handler who responds takes the case on
            await store.insert_event(tx, case_id, db(history.responded), "assigned",
                                     handler["display_name"] or handler["username"], handler_id)
        await store.insert_event(tx, case_id, db(history.responded), history.response, user_id=handler_id)
        text = {"answered": ANSWER, "completion_requested": COMPLETION, "rejected": REJECTION}[history.response]
        await store.insert_message(tx, case_id, db(history.responded), direction="out",
                                   channel=reply_channel(item.channel, item.contact_email, item.contact_phone),
                                   body=text, author_user_id=handler_id)
        last = history.responded
    if history.closed is not None and history.state == "closed":
        if history.closed_by_resident:
            await store.insert_event(tx, case_id, db(history.closed), "resident_resolved")
        else:
            await store.insert_event(tx, case_id, db(history.closed), "closed", user_id=handler_id)
        last = history.closed
    await store.demo_history(
        tx, case_id, state=history.state, updated_at=db(last),
        assignee_user_id=handler_id if history.responded is not None else None,
        answered_at=db(history.answered) if history.answered else None,
        closed_at=db(history.closed) if history.closed else None,
        resolved=1 if history.closed_by_resident else None,
    )


async def seed(db: Database, rng: random.Random, now: datetime, *, base_url: str = "") -> None:
    # The panel's districts, seeded before; a quarter of the residents don't say where.
    districts = [row["code"] for row in await store.districts(db)]
    handler = await store.demo_handler(db)
    arrivals = []
    for number in range(1, CASES + 1):
        district = rng.choice(districts) if districts and rng.random() < 0.75 else ""
        item = _item(rng, number, district)
        received = _received(rng, now, item.channel)
        arrivals.append((received, item, _state(rng, now, received)))
    arrivals.sort(key=lambda arrival: arrival[0])  # in the order they came in: references count up with time
    for index, (received, item, state) in enumerate(arrivals):
        if index >= len(arrivals) - NEWEST_UNREAD:
            state = "new"
        async with db.transaction() as tx:
            result = await intake(tx, item, now=received)
            if not result.created or item.answered_directly or state == "new":
                continue
            case = await store.case_by_id(tx, result.case_id)
            assert case is not None
            await _record(tx, case, item, plan_history(rng, case, state, now), handler)
