"""Checking what a resident or a staff member typed, before anything is stored. Pure: no I/O.

Every function returns the cleaned values and a dict of problems keyed by field name, so a page can show an
error summary that links to each field. The messages are Swedish source text, translated through gettext
in the language of the request that is being checked.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from panel import phones
from panel.i18n import _

KINDS = ("complaint", "praise", "idea", "question", "fault_report")
# Gettext can only find strings written out in the source: these are marked here and translated at use.
KIND_LABELS = {
    "complaint": "Klagomål",
    "praise": "Beröm",
    "idea": "Idé eller förslag",
    "question": "Fråga",
    "fault_report": "Felanmälan",
}
STAFF_CHANNELS = ("phone", "visit", "letter")

MAX_BODY = 4000  # Open311 limits a description to 4,000 characters; one limit for every channel
MAX_LOCATION = 300
MAX_NAME = 200
MAX_FILES = 3
MAX_FILE_BYTES = 5 * 1024 * 1024

# Accepted files, recognised by their first bytes rather than the name or the browser's claimed type.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
)
_EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"'.]{2,}$")
_UNSAFE_FILENAME = re.compile(r"[^\w.\- ]+")


@dataclass(frozen=True)
class Category:
    """What validation needs to know of a category."""

    code: str
    needs_location: bool


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes
    content_type: str = ""


@dataclass
class Checked:
    """Cleaned values (safe to put back in the form) and the problems found, in field order."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    latitude: float | None = None
    longitude: float | None = None
    attachments: list[Upload] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def sniff_type(data: bytes) -> str | None:
    """The content type of an accepted file, or None for anything else."""
    for signature, content_type in _SIGNATURES:
        if data.startswith(signature):
            return content_type
    return None


def safe_filename(name: str) -> str:
    """A file name without paths or odd characters, for storing and for Content-Disposition."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _UNSAFE_FILENAME.sub("_", base).strip(" .")
    return cleaned[:100] or "bilaga"


def normalise_phone(text: str) -> str | None:
    """A Swedish or international number in E.164, or None if it is not a valid number."""
    try:
        return phones.normalize(text, mobile_only=False)
    except phones.PhoneError:
        return None


def is_email(text: str) -> bool:
    return len(text) <= 254 and bool(_EMAIL.match(text))


def parse_coordinate(text: str, limit: float) -> float | None:
    """A decimal degree within ±limit; Swedish decimal commas are accepted."""
    try:
        value = float(text.replace(",", ".").strip())
    except ValueError:
        return None
    if value != value or not -limit <= value <= limit:  # value != value: NaN
        return None
    return value


def check_attachments(uploads: Sequence[Upload], checked: Checked) -> None:
    files = [upload for upload in uploads if upload.filename or upload.data]
    if len(files) > MAX_FILES:
        checked.errors["attachments"] = _("Du kan bifoga högst 3 filer.")
        return
    for upload in files:
        if len(upload.data) > MAX_FILE_BYTES:
            checked.errors["attachments"] = _("Filen {name} är större än 5 MB.").format(name=upload.filename)
            return
        content_type = sniff_type(upload.data)
        if content_type is None:
            checked.errors["attachments"] = _(
                "Filen {name} är inte en bild (JPEG, PNG, GIF) eller en PDF."
            ).format(name=upload.filename)
            return
        checked.attachments.append(Upload(safe_filename(upload.filename), upload.data, content_type))


def _text(fields: Mapping[str, str], name: str, limit: int) -> str:
    return str(fields.get(name, "") or "").strip()[: limit + 1]


def check_feedback(
    fields: Mapping[str, str], categories: Mapping[str, Category], uploads: Sequence[Upload] = (),
    districts: Collection[str] = (),
) -> Checked:
    """The public form and the staff quick entry share these fields; `districts` are the known codes."""
    checked = Checked()
    values = checked.values
    errors = checked.errors
    values["kind"] = _text(fields, "kind", 20)
    if values["kind"] not in KINDS:
        errors["kind"] = _("Välj typ av synpunkt.")
    values["category"] = _text(fields, "category", 40)
    category = categories.get(values["category"])
    if category is None:
        errors["category"] = _("Välj en kategori.")
    # Browsers send a textarea's line breaks as CRLF; counted as one character, as the page's maxlength does.
    values["body"] = str(fields.get("body", "") or "").replace("\r\n", "\n").strip()[: MAX_BODY + 1]
    if not values["body"]:
        errors["body"] = _("Skriv din synpunkt.")
    elif len(values["body"]) > MAX_BODY:
        errors["body"] = _("Texten får vara högst 4 000 tecken.")
    _check_location(fields, category, checked)
    values["district"] = _text(fields, "district", 40)
    if values["district"] and values["district"] not in districts:
        errors["district"] = _("Välj en av kommundelarna i listan, eller ingen.")
    _check_contact(fields, checked)
    check_attachments(uploads, checked)
    return checked


def _check_location(fields: Mapping[str, str], category: Category | None, checked: Checked) -> None:
    values, errors = checked.values, checked.errors
    values["location"] = _text(fields, "location", MAX_LOCATION)
    if len(values["location"]) > MAX_LOCATION:
        errors["location"] = _("Platsen får vara högst 300 tecken.")
    values["latitude"] = _text(fields, "latitude", 30)
    values["longitude"] = _text(fields, "longitude", 30)
    if values["latitude"] or values["longitude"]:
        checked.latitude = parse_coordinate(values["latitude"], 90)
        checked.longitude = parse_coordinate(values["longitude"], 180)
        if checked.latitude is None or checked.longitude is None:
            errors["latitude"] = _("Ange både latitud och longitud som decimalgrader, till exempel 57,93 och 12,23.")
            checked.latitude = checked.longitude = None
    has_place = bool(values["location"]) or checked.latitude is not None
    if category is not None and category.needs_location and not has_place and "latitude" not in errors:
        errors["location"] = _("Ange var det är, till exempel en adress eller en plats.")


def _check_contact(fields: Mapping[str, str], checked: Checked) -> None:
    values, errors = checked.values, checked.errors
    values["name"] = _text(fields, "name", MAX_NAME)[:MAX_NAME]
    values["email"] = _text(fields, "email", 254).lower()
    if values["email"] and not is_email(values["email"]):
        errors["email"] = _("Skriv e-postadressen som namn@exempel.se.")
    values["phone"] = _text(fields, "phone", 40)
    if values["phone"]:
        phone = normalise_phone(values["phone"])
        if phone is None:
            errors["phone"] = _("Skriv ett telefonnummer, till exempel 070-123 45 67.")
        else:
            values["phone"] = phone


def check_staff_entry(
    fields: Mapping[str, str], categories: Mapping[str, Category], districts: Collection[str] = ()
) -> Checked:
    """The quick entry of a phone call, visit or letter: the shared fields plus channel and outcome."""
    checked = check_feedback(fields, categories, districts=districts)
    channel = _text(fields, "channel", 20)
    checked.values["channel"] = channel
    if channel not in STAFF_CHANNELS:
        checked.errors["channel"] = _("Välj hur synpunkten kom in.")
    checked.values["answered_directly"] = "1" if fields.get("answered_directly") else ""
    return checked
