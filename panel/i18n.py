"""Languages: the source strings are Swedish, English comes from each package's `locale/en.po`.

The catalogues are compiled in memory at start-up (no build step, no binary files in the repository), and
the language of the current request is held in a context variable that the templates' gettext reads.
"""

from __future__ import annotations

import contextvars
import gettext
from importlib import resources
from io import BytesIO

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LANGUAGES = ("sv", "en")
_catalogs: dict[str, gettext.NullTranslations] = {}
_current: contextvars.ContextVar[str] = contextvars.ContextVar("language", default="sv")


def load_catalogs(packages: list[str]) -> None:
    """Read every package's English catalogues (`locale/en*.po`) into one set of translations."""
    english = gettext.NullTranslations()
    for package in packages:
        folder = resources.files(package).joinpath("locale")
        if not folder.is_dir():
            continue
        for po in sorted(folder.iterdir(), key=lambda entry: entry.name):
            if not (po.name.startswith("en") and po.name.endswith(".po")):
                continue
            with po.open("rb") as fh:
                catalog = read_po(fh, locale="en")
            buffer = BytesIO()
            write_mo(buffer, catalog)
            buffer.seek(0)
            translations = gettext.GNUTranslations(buffer)
            translations.add_fallback(english)
            english = translations
    _catalogs["en"] = english
    _catalogs["sv"] = gettext.NullTranslations()


def set_language(language: str) -> contextvars.Token[str]:
    return _current.set(language if language in LANGUAGES else "sv")


def reset_language(token: contextvars.Token[str]) -> None:
    _current.reset(token)


def current_language() -> str:
    return _current.get()


def _(message: str) -> str:
    """Translate `message` into the current request's language."""
    return _catalogs.get(_current.get(), _catalogs.get("sv", gettext.NullTranslations())).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _catalogs.get(_current.get(), gettext.NullTranslations()).ngettext(singular, plural, n)


def pick_language(cookie: str | None, accept_language: str, default: str) -> str:
    """The language for a request: an explicit choice (cookie), else the browser's preference, else the default."""
    if cookie in LANGUAGES:
        return cookie
    for part in accept_language.split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return default
