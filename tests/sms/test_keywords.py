"""Keywords in Swedish and English, alone in the message, whatever the case and surrounding space."""

from __future__ import annotations

import pytest

from sms.hooks import Keyword
from sms.keywords import match


@pytest.mark.parametrize(
    ("body", "keyword"),
    [
        ("STOP", Keyword.OPT_OUT), ("stop", Keyword.OPT_OUT), ("Stopp", Keyword.OPT_OUT),
        ("  STOPP \n", Keyword.OPT_OUT), ("stopp.", Keyword.OPT_OUT), ("Avsluta", Keyword.OPT_OUT),
        ("avregistrera!", Keyword.OPT_OUT), ("START", Keyword.OPT_IN), ("start ", Keyword.OPT_IN),
        ("HJÄLP", Keyword.HELP), ("hjälp", Keyword.HELP), ("Hjälp?", Keyword.HELP), ("help", Keyword.HELP),
        ("HJA\u0308LP", Keyword.HELP),  # a decomposed Ä, as some phones send it
    ],
)
def test_keywords(body: str, keyword: Keyword) -> None:
    assert match(body) is keyword


@pytest.mark.parametrize(
    "body", ["", "stoppa bygget vid skolan", "Stop the noise please", "3", "starta", "hjälp mig med bygglov"]
)
def test_other_texts_are_not_keywords(body: str) -> None:
    assert match(body) is None
