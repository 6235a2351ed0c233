import re
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from aiohttp import web
from multidict import MultiDict

from panel.clock import to_db
from panel.db import Database
from panel.keys import SETTINGS, TEMPLATES
from panel.members.population import Cell
from panel.members.population_store import replace_population
from panel.members.targeting import (
    AGE_BANDS,
    Target,
    TargetError,
    age_band,
    count_recipients,
    form_context,
    select_recipients,
    target_from_form,
)
from tests.members.conftest import AddMember

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)


async def _invite(db: Database, member_id: int, days_ago: int) -> None:
    at = to_db(NOW - timedelta(days=days_ago))
    async with db.transaction() as tx:
        survey_id = await tx.insert(
            "INSERT INTO surveys (title, invitation_text, created_at) VALUES ('T', 'Svara {link}', ?)", (at,))
        await tx.execute(
            "INSERT INTO invitations (survey_id, member_id, token, created_at) VALUES (?, ?, ?, ?)",
            (survey_id, member_id, f"tok{survey_id}-{member_id}", at))


def test_age_bands() -> None:
    on = date(2026, 6, 1)
    assert AGE_BANDS[0] == "16-29"
    years = (2011, 2010, 1997, 1996, 1982, 1981, 1962, 1961, 1947, 1946, 1900)
    assert [age_band(y, on) for y in years] == [
        "", "16-29", "16-29", "30-44", "30-44", "45-64", "45-64", "65-79", "65-79", "80+", "80+"]
    assert age_band(None, on) == ""


async def test_all_reaches_only_active_members(db: Database, add_member: AddMember) -> None:
    active = await add_member()
    await add_member(status="left")
    await add_member(status="paused")
    await add_member(status="invalid")
    recipients = await select_recipients(db, Target(), now=NOW)
    assert [r.member_id for r in recipients] == [active]
    assert recipients[0].age_band == "45-64" and recipients[0].gender == "woman"
    assert await count_recipients(db, Target(), now=NOW) == 1


async def test_filters_combine(db: Database, add_member: AddMember, districts: dict[str, int]) -> None:
    young_cen = await add_member(birth_year=2000, district_id=districts["CEN"], gender="man")
    await add_member(birth_year=2000, district_id=districts["NOR"], gender="man")
    await add_member(birth_year=1950, district_id=districts["CEN"], gender="man")
    await add_member(birth_year=2000, district_id=districts["CEN"], gender="woman", language="en")
    target = Target(kind="filter", district_codes=("CEN",), age_bands=("16-29",), genders=("man",),
                    languages=("sv",))
    assert [r.member_id for r in await select_recipients(db, target, now=NOW)] == [young_cen]
    assert (await select_recipients(db, target, now=NOW))[0].district_code == "CEN"
    assert await count_recipients(db, target, now=NOW) == 1
    # Kind "all" ignores filters that a form may still carry.
    assert await count_recipients(db, Target(kind="all", district_codes=("CEN",)), now=NOW) == 4


async def test_fatigue_rules(db: Database, add_member: AddMember) -> None:
    fresh = await add_member()
    recent = await add_member()
    tired = await add_member()
    await _invite(db, recent, days_ago=5)
    for days in (40, 100, 200):
        await _invite(db, tired, days_ago=days)
    await _invite(db, fresh, days_ago=400)  # outside the period: does not count
    skip = Target(skip_recent_days=14)
    assert {r.member_id for r in await select_recipients(db, skip, now=NOW)} == {fresh, tired}
    capped = Target(max_surveys=3, period_days=365)
    assert {r.member_id for r in await select_recipients(db, capped, now=NOW)} == {fresh, recent}
    assert await count_recipients(db, Target(skip_recent_days=14, max_surveys=3, period_days=365), now=NOW) == 1


