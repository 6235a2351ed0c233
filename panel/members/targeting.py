"""Survey targets: who of the active members a survey goes to.

A `Target` is all active members, a filter (districts, age bands, genders, languages), or a stratified
random sample of a given size, proportional to the population by district × age band × gender. Fatigue rules
apply to every kind: skip members invited in the last D days, and members already invited K times within
the period. The surveys package stores a target (`to_dict`) and calls `select_recipients` when sending,
`count_recipients` for the dry-run count, and renders `members/_target_fields.html` in its forms with the
context from `form_context`.
"""

from __future__ import annotations

import random
import secrets
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from multidict import MultiMapping

from panel.i18n import _
from panel.members import sampling, target_queries
from panel.members.target_queries import Reader
from panel.members.vocab import AGE_BANDS, GENDERS, LANGUAGES, age_band
from panel.numbers import whole

__all__ = [
    "AGE_BANDS",
    "KINDS",
    "Recipient",
    "Target",
    "TargetError",
    "age_band",
    "count_recipients",
    "form_context",
    "select_recipients",
    "target_from_form",
]

KINDS = ("all", "filter", "sample")
MAX_SAMPLE = 1_000_000


@dataclass(frozen=True)
class Target:
    kind: str = "all"
    district_codes: tuple[str, ...] = ()
    age_bands: tuple[str, ...] = ()
    genders: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    sample_size: int | None = None
    seed: int | None = None
    skip_recent_days: int | None = None
    max_surveys: int | None = None
    period_days: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Target:
        known = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        for name in ("district_codes", "age_bands", "genders", "languages"):
            if name in known:
                known[name] = tuple(known[name])
        return cls(**known)

    @property
    def filtered(self) -> bool:
        """Whether the filters apply: a sample may be drawn from a filtered group too."""
        return self.kind in ("filter", "sample")


@dataclass(frozen=True)
class Recipient:
    member_id: int
    phone: str
    name: str
    language: str
    district_code: str
    age_band: str
    gender: str


@dataclass
class TargetError(ValueError):
    """A target form with mistakes; `errors` maps form field names to messages for the error summary."""

    errors: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return "; ".join(self.errors.values())


def _where(target: Target, now: datetime) -> tuple[str, list[Any]]:
    return target_queries.where_clause(
        district_codes=target.district_codes if target.filtered else (),
        age_bands=target.age_bands if target.filtered else (),
        genders=target.genders if target.filtered else (),
        languages=target.languages if target.filtered else (),
        skip_recent_days=target.skip_recent_days,
        max_surveys=target.max_surveys,
        period_days=target.period_days,
        now=now,
    )


async def select_recipients(conn: Reader, target: Target, *, now: datetime) -> list[Recipient]:
    """The members `target` reaches at `now`, in member id order; a sample is the same for the same seed."""
    where, params = _where(target, now)
    rows = await target_queries.eligible_members(conn, where, params)
    today = now.date()
    recipients = [
        Recipient(
            member_id=row["id"],
            phone=row["phone"],
            name=row["name"],
            language=row["language"],
            district_code=row["district_code"],
            age_band=age_band(row["birth_year"], today),
            gender=row["gender"],
        )
        for row in rows
    ]
    if target.kind != "sample":
        return recipients
    cells = await target_queries.population_cells(conn)
    chosen = stratified_sample(recipients, cells, target.sample_size or 0, random.Random(target.seed))  # noqa: S311 - reproducible, not secret
    return sorted(chosen, key=lambda r: r.member_id)


async def count_recipients(db: Reader, target: Target, *, now: datetime) -> int:
    """The dry-run count: how many `select_recipients` would return, counted on the indexes."""
    where, params = _where(target, now)
    eligible = await target_queries.count_eligible(db, where, params)
    if target.kind == "sample":
        return min(eligible, target.sample_size or 0)
    return eligible


