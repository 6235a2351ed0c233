"""Segment counting: GSM-7 with its extension table, UCS-2, and the exact boundaries."""

from __future__ import annotations

import pytest

from sms.segments import GSM7, UCS2, count, replace_lookalikes

EMOJI = "😀"  # outside the BMP: two UTF-16 units


@pytest.mark.parametrize(
    ("text", "encoding", "segments", "chars_left"),
    [
        ("", GSM7, 0, 160),
        ("Hej", GSM7, 1, 157),
        ("a" * 160, GSM7, 1, 0),
        ("a" * 161, GSM7, 2, 145),
        ("a" * 306, GSM7, 2, 0),
        ("a" * 307, GSM7, 3, 152),
        # Swedish letters are in the GSM-7 alphabet: still 160 a segment.
        ("åäöÅÄÖ" * 26 + "åä", GSM7, 1, 2),
        ("Svara på enkäten om torget: https://example.se/s/abcde", GSM7, 1, 106),
        # Extension characters take two septets.
        ("€" * 80, GSM7, 1, 0),
        # 76 € fill 152 septets of the first part; the 77th cannot straddle, so 5 € (10) go in the second.
        ("€" * 81, GSM7, 2, 153 - 10),
        ("[ ]", GSM7, 1, 155),
        ("{}|~^\\", GSM7, 1, 148),
        # An escape pair is never split: 152 plain + € does not fit the first part's 153 septets.
        ("a" * 152 + "€" + "a" * 10, GSM7, 2, 153 - 12),
        # One character outside GSM-7 turns the whole text into UCS-2.
        ("b" * 70, GSM7, 1, 90),
        ("á" * 70, UCS2, 1, 0),
        ("á" * 71, UCS2, 2, 63),
        ("á" * 134, UCS2, 2, 0),
        ("á" * 135, UCS2, 3, 66),
        (EMOJI * 35, UCS2, 1, 0),
        (EMOJI * 36, UCS2, 2, 67 - 6),  # 33 emoji (66 units) in the first part, 3 in the second
        # A surrogate pair is never split: 66 units + an emoji does not fit the first 67-unit part.
        ("á" * 66 + EMOJI + "á" * 3, UCS2, 2, 67 - 5),
    ],
)
def test_counts(text: str, encoding: str, segments: int, chars_left: int) -> None:
    info = count(text)
    assert (info.encoding, info.segments, info.chars_left) == (encoding, segments, chars_left)


def test_an_emoji_turns_one_segment_into_three() -> None:
    text = "Tack för ditt svar! Läs mer om hur vi använder resultaten på kommunens webbplats. " * 2
    assert count(text).segments == 2
    assert count(text.strip()[:150]).segments == 1
    emoji = count(text.strip()[:150] + EMOJI)
    assert (emoji.encoding, emoji.segments, emoji.non_gsm) == (UCS2, 3, (EMOJI,))


def test_units_and_characters_differ_for_extension_and_emoji() -> None:
    info = count("€" + EMOJI)
    assert (info.characters, info.units) == (2, 3)  # UCS-2: € one unit, the emoji two
    assert count("€a").units == 3  # GSM-7: € two septets


def test_cost_is_segments_times_price() -> None:
    assert count("a" * 161).cost(0.45) == 0.9
    assert count("").cost(0.45) == 0


def test_too_long_and_fixable_typography() -> None:
    assert count("a" * 1601).too_long and not count("a" * 1600).too_long
    quoted = count("Det är “bra” – tack")
    assert quoted.encoding == UCS2 and quoted.fixable
    assert count(replace_lookalikes("Det är “bra” – tack")).encoding == GSM7
    assert not count("Tack " + EMOJI).fixable