async def test_stratified_sample_follows_the_population(
    db: Database, add_member: AddMember, districts: dict[str, int]
) -> None:
    # The panel is 50/50 in two districts, the population 80/20: the sample must follow the population.
    for _ in range(100):
        await add_member(district_id=districts["CEN"], birth_year=1980, gender="woman")
        await add_member(district_id=districts["NOR"], birth_year=1980, gender="woman")
    async with db.transaction() as tx:
        await replace_population(tx, [Cell(districts["CEN"], "45-64", "woman", 8000),
                                      Cell(districts["NOR"], "45-64", "woman", 2000)], to_db(NOW))
    target = Target(kind="sample", sample_size=50, seed=42)
    first = await select_recipients(db, target, now=NOW)
    assert Counter(r.district_code for r in first) == {"CEN": 40, "NOR": 10}
    assert first == await select_recipients(db, target, now=NOW)  # the same seed, the same sample
    other = await select_recipients(db, Target(kind="sample", sample_size=50, seed=43), now=NOW)
    assert {r.member_id for r in other} != {r.member_id for r in first}
    assert await count_recipients(db, target, now=NOW) == 50


async def test_members_outside_the_population_keep_their_share(db: Database, add_member: AddMember,
                                                               districts: dict[str, int]) -> None:
    for _ in range(90):
        await add_member(district_id=districts["CEN"], birth_year=1980, gender="woman")
    for _ in range(10):
        await add_member(district_id=districts["CEN"], birth_year=1980, gender="not_stated")
    async with db.transaction() as tx:
        await replace_population(tx, [Cell(districts["CEN"], "45-64", "woman", 500)], to_db(NOW))
    sample = await select_recipients(db, Target(kind="sample", sample_size=20, seed=1), now=NOW)
    assert Counter(r.gender for r in sample) == {"woman": 18, "not_stated": 2}


async def test_a_sample_larger_than_the_panel_takes_everyone(db: Database, add_member: AddMember) -> None:
    ids = {await add_member() for _ in range(3)}
    target = Target(kind="sample", sample_size=10, seed=1)
    assert {r.member_id for r in await select_recipients(db, target, now=NOW)} == ids
    assert await count_recipients(db, target, now=NOW) == 3


def test_target_from_form_reads_every_field() -> None:
    form = MultiDict([
        ("target_kind", "sample"), ("target_district", "CEN"), ("target_district", "NOR"),
        ("target_age_band", "16-29"), ("target_age_band", "bogus"), ("target_gender", "woman"),
        ("target_language", "sv"), ("target_sample_size", "150"), ("target_seed", "7"),
        ("target_skip_recent_days", "30"), ("target_max_surveys", "4"), ("target_period_days", "365"),
    ])
    target = target_from_form(form)
    assert target == Target(kind="sample", district_codes=("CEN", "NOR"), age_bands=("16-29",),
                            genders=("woman",), languages=("sv",), sample_size=150, seed=7,
                            skip_recent_days=30, max_surveys=4, period_days=365)
    assert Target.from_dict(target.to_dict()) == target


def test_a_sample_without_a_seed_gets_one() -> None:
    target = target_from_form(MultiDict([("target_kind", "sample"), ("target_sample_size", "10")]))
    assert target.seed is not None and target.sample_size == 10


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ([("target_kind", "everyone")], "target_kind"),
        ([("target_kind", "sample")], "target_sample_size"),
        ([("target_kind", "sample"), ("target_sample_size", "0")], "target_sample_size"),
        ([("target_max_surveys", "many")], "target_max_surveys"),
        ([("target_period_days", "-3")], "target_period_days"),
    ],
)
def test_target_from_form_reports_mistakes(fields: list[tuple[str, str]], bad: str) -> None:
    with pytest.raises(TargetError) as caught:
        target_from_form(MultiDict(fields))
    assert bad in caught.value.errors


async def test_the_target_partial_shows_choices_and_errors(app: web.Application, db: Database,
                                                           districts: dict[str, int]) -> None:
    target = Target(kind="sample", district_codes=("NOR",), genders=("man",), sample_size=40, seed=9)
    context = await form_context(db, target, {"target_sample_size": "Fel storlek"})
    html = app[TEMPLATES].get_template("members/_target_fields.html").render(
        {**context, "settings": app[SETTINGS], "_": lambda text: text})
    assert re.search(r'value="sample"\s+checked', html)
    assert re.search(r'value="NOR"\s+checked', html) and not re.search(r'value="CEN"\s+checked', html)
    assert re.search(r'value="man"\s+checked', html)
    assert 'id="target_sample_size-error">Fel storlek' in html and 'aria-invalid="true"' in html
    assert 'name="target_max_surveys" value="4"' in html  # the fatigue default comes from the settings