def stratified_sample(
    recipients: list[Recipient], population: list[Any], size: int, rng: random.Random
) -> list[Recipient]:
    """Draw `size` recipients with strata (district, age band, gender) sized by the population.

    Members the population does not describe (gender other or not stated, unknown birth year or district)
    form strata of their own that get their share of the panel, so nobody is left out of every sample.
    """
    strata: dict[tuple[str, str, str], list[Recipient]] = defaultdict(list)
    for recipient in recipients:
        strata[(recipient.district_code, recipient.age_band, recipient.gender)].append(recipient)
    counts = {key: int(row["count"]) for row in population
              for key in [(row["district_code"], row["age_band"], row["gender"])]}
    described = {key for key in strata if counts.get(key, 0) > 0}
    described_members = sum(len(strata[key]) for key in described)
    population_total = sum(counts[key] for key in described)
    weights: dict[tuple[str, str, str], float] = {}
    for key, members in strata.items():
        if key in described:
            # Scaled so that described strata together weigh as much as their members in the panel.
            weights[key] = counts[key] * described_members / population_total
        else:
            weights[key] = float(len(members))
    available = {key: len(members) for key, members in strata.items()}
    allocation = sampling.allocate(weights, available, size)
    return sampling.draw(strata, allocation, rng)


def _whole(form: MultiMapping[Any], name: str, errors: dict[str, str], message: str,
           low: int = 0, high: int = 100_000) -> int | None:
    text = str(form.get(name, "")).strip()
    if not text:
        return None
    value = whole(text)
    if value is None or not low <= value <= high:
        errors[name] = message
        return None
    return value


def _choices(form: MultiMapping[Any], name: str, allowed: tuple[str, ...] | None) -> tuple[str, ...]:
    values = [str(v).strip() for v in form.getall(name, []) if str(v).strip()]
    if allowed is not None:
        values = [v for v in values if v in allowed]
    return tuple(dict.fromkeys(values))


def target_from_form(form: MultiMapping[Any]) -> Target:
    """Read the fields of `members/_target_fields.html`; raise TargetError with messages per field."""
    errors: dict[str, str] = {}
    kind = str(form.get("target_kind", "all")).strip() or "all"
    if kind not in KINDS:
        errors["target_kind"] = _("Välj vilka medlemmar enkäten ska gå till.")
        kind = "all"
    sample_size = _whole(form, "target_sample_size", errors,
                         _("Urvalets storlek ska vara ett heltal från 1 och uppåt."), low=1, high=MAX_SAMPLE)
    if kind == "sample" and sample_size is None and "target_sample_size" not in errors:
        errors["target_sample_size"] = _("Ange hur många medlemmar urvalet ska ha.")
    seed = _whole(form, "target_seed", errors, _("Slumpfrö ska vara ett heltal."), high=2**31 - 1)
    if kind == "sample" and seed is None:
        seed = secrets.randbelow(2**31)  # fixed once here so that the preview and the sending agree
    target = Target(
        kind=kind,
        district_codes=_choices(form, "target_district", None),
        age_bands=_choices(form, "target_age_band", AGE_BANDS),
        genders=_choices(form, "target_gender", GENDERS),
        languages=_choices(form, "target_language", LANGUAGES),
        sample_size=sample_size if kind == "sample" else None,
        seed=seed if kind == "sample" else None,
        skip_recent_days=_whole(form, "target_skip_recent_days", errors,
                                _("Antal dagar ska vara ett heltal från 0 till 3650."), high=3650),
        max_surveys=_whole(form, "target_max_surveys", errors,
                           _("Högsta antal enkäter ska vara ett heltal från 1 till 100."), low=1, high=100),
        period_days=_whole(form, "target_period_days", errors,
                           _("Perioden ska vara ett heltal från 1 till 3650 dagar."), low=1, high=3650),
    )
    if errors:
        raise TargetError(errors)
    return target


async def form_context(conn: Reader, target: Target | None = None,
                       errors: dict[str, str] | None = None) -> dict[str, Any]:
    """What `members/_target_fields.html` needs: merge it into the context of the page that includes it."""
    return {
        "target": target or Target(),
        "target_errors": errors or {},
        "target_districts": [(row["code"], row["name"]) for row in await target_queries.districts(conn)],
    }
