"""Exports for Excel and for analysis: the results as CSV and XLSX, and anonymised answer-level data.

The results table is "long": one row per question, group and answer, so a pivot table in Excel or a
data frame in R reads it directly. Answer-level data has one row per respondent with no identity:
the respondent is a keyed hash (stable between exports, useless without the server's key), free text is
masked, and district, age band and gender are blanked ("*") for anyone whose combination of the three is
shared by fewer than `min_cell_size` respondents, since such a combination can point to a person.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
from collections.abc import AsyncIterator, Iterable, Sequence
from typing import Any

from openpyxl import Workbook

from panel.db import Database
from panel.privacy import mask
from surveys.model import FREE_TEXT, MULTIPLE
from surveys.results import queries
from surveys.results.assemble import Results
from surveys.results.summary import choices

RESULT_HEADERS = (
    "question", "question_text", "dimension", "group", "answer", "answer_label", "base", "count", "share",
    "margin", "weighted_share", "weighted_margin", "suppressed",
)
HIDDEN = "*"


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def result_rows(results: Results) -> list[list[Any]]:
    """The overall distribution of every question, then each breakdown group (suppressed ones marked)."""
    rows: list[list[Any]] = []
    for result in results.results:
        q = result.question
        for option in result.options:
            share, weighted = option.share, option.weighted
            rows.append([
                q.position, q.text, "total", "", option.value, option.label, result.base, option.count,
                _r(share.share if share else None), _r(share.margin if share else None),
                _r(weighted.share if weighted else None), _r(weighted.margin if weighted else None), False,
            ])
        if result.dont_know:
            rows.append([q.position, q.text, "total", "", "dont_know", "Vet ej", result.answered,
                         result.dont_know, _r(result.dont_know_share), None, None, None, False])
        for breakdown in result.breakdowns:
            for group in breakdown.rows:
                for index, option in enumerate(result.options):
                    if group.hidden:
                        rows.append([q.position, q.text, breakdown.dimension, group.key, option.value,
                                     option.label, None, None, None, None, None, None, True])
                        continue
                    part = group.shares[index] if group.shares else None
                    count = round(part * group.base) if part is not None else None
                    rows.append([q.position, q.text, breakdown.dimension, group.key, option.value, option.label,
                                 group.base, count, _r(part), None, None, None, False])
    return rows


def pseudonym(secret: bytes, survey_id: int, invitation_id: int) -> str:
    digest = hmac.new(secret, f"results:{survey_id}:{invitation_id}".encode(), hashlib.sha256).hexdigest()
    return "R-" + digest[:10]


def answer_headers(results: Results) -> list[str]:
    return ["respondent", "district", "age_band", "gender"] + [f"Q{q.position}. {q.text}" for q in results.questions]


async def answer_rows(db: Database, results: Results, secret: bytes) -> AsyncIterator[list[str]]:
    """One row per respondent, answers labelled in Swedish (the source language), read in batches."""
    survey_id = int(results.survey["id"])
    rare = {cell for cell, (_, done) in results.cells.items() if 0 < done < results.min_size}
    labels = {q.id: dict(choices(q, "sv")) for q in results.questions}
    for q in results.questions:
        labels[q.id][queries.DONT_KNOW] = "Vet ej"
    async for batch in queries.respondent_batches(db, survey_id):
        for person, answers in batch:
            cell = (person["district_code"], person["age_band"], person["gender"])
            given: dict[int, list[str]] = {}
            for answer in answers:
                given.setdefault(answer["question_id"], []).append(answer["value"])
            row = [pseudonym(secret, survey_id, person["id"]), *([HIDDEN] * 3 if cell in rare else cell)]
            for q in results.questions:
                values = given.get(q.id, [])
                if q.kind == FREE_TEXT:
                    text = values[0] if values else ""
                    row.append("Vet ej" if text == queries.DONT_KNOW else mask(text))
                else:
                    joined = "; " if q.kind == MULTIPLE else ""
                    row.append(joined.join(labels[q.id].get(v, v) for v in values))
            yield row


def csv_text(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """CSV with a byte-order mark, so Excel opens åäö right; decimals use a point, as open data expects."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(["" if cell is None else cell for cell in row] for row in rows)
    return buffer.getvalue()


def csv_line(cells: Sequence[Any], *, first: bool = False) -> bytes:
    """One CSV line, for streaming a long export row by row (the first one carries the byte-order mark)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(["" if cell is None else cell for cell in cells])
    return (("\ufeff" if first else "") + buffer.getvalue()).encode("utf-8")


async def answers_xlsx(db: Database, results: Results, secret: bytes) -> bytes:
    """Answer-level data as a workbook, appended row by row (write-only mode spools to a temporary file)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Svar")
    sheet.append(answer_headers(results))
    async for row in answer_rows(db, results, secret):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_bytes(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    """A workbook with one sheet per (title, headers, rows); write-only mode keeps memory flat."""
    workbook = Workbook(write_only=True)
    for title, headers, rows in sheets:
        sheet = workbook.create_sheet(title[:31])
        sheet.append(list(headers))
        for row in rows:
            sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def summary_sheet(results: Results) -> list[list[Any]]:
    """Key figures on the first sheet, so a forwarded workbook explains itself."""
    f, w = results.funnel, results.weights
    return [
        ["Enkät", results.title],
        ["Inbjudna", f.invited],
        ["Levererade", f.delivered],
        ["Svarade", f.completed],
        ["Svarsfrekvens", _r(f.response_rate)],
        ["Felmarginal vid 50 % (procentenheter)", round(results.max_margin * 100, 1)],
        ["Viktning", w.method],
        ["Designeffekt", round(w.design_effect, 3)],
        ["Minsta redovisade grupp", results.min_size],
        ["Obs", "Självrekryterad panel: resultaten är indikativa, inte representativa i statistisk mening."],
    ]
