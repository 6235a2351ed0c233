"""`panel members ...`: importing a member list and purging departed members from the command line."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any, TextIO

from panel.clock import to_db, utcnow
from panel.db import Database
from panel.members import import_run, importing, rights
from panel.members.hooks import MemberHooks
from panel.settings import Settings


def register(subparsers: Any) -> None:
    members = subparsers.add_parser("members", help="the panel member registry")
    sub = members.add_subparsers(dest="members_command", required=True)
    run = sub.add_parser("import", help="import members from a CSV or XLSX file (prints a report row by row)")
    run.add_argument("file", help="CSV or XLSX with a heading row: Telefon, Namn, E-post, Språk, Födelseår, Kön, "
                                  "Område, Samtycke")
    run.add_argument("--dry-run", action="store_true", help="check the file and print the report; write nothing")
    run.set_defaults(handler=import_command)
    purge = sub.add_parser("purge", help="erase members who left longer ago than PANEL_RETENTION_LEFT_MEMBER_DAYS")
    purge.set_defaults(handler=purge_command)


def _rows(count: int) -> str:
    return f"{count} rad" if count == 1 else f"{count} rader"


def print_report(report: importing.Report, out: TextIO, *, committed: bool) -> None:
    """The same verdicts as the staff page, one line per rejected row, then the totals."""
    for row in report.rejected:
        print(f"rad {row.line}: {' '.join(row.problems)}", file=out)
    verb = "importerades" if committed else "kan importeras"
    print(f"{_rows(len(report.importable))} {verb}, {_rows(len(report.rejected))} hoppas över.", file=out)


async def import_command(args: argparse.Namespace, db: Database, settings: Settings) -> int:
    path = Path(args.file)
    try:
        rows = importing.read_table(path.name, await asyncio.to_thread(path.read_bytes))
    except OSError as exc:
        print(f"{path}: kan inte läsa filen ({exc.strerror})", file=sys.stderr)
        return 2
    except importing.ImportFileError as exc:
        print(f"{path}: {exc}", file=sys.stderr)
        return 2
    now = utcnow()
    if args.dry_run:
        print_report(await import_run.check(db, rows, now.date()), sys.stdout, committed=False)
        return 0
    async with db.transaction() as tx:
        report = await import_run.commit(tx, rows, user_id=None, now=now, filename=path.name)
    print_report(report, sys.stdout, committed=True)
    return 0


async def purge_command(args: argparse.Namespace, db: Database, settings: Settings) -> int:
    # The web application's listeners are not loaded here; queued SMS are still cancelled by `erase`.
    now = utcnow()
    cutoff = to_db(now - timedelta(days=settings.retention_left_member_days))
    async with db.transaction() as tx:
        erased = await rights.purge_departed(tx, MemberHooks(), now=now, cutoff=cutoff)
    print(f"{erased} medlemmar raderades.")
    return 0
