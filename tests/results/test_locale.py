"""Every Swedish string of the results and statistics has an English translation in its package's en.po."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]


def _source_ids(folder: Path) -> set[str]:
    found = extract_from_dir(str(folder), METHODS, keywords={"_": None, "ngettext": (1, 2)})
    return {message if isinstance(message, str) else message[0] for _, _, message, _, _ in found}


@pytest.mark.parametrize("package", ["surveys/results", "feedback/stats"])
def test_every_message_is_translated(package: str) -> None:
    folder = ROOT / package
    with (folder / "locale" / "en.po").open("rb") as fh:
        catalog = read_po(fh, locale="en")
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id and m.string}
    missing = _source_ids(folder) - translated
    assert not missing, sorted(missing)
