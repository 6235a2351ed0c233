"""Import: a dry-run report row by row, then one commit; from the staff page and the command line."""

import argparse
import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from aiohttp import FormData
from aiohttp.test_utils import TestClient
from openpyxl import Workbook

from panel.db import Database
from panel.members import cli, importing
from panel.settings import Settings
from tests.helpers import csrf_token
from tests.members.conftest import AddMember

GOOD_AND_BAD = (
    "Telefon;Namn;Födelseår;Kön;Område;Samtycke\n"
    "070-111 22 33;Anna A;1980;kvinna;CEN;2026-01-15\n"       # 2: fine
    "08-123 456 78;Bo B;1975;man;NOR;ja\n"                    # 3: a landline
    "0701112233;Anna igen;1980;kvinna;CEN;ja\n"               # 4: the same number as row 2
    "070-222 33 44;Cecilia C;1990;kvinna;Atlantis;ja\n"       # 5: unknown district
    "070-333 44 55;David D;1960;man;SOD;\n"                   # 6: no consent
    "070-444 55 66;Erik E;1950;man;Norrby;ja\n"               # 7: fine, district by name
    "070-999 88 77;Finns Redan;1970;man;CEN;ja\n"             # 8: already a member
).encode()


def test_read_table_recognises_headings_and_delimiters() -> None:
    rows = importing.read_table("x.csv", b"Mobile,Name,Gender\n+46701112233,Anna,woman\n\n")
    assert rows == [{"phone": "+46701112233", "name": "Anna", "gender": "woman"}]


def test_read_table_reads_xlsx() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Telefon", "Födelseår", "Samtycke"])
    sheet.append(["0701112233", 1985, date(2026, 3, 1)])
    buffer = io.BytesIO()
    book.save(buffer)
    rows = importing.read_table("members.xlsx", buffer.getvalue())
    assert rows == [{"phone": "0701112233", "birth_year": "1985", "consent": "2026-03-01"}]


@pytest.mark.parametrize(("name", "data"), [
    ("x.csv", b""), ("x.csv", b"Namn\nAnna\n"), ("x.csv", b"Telefon\n"), ("x.xlsx", b"PK not a zip"),
])
def test_unreadable_files_are_refused_as_a_whole(name: str, data: bytes) -> None:
    with pytest.raises(importing.ImportFileError):
        importing.read_table(name, data)


def test_check_rows_reports_each_problem() -> None:
    rows = importing.read_table("x.csv", GOOD_AND_BAD)
    report = importing.check_rows(rows, {"cen": 1, "nor": 2, "norrby": 2, "sod": 3}, {"+46709998877"},
                                  date(2026, 11, 25))
    verdicts = {row.line: " ".join(row.problems) for row in report.rows}
    assert verdicts[2] == "" and verdicts[7] == ""
    assert "fast nummer" in verdicts[3]
    assert "Samma nummer som rad 2" in verdicts[4]
    assert "Okänt område" in verdicts[5]
    assert "Samtycke saknas" in verdicts[6]
    assert "finns redan" in verdicts[8]
    assert [row.line for row in report.importable] == [2, 7]


async def _upload(client: TestClient, data: bytes, filename: str = "members.csv") -> Any:
    form = FormData()
    form.add_field("csrf_token", await csrf_token(client, "/staff/members/import"))
    form.add_field("file", data, filename=filename, content_type="text/csv")
    return await client.post("/staff/members/import", data=form)


async def test_staff_import_checks_then_commits(client: TestClient, db: Database, add_member: AddMember,
                                               districts: dict[str, int], login: Any) -> None:
    await add_member(phone="+46709998877")
    await login(client, "admin")
    response = await _upload(client, GOOD_AND_BAD)
    page = await response.text()
    assert response.status == 200
    assert "2 rader kan importeras" in page and "5 rader har fel" in page
    assert await db.fetch_value("SELECT COUNT(*) FROM members") == 1  # the dry run wrote nothing

    import re
    fields = dict(re.findall(r'name="(csrf_token|filename|payload|digest)" value="([^"]*)"', page))
    committed = await client.post("/staff/members/import", data=fields)
    assert "2 medlemmar importerades" in await committed.text()
    rows = await db.fetch_all("SELECT phone, consent_channel, consent_at, status FROM members ORDER BY id")
    assert [tuple(r) for r in rows[1:]] == [
        ("+46701112233", "import", "2026-01-15T12:00:00.000Z", "active"),
        ("+46704445566", "import", rows[2]["consent_at"], "active")]
    member = await db.fetch_value("SELECT id FROM members WHERE phone = '+46701112233'")
    detail = await (await client.get(f"/staff/members/{member}")).text()
    assert "2026-01-15," in detail and "2026-01-15 13:00" not in detail  # a date, no invented time of day
    # Posting the reviewed file again (a resubmitted form) adds nobody twice.
    again = await client.post("/staff/members/import", data=fields)
    assert "0 medlemmar importerades" in await again.text()
    assert await db.fetch_value("SELECT COUNT(*) FROM members") == 3


async def test_a_tampered_commit_is_refused(client: TestClient, db: Database, districts: dict[str, int],
                                            login: Any) -> None:
    await login(client, "admin")
    token = await csrf_token(client, "/staff/members/import")
    response = await client.post("/staff/members/import", data={
        "csrf_token": token, "filename": "x.csv", "payload": "VGVsZWZvbgowNzAxMTEyMjMzCg==", "digest": "0" * 64})
    assert response.status == 422
    assert await db.fetch_value("SELECT COUNT(*) FROM members") == 0


async def test_import_page_is_for_admins(client: TestClient, login: Any) -> None:
    await login(client, "analyst")
    assert (await client.get("/staff/members/import")).status == 403


async def test_command_line_import(client: TestClient, db: Database, districts: dict[str, int], settings: Settings,
                                   tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "members.csv"
    path.write_bytes(GOOD_AND_BAD)
    assert await cli.import_command(argparse.Namespace(file=str(path), dry_run=True), db, settings) == 0
    out = capsys.readouterr().out
    assert "rad 3:" in out and "rad 6: Samtycke saknas" in out and "3 rader kan importeras" in out
    assert await db.fetch_value("SELECT COUNT(*) FROM members") == 0
    assert await cli.import_command(argparse.Namespace(file=str(path), dry_run=False), db, settings) == 0
    assert "3 rader importerades" in capsys.readouterr().out
    assert await db.fetch_value("SELECT COUNT(*) FROM members") == 3
    missing = argparse.Namespace(file=str(tmp_path / "nope.csv"), dry_run=True)
    assert await cli.import_command(missing, db, settings) == 2
