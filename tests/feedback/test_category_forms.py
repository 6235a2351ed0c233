"""Checking the category and phrase forms, without the web: cleaning, limits and the audit log's summary."""

from __future__ import annotations

from feedback.category_forms import CategoryValues, category_values, changes, check_category, check_phrase

STORED = {"code": "gata", "name_sv": "Gator", "name_en": "Streets", "department": "Samhällsbyggnad",
          "description_sv": "", "needs_location": 1, "ack_days": 2, "answer_days": 10}


def test_a_good_form_is_cleaned_into_values() -> None:
    form = check_category({"code": "  Snow-2 ", "name_sv": " Snö ", "name_en": "Snow", "department": "Gata",
                           "description_sv": "Rad ett\r\nRad två", "ack_days": " 1 ", "answer_days": "90",
                           "needs_location": "1"})
    assert form.errors == {}
    assert form.category == CategoryValues("snow-2", "Snö", "Snow", "Gata", "Rad ett\nRad två", True, 1, 90)


def test_every_problem_is_named_once_in_field_order() -> None:
    form = check_category({"code": "å", "ack_days": "0"})
    assert list(form.errors) == ["code", "name_sv", "name_en", "department", "ack_days", "answer_days"]
    assert form.category is None


def test_equal_deadlines_are_allowed() -> None:
    form = check_category({**category_values(STORED), "ack_days": "10", "answer_days": "10"})
    assert form.category is not None and form.category.ack_days == form.category.answer_days == 10


def test_a_taken_code_comes_first_in_the_summary() -> None:
    form = check_category({**category_values(STORED), "name_en": ""})
    form.refuse_code()
    assert list(form.errors) == ["code", "name_en"] and form.category is None


def test_a_stored_category_fills_the_form_and_round_trips() -> None:
    values = category_values(STORED)
    assert values["needs_location"] == "1" and values["answer_days"] == "10"
    form = check_category(values)
    assert form.category is not None and changes(STORED, form.category) == "unchanged"


def test_changes_name_what_an_edit_changed() -> None:
    edited = CategoryValues("gata", "Gator", "Streets", "Trafik", "", False, 2, 15)
    assert changes(STORED, edited) == "department: Samhällsbyggnad → Trafik; needs_location: True → False;" \
        " answer_days: 10 → 15"


def test_a_phrase_needs_a_title_and_a_text() -> None:
    assert check_phrase({"title": " Tack ", "body": "Tack!\r\n"}).values == {"title": "Tack", "body": "Tack!"}
    assert list(check_phrase({}).errors) == ["title", "body"]
    form = check_phrase({"title": "Tack", "body": "Text"})
    form.refuse_title()
    assert not form.ok and list(form.errors) == ["title"]
