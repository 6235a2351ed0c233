"""Masking personal data in free text before anything is published or summarised.

Three kinds are found: Swedish personal identity numbers (personnummer and samordningsnummer, 10 or 12
digits, with or without '-' or '+'), phone numbers (Swedish and international, as `phonenumbers` finds
them), and e-mail addresses. A digit run only counts as a personnummer if its date is plausible and its
Luhn check digit is right, so order numbers and amounts survive; phone numbers are matched after that so a
personnummer is never half-masked as a phone number. Pure: no I/O, the same text always masks the same way.
"""

from __future__ import annotations

import re

import phonenumbers

PERSONNUMMER_MASK = "[personnummer]"
PHONE_MASK = "[telefonnummer]"
EMAIL_MASK = "[e-postadress]"

# 12 digits (century first) or 10; the separator is '-' (or '+' for people aged 100 or more) or nothing.
# The lookarounds keep a number that is part of a longer digit run (an account number) out.
_PERSONNUMMER = re.compile(r"(?<![\d+-])(?:(19|20)(?=\d{6}[-+]?\d{4}\b))?(\d{6})\s?([-+]?)\s?(\d{4})(?!\d)")
_EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}", re.UNICODE)
_DEFAULT_REGION = "SE"
# Digit runs phonenumbers may take for a number but that are times or dates ("öppet 08.00-16.30").
_NOT_A_PHONE = re.compile(
    r"^\d{1,2}[.:]\d{2}(\s*[-–]\s*\d{1,2}[.:]\d{2})?$|^\d{2,4}[-./]\d{1,2}[-./]\d{1,4}$"
)


def luhn_valid(digits: str) -> bool:
    """The Luhn (mod 10) check used by the last digit of a personnummer, over its last 10 digits."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def is_personnummer(date_part: str, serial: str) -> bool:
    """True for YYMMDD + NNNC with a real month, a day (or a samordningsnummer day + 60) and a right C."""
    month, day = int(date_part[2:4]), int(date_part[4:6])
    if not 1 <= month <= 12:
        return False
    if not (1 <= day <= 31 or 61 <= day <= 91):
        return False
    return luhn_valid(date_part + serial)


def _mask_personnummer(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        return PERSONNUMMER_MASK if is_personnummer(match.group(2), match.group(4)) else match.group(0)

    return _PERSONNUMMER.sub(replace, text)


def _mask_phones(text: str) -> str:
    matcher = phonenumbers.PhoneNumberMatcher(text, _DEFAULT_REGION, leniency=phonenumbers.Leniency.VALID)
    spans = [(found.start, found.end) for found in matcher if not _NOT_A_PHONE.match(found.raw_string)]
    for start, end in reversed(spans):
        text = text[:start] + PHONE_MASK + text[end:]
    return text


def mask(text: str) -> str:
    """`text` with every personnummer, e-mail address and phone number replaced by a bracketed marker."""
    if not text:
        return text
    text = _mask_personnummer(text)
    text = _EMAIL.sub(EMAIL_MASK, text)
    return _mask_phones(text)
