"""Swedish alphabetical order: Å, Ä and Ö after Z, case and accents ignored ("Östra Kvarnbyn" last).

Python's default order is by code point, which puts "Ä" before "Å", every lower-case letter after every
capital, and "é" after "ö". `swedish_key` is the one sort key for names shown to Swedish readers:
`sorted(names, key=swedish_key)`. No locale is involved, so the order is the same on every machine.
"""

from __future__ import annotations

import unicodedata

__all__ = ["swedish_key"]

_AFTER_Z = {"å": 1, "ä": 2, "ö": 3}
# Letters Swedish dictionaries file under another letter: Danish and Norwegian Æ/Ø with Ä/Ö, Ü with Y.
_SAME_AS = {"æ": "ä", "ø": "ö", "ü": "y", "ß": "ss"}
_Z = ord("z")


def _primary(text: str) -> tuple[int, ...]:
    ranks: list[int] = []
    for char in text.casefold():
        char = _SAME_AS.get(char, char)
        for letter in char:
            if letter in _AFTER_Z:
                ranks.append(_Z + _AFTER_Z[letter])
                continue
            # Other accents do not count in Swedish order: "é" is an "e", "à" an "a".
            base = unicodedata.normalize("NFD", letter)[0]
            rank = ord(base)
            ranks.append(rank if rank <= _Z else rank + len(_AFTER_Z))
    return tuple(ranks)


def swedish_key(text: str) -> tuple[tuple[int, ...], str]:
    """Sort key for Swedish order; names equal but for case or accents keep a fixed order between them."""
    return _primary(text), text
