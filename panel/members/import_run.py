"""Running an import: check the file against the registry, then write every importable row at once.

The check reads; the commit writes all importable rows in one transaction (a failure writes none) and
re-checks inside it, so a number that joined between the dry run and the commit is skipped, not doubled.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from panel import audit
from panel.clock import to_db
from panel.db import Database, Transaction
from panel.members import importing, store
from panel.phones import PhoneError, normalize

Conn = Database | Transaction


async def check(conn: Conn, rows: list[dict[str, str]], today: date) -> importing.Report:
    phones = []
    for values in rows:
        try:
            phones.append(normalize(values.get("phone", "")))
        except PhoneError:
            continue
    existing = await store.existing_phones(conn, phones)
    return importing.check_rows(rows, await store.district_ids(conn), existing, today)


async def commit(
    tx: Transaction, rows: list[dict[str, str]], *, user_id: int | None, now: datetime, filename: str
) -> importing.Report:
    """Write the importable rows; return the report the rows were written by."""
    report = await check(tx, rows, now.date())
    at = to_db(now)
    versions = {lang: await store.current_consent(tx, lang) for lang in ("sv", "en")}
    for row in report.importable:
        assert row.details is not None and row.consent_date is not None
        consent = versions.get(row.details.language)
        member_id = await store.insert_member(
            tx, row.details, status="active",
            consent_version=consent["version"] if consent else "",
            consent_at=to_db(datetime.combine(row.consent_date, time(12), tzinfo=UTC)),
            consent_channel="import", joined_at=at,
        )
        await store.add_history(tx, member_id, "active", at=at, channel="import", user_id=user_id,
                                note=filename[:100])
    await audit.record(tx, user_id, "import", "member", "import",
                       detail=f"{filename[:100]}: {len(report.importable)} imported, {len(report.rejected)} skipped")
    return report
