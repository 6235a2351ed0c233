"""The registry's fixed vocabularies and their Swedish labels (translated where shown with `_`)."""

from __future__ import annotations

from datetime import date

GENDERS = ("woman", "man", "other", "not_stated")
LANGUAGES = ("sv", "en")
STATUSES = ("pending", "active", "paused", "left", "invalid")

# Bands used for population counts, filters, sampling and breakdowns. Members join from 16; ages are
# reckoned from the birth year alone (the registry keeps no birth date).
MIN_AGE = 16
AGE_BANDS = ("16-29", "30-44", "45-64", "65-79", "80+")
_BAND_LIMITS = {"16-29": (16, 29), "30-44": (30, 44), "45-64": (45, 64), "65-79": (65, 79), "80+": (80, 150)}

GENDER_LABELS = {"woman": "Kvinna", "man": "Man", "other": "Annat", "not_stated": "Vill inte ange"}
LANGUAGE_LABELS = {"sv": "Svenska", "en": "English"}
STATUS_LABELS = {
    "pending": "Väntar på bekräftelse",
    "active": "Aktiv",
    "paused": "Pausad",
    "left": "Har lämnat",
    "invalid": "Ogiltigt nummer",
}
INVITATION_LABELS = {
    "queued": "I kö",
    "sent": "Skickad",
    "delivered": "Levererad",
    "failed": "Kom inte fram",
    "opened": "Öppnad",
    "started": "Påbörjad",
    "completed": "Besvarad",
    "opted_out": "Lämnade panelen",
}
CHANNEL_LABELS = {
    "web": "Webben",
    "sms": "SMS",
    "staff": "Personal",
    "import": "Import",
    "provider": "SMS-leverantören",
    "retention": "Gallring",
}


def age_band(birth_year: int | None, on: date) -> str:
    """The band of someone born in `birth_year` during the year of `on`; '' when unknown or under 16."""
    if birth_year is None:
        return ""
    age = on.year - birth_year
    for band, (low, high) in _BAND_LIMITS.items():
        if low <= age <= high:
            return band
    return ""


def birth_years(band: str, on: date) -> tuple[int, int]:
    """The birth years (oldest, youngest) that fall in `band` during the year of `on`."""
    low, high = _BAND_LIMITS[band]
    return on.year - high, on.year - low
