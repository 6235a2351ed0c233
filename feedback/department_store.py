"""The SQL of departments: the names staff choose from, and the admins' departments page.

A department is known by its name. It has a row in `departments` once an admin added it or set its reminder
address (or the demo did); before that it may still be named on a category (which routes new cases to it) or
on a case (forwarded to it, or kept from a category that routes elsewhere now). The admins' page shows all
of them; the choices on the handling, category and statistics pages are the rows and the categories' names.

A case is with the department its own `department` column names, or else its category's (the inbox filter
and the daily reminder read it the same way). Every statement is parameterised; writers take a
`Transaction`, so a change and its audit record commit together.
"""

from __future__ import annotations

from panel.db import Row, Transaction

from .store import Reader

# A case is open while the municipality or the resident still has something to do (as in the statistics).
OPEN_STATES = ("new", "open", "waiting")

_NAMES = (
    "SELECT name FROM departments"
    " UNION SELECT department FROM categories WHERE department != ''"
    " UNION SELECT department FROM cases WHERE department != ''"
)
_WITH_USE = (
    "WITH names (name) AS (" + _NAMES + "),"  # noqa: S608 - a fixed fragment of this module
    " open_cases (name, n) AS ("
    "  SELECT COALESCE(NULLIF(c.department, ''), k.department, ''), COUNT(*)"
    "  FROM cases c LEFT JOIN categories k ON k.id = c.category_id"
    "  WHERE c.state IN (?, ?, ?) GROUP BY 1)"
    " SELECT n.name, COALESCE(d.email, '') AS email, d.name IS NOT NULL AS registered,"
    " (SELECT COUNT(*) FROM categories k WHERE k.department = n.name) AS category_count,"
    " COALESCE(o.n, 0) AS open_count"
    " FROM names n LEFT JOIN departments d ON d.name = n.name LEFT JOIN open_cases o ON o.name = n.name"
)


async def departments(conn: Reader) -> list[str]:
    """The departments staff can choose from (forwarding a case, routing a category, a statistics report):
    the admins' rows and the names the categories route to, in order."""
    rows = await conn.fetch_all(
        "SELECT name FROM departments UNION SELECT department FROM categories WHERE department != '' ORDER BY 1"
    )
    return [str(row[0]) for row in rows]


async def departments_with_use(conn: Reader) -> list[Row]:
    """Every department named anywhere, with its reminder address, whether it has a row (`registered`), the
    number of categories that route to it and the number of open cases with it."""
    return await conn.fetch_all(_WITH_USE + " ORDER BY n.name", OPEN_STATES)


async def department(conn: Reader, name: str) -> Row | None:
    """One department, as in `departments_with_use`; None when nothing names it."""
    return await conn.fetch_one(_WITH_USE + " WHERE n.name = ?", (*OPEN_STATES, name))


async def all_names(conn: Reader) -> list[str]:
    """Every department name, wherever it is written: what a new department's name must differ from."""
    return [str(row[0]) for row in await conn.fetch_all(_NAMES)]


async def insert_department(tx: Transaction, name: str, email: str) -> bool:
    """A new department; False when a row with the name is there already."""
    value = await tx.fetch_value(
        "INSERT INTO departments (name, email) VALUES (?, ?) ON CONFLICT (name) DO NOTHING RETURNING name",
        (name, email),
    )
    return value is not None


async def set_email(tx: Transaction, name: str, email: str) -> str | None:
    """Set the department's reminder address, adding its row if it has none; the old address, or None when
    the row was added."""
    old = await tx.fetch_one("SELECT email FROM departments WHERE name = ?", (name,))
    if old is None:
        await tx.execute("INSERT INTO departments (name, email) VALUES (?, ?)", (name, email))
        return None
    await tx.execute("UPDATE departments SET email = ? WHERE name = ?", (email, name))
    return str(old["email"])


async def delete_unused_department(tx: Transaction, name: str) -> str:
    """Delete a department's row unless a category routes to it or an open case is with it.

    Returns what happened: "deleted", or why not: "categories", "cases", or "unregistered" (it has no row).
    """
    row = await department(tx, name)
    if row is not None and row["category_count"]:
        return "categories"
    if row is not None and row["open_count"]:
        return "cases"
    if await tx.execute("DELETE FROM departments WHERE name = ?", (name,)) != 1:
        return "unregistered"
    return "deleted"
