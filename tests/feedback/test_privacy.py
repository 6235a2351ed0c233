"""Masking of personnummer, phone numbers and e-mail addresses in free text (panel.privacy)."""

from __future__ import annotations

import pytest

from panel.privacy import EMAIL_MASK, PERSONNUMMER_MASK, PHONE_MASK, is_personnummer, luhn_valid, mask


def with_check_digit(nine: str) -> str:
    """The 10-digit number whose last digit makes the Luhn sum right: computed, not copied from the code."""
    for digit in "0123456789":
        total = 0
        for position, char in enumerate(nine + digit):
            value = int(char) * (2 if position % 2 == 0 else 1)
            total += value // 10 + value % 10
        if total % 10 == 0:
            return nine + digit
    raise AssertionError("unreachable")


VALID = with_check_digit("811218987")  # 811218-987C
WRONG = VALID[:-1] + str((int(VALID[-1]) + 1) % 10)


def test_luhn_of_a_known_number() -> None:
    # The Swedish Tax Agency's example number 811228-9874.
    assert luhn_valid("8112289874")
    assert not luhn_valid("8112289875")


@pytest.mark.parametrize(
    "written",
    [
        f"{VALID[:6]}-{VALID[6:]}",
        f"{VALID[:6]}+{VALID[6:]}",  # 100 years or older
        VALID,
        f"19{VALID[:6]}-{VALID[6:]}",
        f"19{VALID}",
        f"20{VALID}",
        f"{VALID[:6]} - {VALID[6:]}",
    ],
)
def test_personnummer_in_every_form_is_masked(written: str) -> None:
    assert mask(f"Mitt nummer är {written}, tack.") == f"Mitt nummer är {PERSONNUMMER_MASK}, tack."


def test_samordningsnummer_is_masked() -> None:
    number = with_check_digit("811278987")  # day 18 + 60
    assert is_personnummer(number[:6], number[6:])
    assert mask(f"nr {number[:6]}-{number[6:]}") == f"nr {PERSONNUMMER_MASK}"


@pytest.mark.parametrize(
    "text",
    [
        f"Fel kontrollsiffra {WRONG[:6]}-{WRONG[6:]}",
        "Datum 2026-11-25 kl 14:30",
        "Faktura 20261125, belopp 1 500 kr",
        "Postnummer 417 56 Göteborg",
        f"Kontonummer 12345{VALID}",  # part of a longer digit run
        "Ärende SYN-2026-00042",
        "Öppet kl 08.00-16.30 på vardagar",
        "Öppet 8:00–16:30, stängt 2026.12.24",
        "Organisationsnummer 212000-1355",
        "",
    ],
)
def test_other_numbers_are_left_alone(text: str) -> None:
    assert mask(text) == text


def test_impossible_month_is_not_a_personnummer() -> None:
    number = with_check_digit("811318987")  # month 13
    assert mask(number) == number


@pytest.mark.parametrize(
    "phone",
    ["070-123 45 67", "0701234567", "+46 70 123 45 67", "0046701234567", "08-123 456 78", "031-12 34 56",
     "+44 20 7946 0958", "+1 (415) 555-2671"],
)
def test_phone_numbers_are_masked(phone: str) -> None:
    assert mask(f"Ring mig på {phone} efter fem.") == f"Ring mig på {PHONE_MASK} efter fem."


@pytest.mark.parametrize("address", ["anna@exempel.se", "anna.b+syn@kommun.example.se", "Å.Öberg@för.se"])
def test_email_addresses_are_masked(address: str) -> None:
    assert mask(f"Svara till {address}.") == f"Svara till {EMAIL_MASK}."


def test_everything_in_one_text_and_masking_twice_changes_nothing() -> None:
    text = f"Anna, {VALID[:6]}-{VALID[6:]}, anna@exempel.se, 070-123 45 67. Gropen på Storgatan 3 är djup."
    masked = mask(text)
    assert masked == f"Anna, {PERSONNUMMER_MASK}, {EMAIL_MASK}, {PHONE_MASK}. Gropen på Storgatan 3 är djup."
    assert mask(masked) == masked
