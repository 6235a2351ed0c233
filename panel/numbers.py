"""Numbers and shares in the reader's language: "1 234,5" and "12 %" in Swedish, "1,234.5" and "12%" in English.

One results page shows a few thousand numbers; Babel's `format_decimal` parses its pattern and the locale
again on every call, which cost a results page more than its database queries. Both are parsed once here.
"""

from __future__ import annotations

from functools import lru_cache

from babel import Locale
from babel.numbers import NumberPattern, parse_pattern

from panel.i18n import current_language

MISSING = "–"


@lru_cache(maxsize=32)
def _pattern(digits: int, percent: bool) -> NumberPattern:
    return parse_pattern("#,##0" + ("." + "0" * digits if digits else "") + (" %" if percent else ""))


@lru_cache(maxsize=8)
def _locale(code: str) -> Locale:
    return Locale.parse(code)


def number(value: float | None, digits: int = 0) -> str:
    """`value` with thousands grouped and exactly `digits` decimals; "–" for no value."""
    if value is None:
        return MISSING
    return _pattern(digits, False).apply(value, _locale(current_language()))


def percent(value: float | None, digits: int = 0) -> str:
    """A share (0.25) as a percentage ("25 %"), with `digits` decimals; "–" for no value."""
    if value is None:
        return MISSING
    return _pattern(digits, True).apply(value, _locale(current_language()))


def whole(text: str, *, max_digits: int = 18) -> int | None:
    """`text` as a whole number if it is one written with the digits 0-9 (at most `max_digits`), else None.

    `str.isdigit()` alone lets through "²" and other Unicode digits that `int()` refuses, and numbers too
    large for SQLite's integers: typed or tampered input must end in a clear 4xx, never a 500.
    """
    if not text or len(text) > max_digits or not (text.isascii() and text.isdigit()):
        return None
    return int(text)
