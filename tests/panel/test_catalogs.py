"""The English catalogues of all packages are merged into one, so a Swedish text must mean one thing."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).parents[2]


def test_no_swedish_text_has_two_english_translations() -> None:
    found: dict[str, dict[str, list[str]]] = {}
    for po in sorted(ROOT.glob("*/**/locale/en*.po")):
        if ".venv" in po.parts:
            continue
        with po.open("rb") as fh:
            for message in read_po(fh, locale="en"):
                if not message.id:
                    continue
                key = message.id if isinstance(message.id, str) else message.id[0]
                text = message.string if isinstance(message.string, str) else message.string[0]
                found.setdefault(key, {}).setdefault(text, []).append(str(po.relative_to(ROOT)))
    clashes = {key: texts for key, texts in found.items() if len(texts) > 1}
    assert len(found) > 500  # the catalogues were read
    assert clashes == {}, "the one that loads last wins; give the Swedish texts their own words"
