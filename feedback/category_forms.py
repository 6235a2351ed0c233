"""Checking the admins' category and reply-phrase forms, before anything is stored. Pure: no I/O.

Like `forms`, every check returns the cleaned values (safe to put back in the form) and the problems keyed
by field name, so the page can show an error summary that links to each field. Whether a code or a title is
already taken is the store's question, asked in the transaction that writes; `refuse_code`/`refuse_title`
turn its answer into the field's message.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from panel.i18n import _

# A code appears in links (/feedback?category=gata), in Open311 as service_code and in statistics.
CODE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
MAX_CODE = 40
MAX_NAME = 100
MAX_DEPARTMENT = 100
MAX_DESCRIPTION = 500
MIN_DAYS, MAX_DAYS = 1, 90
MAX_TITLE = 120
MAX_PHRASE = 5000


class Record(Protocol):
    """A stored row (sqlite3.Row) or a dict: read by column name."""

    def __getitem__(self, key: str) -> Any: ...


@dataclass(frozen=True)
class CategoryValues:
    """A checked category, as stored."""

    code: str
    name_sv: str
    name_en: str
    department: str
    description_sv: str
    needs_location: bool
    ack_days: int
    answer_days: int


@dataclass
class CategoryForm:
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    category: CategoryValues | None = None  # set when there is nothing to correct

    def refuse_code(self) -> None:
        """Another category has the code (found out by the store, at the moment of writing)."""
        self.errors = {"code": _("Koden används redan av en annan kategori."), **self.errors}
        self.category = None


@dataclass
class PhraseForm:
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def refuse_title(self) -> None:
        """Another phrase of the category has the title."""
        self.errors = {"title": _("Det finns redan en fras med den rubriken i kategorin."), **self.errors}


def _text(fields: Mapping[str, str], name: str, limit: int) -> str:
    # One character past the limit is kept, so "too long" can be told apart from "just right".
    return str(fields.get(name, "") or "").replace("\r\n", "\n").strip()[: limit + 1]


def _days(text: str) -> int | None:
    if not text.isascii() or not text.isdigit() or len(text) > 3:
        return None
    value = int(text)
    return value if MIN_DAYS <= value <= MAX_DAYS else None


def category_values(row: Record) -> dict[str, str]:
    """A stored category as the form's values."""
    values = {name: str(row[name]) for name in ("code", "name_sv", "name_en", "department", "description_sv",
                                                 "ack_days", "answer_days")}
    values["needs_location"] = "1" if row["needs_location"] else ""
    return values


def changes(row: Record, category: CategoryValues) -> str:
    """What an edit changed, for the audit log: "answer_days: 10 → 15; department: A → B"."""
    parts = []
    for name in ("code", "name_sv", "name_en", "department", "description_sv", "needs_location", "ack_days",
                 "answer_days"):
        old, new = row[name], getattr(category, name)
        if isinstance(new, bool):
            old, new = bool(old), new
        if old != new:
            parts.append(f"{name}: {old} → {new}")
    return "; ".join(parts) or "unchanged"


def check_category(fields: Mapping[str, str]) -> CategoryForm:
    """Check a category form; whether the code is free is checked when it is stored."""
    form = CategoryForm()
    values, errors = form.values, form.errors
    values["code"] = _text(fields, "code", MAX_CODE).lower()
    if not values["code"]:
        errors["code"] = _("Ange en kod.")
    elif len(values["code"]) > MAX_CODE or not CODE.match(values["code"]):
        errors["code"] = _("Koden får bara innehålla a–z, siffror, bindestreck och understreck, högst 40 tecken.")
    for name, missing in (("name_sv", _("Ange namnet på svenska.")), ("name_en", _("Ange namnet på engelska."))):
        values[name] = _text(fields, name, MAX_NAME)
        if not values[name]:
            errors[name] = missing
        elif len(values[name]) > MAX_NAME:
            errors[name] = _("Namnet får vara högst 100 tecken.")
    values["department"] = _text(fields, "department", MAX_DEPARTMENT)
    if not values["department"]:
        errors["department"] = _("Ange vilken förvaltning som handlägger kategorins ärenden.")
    elif len(values["department"]) > MAX_DEPARTMENT:
        errors["department"] = _("Förvaltningens namn får vara högst 100 tecken.")
    values["description_sv"] = _text(fields, "description_sv", MAX_DESCRIPTION)
    if len(values["description_sv"]) > MAX_DESCRIPTION:
        errors["description_sv"] = _("Beskrivningen får vara högst 500 tecken.")
    values["needs_location"] = "1" if _text(fields, "needs_location", 1) == "1" else ""
    values["ack_days"] = _text(fields, "ack_days", 10)
    values["answer_days"] = _text(fields, "answer_days", 10)
    ack_days, answer_days = _days(values["ack_days"]), _days(values["answer_days"])
    if ack_days is None:
        errors["ack_days"] = _("Ange tiden för bekräftelse som ett heltal från 1 till 90 arbetsdagar.")
    if answer_days is None:
        errors["answer_days"] = _("Ange svarstiden som ett heltal från 1 till 90 arbetsdagar.")
    if ack_days is not None and answer_days is not None and ack_days > answer_days:
        errors["ack_days"] = _("Tiden för bekräftelse får inte vara längre än svarstiden.")
    if not errors and ack_days is not None and answer_days is not None:
        form.category = CategoryValues(
            values["code"], values["name_sv"], values["name_en"], values["department"], values["description_sv"],
            bool(values["needs_location"]), ack_days, answer_days,
        )
    return form


def check_phrase(fields: Mapping[str, str]) -> PhraseForm:
    """Check a reply phrase; whether the title is free in its category is checked when it is stored."""
    form = PhraseForm()
    values, errors = form.values, form.errors
    values["title"] = _text(fields, "title", MAX_TITLE)
    if not values["title"]:
        errors["title"] = _("Ge frasen en rubrik.")
    elif len(values["title"]) > MAX_TITLE:
        errors["title"] = _("Rubriken får vara högst 120 tecken.")
    values["body"] = _text(fields, "body", MAX_PHRASE)
    if not values["body"]:
        errors["body"] = _("Skriv frasens text.")
    elif len(values["body"]) > MAX_PHRASE:
        errors["body"] = _("Texten får vara högst 5 000 tecken.")
    return form
