"""The inbox's filters, sorting and paging, read from the query string and written back into links.

Pure: `parse_inbox_query` turns `?state=open&overdue=1&sort=due&page=2` into an `InboxQuery`, refusing
values it does not know with a message (a 400, never a silently different list); `InboxQuery.link` makes
the URLs of the sort headers and the pager so a filtered view survives clicking around.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from feedback.handling import CHANNELS, KINDS, STATES
from panel.i18n import _
from panel.numbers import whole

PAGE_SIZE = 25
# "active" (the default) is every case not finished; "all" is everything.
STATE_FILTERS = ("active", "all", *STATES)
SORTS = ("due", "created", "updated", "priority")
_DEFAULT_ORDER = {"due": "asc", "created": "desc", "updated": "desc", "priority": "desc"}


class QueryError(ValueError):
    """An inbox filter we do not understand; the message names it."""


@dataclass(frozen=True)
class InboxQuery:
    state: str = "active"
    kind: str = ""
    category: int | None = None
    channel: str = ""
    department: str = ""
    # "" anyone, "me" the viewer, "none" unassigned, or a user id as text.
    assignee: str = ""
    overdue: bool = False
    text: str = ""
    sort: str = "due"
    order: str = "asc"
    page: int = 1

    @property
    def offset(self) -> int:
        return (self.page - 1) * PAGE_SIZE

    def params(self) -> dict[str, str]:
        """The non-default values, as they appear in a URL."""
        defaults = InboxQuery()
        values: dict[str, str] = {}
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if value == getattr(defaults, field.name) and field.name != "order":
                continue
            if field.name == "order" and value == _DEFAULT_ORDER[self.sort]:
                continue
            values[field.name] = "1" if value is True else str(value)
        return values

    def link(self, **changes: object) -> str:
        """The inbox URL with some values changed; a new filter or sort starts again at page 1."""
        if "page" not in changes:
            changes["page"] = 1
        if "sort" in changes and "order" not in changes:
            same = changes["sort"] == self.sort
            flipped = "desc" if self.order == "asc" else "asc"
            changes["order"] = flipped if same else _DEFAULT_ORDER[str(changes["sort"])]
        query = dataclasses.replace(self, **changes)  # type: ignore[arg-type]
        params = query.params()
        return "/staff/cases" + ("?" + urlencode(params) if params else "")


def _choice(raw: Mapping[str, str], name: str, allowed: tuple[str, ...], default: str) -> str:
    value = raw.get(name, "").strip()
    if not value:
        return default
    if value not in allowed:
        raise QueryError(_("Okänt värde för filtret ”{name}”: {value}").format(name=name, value=value[:40]))
    return value


def parse_inbox_query(raw: Mapping[str, str]) -> InboxQuery:
    state = _choice(raw, "state", STATE_FILTERS, "active")
    kind = _choice(raw, "kind", ("", *KINDS), "")
    channel = _choice(raw, "channel", ("", *CHANNELS), "")
    sort = _choice(raw, "sort", SORTS, "due")
    order = _choice(raw, "order", ("asc", "desc"), _DEFAULT_ORDER[sort])
    category_text = raw.get("category", "").strip()
    category = whole(category_text)
    if category_text and category is None:
        raise QueryError(_("Okänd kategori."))
    assignee = raw.get("assignee", "").strip()
    if assignee not in ("", "me", "none") and whole(assignee) is None:
        raise QueryError(_("Okänd handläggare."))
    page = whole(raw.get("page", "1").strip() or "1")
    if page is None or not 1 <= page <= 100_000:
        raise QueryError(_("Sidnumret måste vara ett positivt heltal."))
    return InboxQuery(
        state=state,
        kind=kind,
        category=category,
        channel=channel,
        department=raw.get("department", "").strip()[:100],
        assignee=assignee,
        overdue=raw.get("overdue", "") in ("1", "on", "true"),
        text=raw.get("text", "").strip()[:200],
        sort=sort,
        order=order,
        page=page,
    )


def page_count(total: int) -> int:
    return max(1, -(-total // PAGE_SIZE))
