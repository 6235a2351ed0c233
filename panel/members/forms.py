"""Reading what people type about a member — on the sign-up page, in a staff form or in an imported row.

Pure functions: text in, clean values or messages per field out. Imports accept Swedish and English words
for gender and language because spreadsheets are typed by people.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from panel import phones
from panel.i18n import _
from panel.members.vocab import GENDERS, LANGUAGES, MIN_AGE
from panel.numbers import whole

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_GENDER_WORDS = {
    "kvinna": "woman", "k": "woman", "woman": "woman", "female": "woman", "f": "woman",
    "man": "man", "m": "man", "male": "man",
    "annat": "other", "annan": "other", "other": "other", "icke-binär": "other",
    "vill inte ange": "not_stated", "ej angivet": "not_stated", "not_stated": "not_stated", "": "not_stated",
}
_LANGUAGE_WORDS = {"sv": "sv", "svenska": "sv", "swedish": "sv", "": "sv", "en": "en", "engelska": "en",
                   "english": "en"}
MAX_AGE = 110


@dataclass(frozen=True)
class Details:
    phone: str
    name: str = ""
    email: str = ""
    language: str = "sv"
    birth_year: int | None = None
    gender: str = "not_stated"
    district_id: int | None = None


def phone_error(reason: str) -> str:
    if reason == "not_mobile":
        return _("Numret ser ut att vara ett fast nummer. Ange ett mobilnummer som kan ta emot SMS.")
    return _("Ange ett giltigt mobilnummer, till exempel 070-123 45 67.")


def parse_details(
    values: Mapping[str, str], district_ids: Mapping[str, int], *, year: int, lenient: bool = False
) -> tuple[Details | None, dict[str, str]]:
    """Check the fields `phone, name, email, language, birth_year, gender, district`.

    `district_ids` maps lower-cased codes (and names) to ids. `lenient` accepts the words of `_GENDER_WORDS`
    and `_LANGUAGE_WORDS`, as imports do; forms send the exact values.
    """
    errors: dict[str, str] = {}
    phone = ""
    try:
        phone = phones.normalize(values.get("phone", ""))
    except phones.PhoneError as exc:
        errors["phone"] = phone_error(exc.reason)
    name = " ".join(values.get("name", "").split())
    if len(name) > 200:
        errors["name"] = _("Namnet får vara högst 200 tecken.")
    email = values.get("email", "").strip()
    if email and (len(email) > 254 or not _EMAIL.match(email)):
        errors["email"] = _("Ange en giltig e-postadress, till exempel namn@exempel.se, eller lämna fältet tomt.")
    language_text = values.get("language", "").strip().lower()
    language = _LANGUAGE_WORDS.get(language_text) if lenient else (language_text or "sv")
    if language not in LANGUAGES:
        errors["language"] = _("Välj svenska eller engelska.")
    gender_text = values.get("gender", "").strip().lower()
    gender = _GENDER_WORDS.get(gender_text) if lenient else (gender_text or "not_stated")
    if gender not in GENDERS:
        errors["gender"] = _("Välj kvinna, man, annat eller vill inte ange.")
    birth_year: int | None = None
    year_text = values.get("birth_year", "").strip()
    if year_text:
        if len(year_text) != 4 or whole(year_text) is None:
            errors["birth_year"] = _("Ange födelseåret med fyra siffror, till exempel 1985.")
        elif int(year_text) < year - MAX_AGE:
            errors["birth_year"] = _("Kontrollera födelseåret: det ska vara {first} eller senare.").format(
                first=year - MAX_AGE)
        elif int(year_text) > year - MIN_AGE:
            errors["birth_year"] = _("Panelen är öppen för den som fyller minst {n} år i år.").format(n=MIN_AGE)
        else:
            birth_year = int(year_text)
    district_id: int | None = None
    district_text = values.get("district", "").strip().lower()
    if district_text:
        district_id = district_ids.get(district_text)
        if district_id is None:
            errors["district"] = _("Okänt område. Välj ett av kommunens områden.")
    if errors:
        return None, errors
    return Details(phone, name, email, str(language), birth_year, str(gender), district_id), {}


def search_text(text: str) -> str:
    """A staff search: a typed phone number becomes the E.164 prefix it starts with, anything else stays."""
    cleaned = text.strip()[:100]
    compact = re.sub(r"[\s\-()]", "", cleaned)
    if re.fullmatch(r"\+?\d{3,}", compact):
        if compact.startswith("00"):
            return "+" + compact[2:]
        if compact.startswith("0"):
            return "+46" + compact[1:]
        return compact if compact.startswith("+") else "+" + compact
    return cleaned
