"""Recognising the STOP/START/HELP words in an inbound SMS, in Swedish and English. Pure, no I/O.

Only a message that consists of the word alone counts ("Stopp", " stop. ", "HJÄLP!"): a resident writing
"stoppa bygget vid skolan" is giving feedback, not leaving the panel.
"""

from __future__ import annotations

import unicodedata

from sms.hooks import Keyword

KEYWORDS: dict[str, Keyword] = {
    "STOP": Keyword.OPT_OUT,
    "STOPP": Keyword.OPT_OUT,
    "AVSLUTA": Keyword.OPT_OUT,
    "AVREGISTRERA": Keyword.OPT_OUT,
    "UNSUBSCRIBE": Keyword.OPT_OUT,
    "START": Keyword.OPT_IN,
    "HJÄLP": Keyword.HELP,
    "HELP": Keyword.HELP,
}
# Punctuation people add around a single word on a phone keyboard.
_TRIM = " \t\r\n.!?,;:\"'()\u00a0"


def match(body: str) -> Keyword | None:
    """The keyword `body` consists of, or None; case, surrounding space and punctuation do not matter."""
    # NFC so that a decomposed "A + combining ring" from some phones still reads as Ä.
    word = unicodedata.normalize("NFC", body).strip(_TRIM).upper()
    return KEYWORDS.get(word)
