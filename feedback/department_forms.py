"""Checking the admins' department forms, before anything is stored. Pure: no I/O.

Like `category_forms`, a check returns the cleaned values (safe to put back in the form) and the problems
keyed by field name. Whether a name is already taken is the store's question, asked in the transaction that
writes; `refuse_name` turns its answer into the field's message. Two names that differ only in upper and
lower case count as the same department: a case routed to "gatuenheten" would miss the reminder address of
"Gatuenheten".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from panel.i18n import _

from .forms import is_email

MAX_NAME = 80
MAX_EMAIL = 254


@dataclass
class DepartmentForm:
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def refuse_name(self) -> None:
        """Another department has the name (found out by the store, at the moment of writing)."""
        self.errors = {"name": _("Det finns redan en förvaltning med det namnet."), **self.errors}


def name_key(name: str) -> str:
    """What two department names are compared by: case and runs of spaces do not count."""
    return " ".join(name.split()).casefold()


def _name(fields: Mapping[str, str]) -> str:
    # Runs of spaces (and line breaks) become one space; one character past the limit is kept, so "too long"
    # can be told apart from "just right".
    return " ".join(str(fields.get("name", "") or "").split())[: MAX_NAME + 1]


def _email(fields: Mapping[str, str]) -> str:
    return str(fields.get("email", "") or "").strip()[: MAX_EMAIL + 1]


def _check_email(form: DepartmentForm, fields: Mapping[str, str]) -> None:
    form.values["email"] = _email(fields)
    if form.values["email"] and not is_email(form.values["email"]):
        form.errors["email"] = _("Ange en e-postadress som namn@kommun.se, eller lämna fältet tomt.")


def check_department(fields: Mapping[str, str]) -> DepartmentForm:
    """Check a new department: its name and reminder address; whether the name is free is checked when stored."""
    form = DepartmentForm()
    form.values["name"] = _name(fields)
    if not form.values["name"]:
        form.errors["name"] = _("Ange förvaltningens namn.")
    elif len(form.values["name"]) > MAX_NAME:
        form.errors["name"] = _("Namnet får vara högst 80 tecken.")
    elif not form.values["name"].isprintable():
        form.errors["name"] = _("Namnet får bara innehålla skrivbara tecken.")
    _check_email(form, fields)
    return form


def check_email(fields: Mapping[str, str]) -> DepartmentForm:
    """Check the reminder address of an existing department (its name is not changed here)."""
    form = DepartmentForm()
    _check_email(form, fields)
    return form


def email_change(old: str, new: str) -> str:
    """What an edit changed, for the audit log: "email: a@x.se → b@x.se"."""
    return f"email: {old or '-'} → {new or '-'}" if old != new else "unchanged"
