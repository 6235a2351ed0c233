"""The SQL of the admins' category pages: categories with their use, and each category's reply phrases.

Every statement is parameterised. Writers take a `Transaction`, so a change and its audit record commit
together. The public form, the staff entry and Open311 read categories through `store.categories`, which
leaves inactive ones out; cases keep their category whatever happens to it later.
"""

from __future__ import annotations

from typing import Any

from panel.db import Row, Transaction

from .category_forms import CategoryValues
from .store import Reader

# The columns an admin edits, in the order of the form.
EDITABLE = ("code", "name_sv", "name_en", "department", "description_sv", "needs_location", "ack_days",
            "answer_days")


def _values(category: CategoryValues) -> tuple[Any, ...]:
    return tuple(getattr(category, column) for column in EDITABLE)


async def categories_with_use(conn: Reader) -> list[Row]:
    """Every category, active first, with the number of cases and phrases that use it."""
    return await conn.fetch_all(
        "SELECT k.*, (SELECT COUNT(*) FROM cases c WHERE c.category_id = k.id) AS case_count,"
        " (SELECT COUNT(*) FROM case_phrases p WHERE p.category_id = k.id) AS phrase_count"
        " FROM categories k ORDER BY k.active DESC, k.name_sv"
    )


async def category(conn: Reader, category_id: int) -> Row | None:
    """One category with the number of cases that use it."""
    return await conn.fetch_one(
        "SELECT k.*, (SELECT COUNT(*) FROM cases c WHERE c.category_id = k.id) AS case_count"
        " FROM categories k WHERE k.id = ?",
        (category_id,),
    )


async def code_taken(conn: Reader, code: str, except_id: int | None = None) -> bool:
    value = await conn.fetch_value(
        "SELECT 1 FROM categories WHERE code = ? AND id IS NOT ?", (code, except_id)
    )
    return value is not None


async def insert_category(tx: Transaction, category: CategoryValues) -> int | None:
    """A new, active category; None when its code is taken."""
    columns = ", ".join(EDITABLE)
    value = await tx.fetch_value(
        f"INSERT INTO categories ({columns}) VALUES ({', '.join('?' for _ in EDITABLE)})"  # noqa: S608 - fixed names
        " ON CONFLICT (code) DO NOTHING RETURNING id",
        _values(category),
    )
    return None if value is None else int(value)


async def update_category(tx: Transaction, category_id: int, category: CategoryValues) -> bool:
    """False when the category is gone. The caller checks that a changed code is free."""
    assignments = ", ".join(f"{column} = ?" for column in EDITABLE)
    changed = await tx.execute(
        f"UPDATE categories SET {assignments} WHERE id = ?",  # noqa: S608 - fixed column names
        (*_values(category), category_id),
    )
    return changed == 1


async def set_active(tx: Transaction, category_id: int, active: bool) -> bool:
    """True when the category changed (it existed and was not already so)."""
    changed = await tx.execute(
        "UPDATE categories SET active = ? WHERE id = ? AND active != ?", (int(active), category_id, int(active))
    )
    return changed == 1


async def delete_unused_category(tx: Transaction, category_id: int) -> int | None:
    """Delete a category that no case uses, with its phrases; the number of phrases, or None if refused."""
    if await tx.fetch_value("SELECT 1 FROM cases WHERE category_id = ? LIMIT 1", (category_id,)) is not None:
        return None
    phrases = await tx.execute("DELETE FROM case_phrases WHERE category_id = ?", (category_id,))
    if await tx.execute("DELETE FROM categories WHERE id = ?", (category_id,)) != 1:
        return None
    return phrases


# -- phrases ---------------------------------------------------------------------------------------------


async def phrases_of(conn: Reader, category_id: int) -> list[Row]:
    """The category's own phrases (the general ones are kept on the handlers' phrase page)."""
    return await conn.fetch_all(
        "SELECT p.*, u.display_name AS created_by_name FROM case_phrases p"
        " LEFT JOIN users u ON u.id = p.created_by WHERE p.category_id = ? ORDER BY p.title",
        (category_id,),
    )


async def phrase(conn: Reader, category_id: int, phrase_id: int) -> Row | None:
    return await conn.fetch_one(
        "SELECT * FROM case_phrases WHERE id = ? AND category_id = ?", (phrase_id, category_id)
    )


async def phrase_title_taken(conn: Reader, category_id: int, title: str, except_id: int | None = None) -> bool:
    value = await conn.fetch_value(
        "SELECT 1 FROM case_phrases WHERE category_id = ? AND title = ? AND id IS NOT ?",
        (category_id, title, except_id),
    )
    return value is not None


async def insert_phrase(tx: Transaction, category_id: int, title: str, body: str, user_id: int,
                        at: str) -> int | None:
    """None when the category already has a phrase with that title."""
    value = await tx.fetch_value(
        "INSERT INTO case_phrases (category_id, title, body, created_by, created_at) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (category_id, title) DO NOTHING RETURNING id",
        (category_id, title, body, user_id, at),
    )
    return None if value is None else int(value)


async def update_phrase(tx: Transaction, category_id: int, phrase_id: int, title: str, body: str) -> bool:
    """The caller checks that a changed title is free in the category."""
    changed = await tx.execute(
        "UPDATE case_phrases SET title = ?, body = ? WHERE id = ? AND category_id = ?",
        (title, body, phrase_id, category_id),
    )
    return changed == 1


async def delete_phrase(tx: Transaction, category_id: int, phrase_id: int) -> bool:
    changed = await tx.execute(
        "DELETE FROM case_phrases WHERE id = ? AND category_id = ?", (phrase_id, category_id)
    )
    return changed == 1
