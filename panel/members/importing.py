"""Reading a member list (CSV or XLSX) and checking it row by row before anything is written. Pure.

Columns are recognised by Swedish or English headings in any order. Every row gets a verdict — importable,
or the reasons it is not (invalid number, duplicate in the file or already a member, unknown district,
missing consent...) — so staff see the whole report at once, fix the file and try again.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from openpyxl import load_workbook

from panel.i18n import _
from panel.members.forms import Details, parse_details

MAX_ROWS = 200_000
HEADINGS = {
    "phone": ("telefon", "mobil", "mobilnummer", "telefonnummer", "phone", "mobile", "phone number"),
    "name": ("namn", "name"),
    "email": ("e-post", "epost", "e-postadress", "email", "e-mail"),
    "language": ("språk", "language"),
    "birth_year": ("födelseår", "fött år", "birth year", "birth_year", "year of birth"),
    "gender": ("kön", "gender"),
    "district": ("område", "stadsdel", "district", "area"),
    "consent": ("samtycke", "samtycke givet", "consent", "consent date"),
}
_YES = {"ja", "yes", "j", "y", "x", "1", "true"}


class ImportFileError(ValueError):
    """The file as a whole cannot be read; the message says why, for the person who chose it."""


@dataclass
class RowResult:
    line: int  # as a spreadsheet numbers it: the heading is line 1
    details: Details | None
    consent_date: date | None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class Report:
    rows: list[RowResult]

    @property
    def importable(self) -> list[RowResult]:
        return [row for row in self.rows if row.ok]

    @property
    def rejected(self) -> list[RowResult]:
        return [row for row in self.rows if not row.ok]


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):  # Excel on Windows still saves CSV as cp1252
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_("Filen gick inte att läsa som text. Spara den som CSV (UTF-8) eller XLSX."))


def _read_csv(data: bytes) -> list[list[str]]:
    text = _decode(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
    return [row for row in csv.reader(io.StringIO(text), dialect) if any(cell.strip() for cell in row)]


def _read_xlsx(data: bytes) -> list[list[str]]:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise ImportFileError(_("Filen gick inte att öppna som Excel-fil (XLSX).")) from None
    rows: list[list[str]] = []
    for values in book.worksheets[0].iter_rows(values_only=True):
        cells = ["" if v is None else (v.isoformat()[:10] if isinstance(v, date) else str(v)) for v in values]
        cells = [c[:-2] if c.endswith(".0") and c[:-2].isdigit() else c for c in cells]  # 1985.0 → 1985
        if any(cell.strip() for cell in cells):
            rows.append(cells)
        if len(rows) > MAX_ROWS + 1:
            break
    book.close()
    return rows


def read_table(filename: str, data: bytes) -> list[dict[str, str]]:
    """The rows of the file as dicts keyed by our field names; raise ImportFileError."""
    if not data:
        raise ImportFileError(_("Filen är tom."))
    is_xlsx = filename.lower().endswith(".xlsx") or data[:2] == b"PK"
    table = _read_xlsx(data) if is_xlsx else _read_csv(data)
    if len(table) < 2:
        raise ImportFileError(_("Filen har inga rader med medlemmar under rubrikraden."))
    if len(table) > MAX_ROWS + 1:
        raise ImportFileError(_("Filen har för många rader (högst 200 000)."))
    columns: dict[int, str] = {}
    for index, heading in enumerate(table[0]):
        wanted = heading.strip().lower()
        for key, names in HEADINGS.items():
            if wanted in names:
                columns[index] = key
    if "phone" not in columns.values():
        raise ImportFileError(_("Filen saknar en kolumn för mobilnummer (rubriken Telefon eller Mobil)."))
    return [{key: (row[i].strip() if i < len(row) else "") for i, key in columns.items()} for row in table[1:]]


def _consent(text: str, today: date) -> date | None:
    value = text.strip().lower()
    if value in _YES:
        return today
    try:
        given = date.fromisoformat(value[:10])
    except ValueError:
        return None
    return given if given <= today else None


def check_rows(
    rows: list[dict[str, str]], district_ids: Mapping[str, int], existing: set[str], today: date
) -> Report:
    """A verdict per row. `existing` holds the numbers already in the registry."""
    results: list[RowResult] = []
    seen: dict[str, int] = {}
    for number, values in enumerate(rows, start=2):
        details, errors = parse_details(values, district_ids, year=today.year, lenient=True)
        problems = list(errors.values())
        consent = _consent(values.get("consent", ""), today)
        if consent is None:
            problems.append(_("Samtycke saknas: ange datum för samtycket (ÅÅÅÅ-MM-DD) eller ja."))
        if details is not None:
            if details.phone in seen:
                problems.append(_("Samma nummer som rad {line}.").format(line=seen[details.phone]))
            elif details.phone in existing:
                problems.append(_("Numret finns redan i panelen."))
            seen.setdefault(details.phone, number)
        results.append(RowResult(number, details, consent, problems))
    return Report(results)
