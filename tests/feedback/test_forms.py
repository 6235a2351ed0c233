"""The pure checks of the public form and the staff quick entry."""

from __future__ import annotations

import pytest

from feedback import forms
from feedback.forms import Category, Upload

CATEGORIES = {"gata": Category("gata", needs_location=True), "skola": Category("skola", needs_location=False)}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
PDF = b"%PDF-1.7\n" + b"x" * 32


def fields(**changes: str) -> dict[str, str]:
    base = {"kind": "complaint", "category": "skola", "body": "Maten i skolan är kall."}
    base.update(changes)
    return base


def test_a_plain_complaint_passes_and_is_trimmed() -> None:
    checked = forms.check_feedback(fields(body="  Maten är kall.\r\nIgen.  "), CATEGORIES)
    assert checked.ok
    assert checked.values["body"] == "Maten är kall.\nIgen."


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "rant"}, "kind"),
        ({"category": "nope"}, "category"),
        ({"body": "   "}, "body"),
        ({"body": "x" * 4001}, "body"),
        ({"email": "not-an-address"}, "email"),
        ({"phone": "12"}, "phone"),
        ({"latitude": "57,9"}, "latitude"),
        ({"latitude": "91", "longitude": "12"}, "latitude"),
        ({"latitude": "nan", "longitude": "12"}, "latitude"),
        ({"location": "x" * 301}, "location"),
    ],
)
def test_bad_fields_are_named(changes: dict[str, str], field: str) -> None:
    checked = forms.check_feedback(fields(**changes), CATEGORIES)
    assert list(checked.errors) == [field]


def test_line_breaks_count_as_one_character() -> None:
    text = ("x" * 99 + "\r\n") * 40  # 4,000 characters in the browser, 4,040 bytes of CRLF text on the wire
    checked = forms.check_feedback(fields(body=text), CATEGORIES)
    assert checked.ok and len(checked.values["body"]) == 3999


def test_a_category_that_needs_a_place_asks_for_one() -> None:
    assert "location" in forms.check_feedback(fields(category="gata"), CATEGORIES).errors
    assert forms.check_feedback(fields(category="gata", location="Storgatan 1"), CATEGORIES).ok
    by_point = forms.check_feedback(fields(category="gata", latitude="57,93", longitude="12.23"), CATEGORIES)
    assert by_point.ok
    assert (by_point.latitude, by_point.longitude) == (57.93, 12.23)


def test_contact_details_are_normalised() -> None:
    checked = forms.check_feedback(fields(email="Anna@Exempel.SE", phone="070-123 45 67"), CATEGORIES)
    assert checked.ok
    assert checked.values["email"] == "anna@exempel.se"
    assert checked.values["phone"] == "+46701234567"


def test_attachments_are_recognised_by_content_not_name() -> None:
    checked = forms.check_feedback(fields(), CATEGORIES, [Upload("../../bild.png", PNG), Upload("a.pdf", PDF)])
    assert checked.ok
    assert [(a.filename, a.content_type) for a in checked.attachments] == [
        ("bild.png", "image/png"), ("a.pdf", "application/pdf"),
    ]
    disguised = forms.check_feedback(fields(), CATEGORIES, [Upload("virus.png", b"MZ\x90\x00")])
    assert "attachments" in disguised.errors


def test_attachments_are_limited_in_number_and_size() -> None:
    four = [Upload(f"{i}.png", PNG) for i in range(4)]
    assert "attachments" in forms.check_feedback(fields(), CATEGORIES, four).errors
    big = Upload("big.pdf", b"%PDF-" + b"0" * forms.MAX_FILE_BYTES)
    assert "attachments" in forms.check_feedback(fields(), CATEGORIES, [big]).errors
    assert forms.check_feedback(fields(), CATEGORIES, [Upload("", b"")]).ok  # an empty file input


def test_staff_entry_needs_a_staff_channel() -> None:
    assert list(forms.check_staff_entry(fields(channel="web"), CATEGORIES).errors) == ["channel"]
    checked = forms.check_staff_entry(fields(channel="phone", answered_directly="on"), CATEGORIES)
    assert checked.ok
    assert checked.values["answered_directly"] == "1"


@pytest.mark.parametrize("name", ["", "...", "/"])
def test_safe_filename_never_returns_nothing(name: str) -> None:
    assert forms.safe_filename(name) == "bilaga"
