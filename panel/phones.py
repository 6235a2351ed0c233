"""Phone numbers: anything a person types or a spreadsheet holds, to E.164, with Sweden as the default region."""

from __future__ import annotations

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType

DEFAULT_REGION = "SE"
# A panel SMS must reach a phone that can receive texts; fixed lines cannot, unknown types might.
_TEXTABLE = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE, PhoneNumberType.UNKNOWN}


class PhoneError(ValueError):
    """The text is not a usable mobile number; `reason` is 'invalid' or 'not_mobile'."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def normalize(text: str, region: str = DEFAULT_REGION, *, mobile_only: bool = True) -> str:
    """`070-123 45 67`, `+46 70 123 45 67`, `0046701234567` → `+46701234567`; raise PhoneError otherwise.

    `mobile_only` refuses fixed lines, for numbers we text; a resident's contact number may be either.
    """
    cleaned = str(text).strip()
    if cleaned.startswith("00"):
        cleaned = "+" + cleaned[2:]  # the international prefix used in Sweden and most of Europe
    if not cleaned or len(cleaned) > 32:
        raise PhoneError("invalid")
    try:
        number = phonenumbers.parse(cleaned, region)
    except NumberParseException:
        raise PhoneError("invalid") from None
    if not phonenumbers.is_valid_number(number):
        raise PhoneError("invalid")
    if mobile_only and phonenumbers.number_type(number) not in _TEXTABLE:
        raise PhoneError("not_mobile")
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def display(e164: str) -> str:
    """How staff read a number: national form for Swedish numbers (070-123 45 67), else international."""
    try:
        number = phonenumbers.parse(e164, None)
    except NumberParseException:
        return e164
    if number.country_code == 46:
        return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)


def masked(e164: str) -> str:
    """All but the last two digits hidden, for places that only need to recognise a number."""
    return e164[:3] + "•" * max(len(e164) - 5, 0) + e164[-2:] if len(e164) > 5 else "•" * len(e164)
