import pytest

from panel.members.forms import parse_details, search_text

DISTRICTS = {"cen": 1, "centrum": 1, "nor": 2}


def test_a_complete_form_is_read() -> None:
    details, errors = parse_details(
        {"phone": "070-123 45 67", "name": "  Anna   Svensson ", "email": "anna@example.se", "language": "en",
         "birth_year": "1985", "gender": "woman", "district": "CEN"},
        DISTRICTS, year=2026,
    )
    assert errors == {}
    assert details is not None
    assert (details.phone, details.name, details.language, details.birth_year, details.district_id) == (
        "+46701234567", "Anna Svensson", "en", 1985, 1)


def test_only_the_phone_is_required() -> None:
    details, errors = parse_details({"phone": "0701234567"}, DISTRICTS, year=2026)
    assert errors == {}
    assert details is not None and details.gender == "not_stated" and details.district_id is None


@pytest.mark.parametrize(
    ("field", "value"),
    [("phone", "12"), ("email", "anna@"), ("birth_year", "85"), ("birth_year", "2015"), ("birth_year", "1900"),
     ("gender", "kvinna"), ("language", "de"), ("district", "Atlantis"), ("name", "x" * 201)],
)
def test_each_mistake_is_reported_on_its_field(field: str, value: str) -> None:
    details, errors = parse_details({"phone": "0701234567", field: value}, DISTRICTS, year=2026)
    assert details is None
    assert list(errors) == [field]


def test_imports_accept_words() -> None:
    details, errors = parse_details(
        {"phone": "0701234567", "gender": "Kvinna", "language": "Engelska", "district": "centrum"},
        DISTRICTS, year=2026, lenient=True,
    )
    assert errors == {}
    assert details is not None and (details.gender, details.language, details.district_id) == ("woman", "en", 1)


@pytest.mark.parametrize(
    ("typed", "search"),
    [("070-123", "+4670123"), ("0046 70", "+4670"), ("+4670", "+4670"), ("Anna", "Anna"), ("12", "12")],
)
def test_search_text(typed: str, search: str) -> None:
    assert search_text(typed) == search


def test_a_birth_year_too_early_and_one_too_late_get_their_own_reasons() -> None:
    _, old = parse_details({"phone": "0701234567", "birth_year": "1800"}, DISTRICTS, year=2026)
    assert old["birth_year"] == "Kontrollera födelseåret: det ska vara 1916 eller senare."
    _, young = parse_details({"phone": "0701234567", "birth_year": "2015"}, DISTRICTS, year=2026)
    assert young["birth_year"] == "Panelen är öppen för den som fyller minst 16 år i år."
