"""Reading GeoReport v2 arguments: a POSTed service request and the filters of GET requests. Pure.

Each function returns what it read or raises `Open311Error` with the HTTP status and the description
that goes into the spec's error list, so the handler stays a few lines long.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from panel import clock

from ..forms import KINDS, MAX_BODY, is_email, normalise_phone, parse_coordinate
from .queries import RequestFilter

MAX_SPAN = timedelta(days=90)  # the spec: a date range "may not span more than 90 days"
_W3 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$")
_URL = re.compile(r"^https?://[^\s<>\"]{1,500}$")


class Open311Error(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


@dataclass(frozen=True)
class PostedRequest:
    service_code: str
    kind: str
    description: str
    address: str
    latitude: float | None
    longitude: float | None
    name: str
    email: str
    phone: str


def _field(fields: Mapping[str, str], name: str, limit: int = 300) -> str:
    return str(fields.get(name, "") or "").strip()[:limit]


def parse_post(fields: Mapping[str, str], *, needs_location: bool) -> PostedRequest:
    """The arguments of POST requests, checked; the service code itself is checked by the caller."""
    lat, long = _field(fields, "lat", 40), _field(fields, "long", 40)
    latitude = longitude = None
    if lat or long:
        latitude, longitude = parse_coordinate(lat, 90), parse_coordinate(long, 180)
        if latitude is None or longitude is None:
            raise Open311Error(400, "lat and long must both be given, as WGS84 decimal degrees")
    address = _field(fields, "address_string")
    address_id = _field(fields, "address_id", 100)
    if not address and address_id:
        address = f"address_id {address_id}"
    # Deliberate deviation: the spec requires a location for every request; we ask only where it matters.
    if needs_location and latitude is None and not address:
        raise Open311Error(400, "this service needs a location: lat and long, address_string or address_id")
    description = str(fields.get("description", "") or "").strip()
    if not description:
        raise Open311Error(400, "description was not provided")
    if len(description) > MAX_BODY:
        raise Open311Error(400, "description is longer than 4000 characters")
    media_url = _field(fields, "media_url", 600)
    if media_url:
        if not _URL.match(media_url):
            raise Open311Error(400, "media_url must be an http or https URL")
        description += f"\n\nBild: {media_url}"
    kind = _field(fields, "attribute[kind]", 20) or "fault_report"
    if kind not in KINDS:
        raise Open311Error(400, f"attribute[kind] must be one of {', '.join(KINDS)}")
    email = _field(fields, "email", 254).lower()
    if email and not is_email(email):
        raise Open311Error(400, "email is not a valid e-mail address")
    phone = _field(fields, "phone", 40)
    if phone:
        normalised = normalise_phone(phone)
        if normalised is None:
            raise Open311Error(400, "phone is not a valid phone number")
        phone = normalised
    name = " ".join(part for part in (_field(fields, "first_name", 100), _field(fields, "last_name", 100)) if part)
    return PostedRequest(
        service_code=_field(fields, "service_code", 40),
        kind=kind,
        description=description,
        address=address,
        latitude=latitude,
        longitude=longitude,
        name=name,
        email=email,
        phone=phone,
    )


def _w3(text: str, name: str) -> datetime:
    if not _W3.match(text):
        raise Open311Error(400, f"{name} must be a w3 datetime such as 2010-01-01T00:00:00Z")
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise Open311Error(400, f"{name} is not a valid date") from None
    return moment.astimezone(UTC)


def _list(text: str) -> list[str]:
    return list(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))


def parse_filters(query: Mapping[str, str], *, now: datetime) -> RequestFilter:
    """GET requests' arguments; without dates, the most recent 90 days."""
    wanted = RequestFilter(
        references=_list(query.get("service_request_id", ""))[:100],
        service_codes=_list(query.get("service_code", ""))[:100],
        statuses=_list(query.get("status", "").lower()),
    )
    if any(status not in ("open", "closed") for status in wanted.statuses):
        raise Open311Error(400, "status must be open, closed or both, comma delimited")
    start_text, end_text = query.get("start_date", "").strip(), query.get("end_date", "").strip()
    end = _w3(end_text, "end_date") if end_text else None
    start = _w3(start_text, "start_date") if start_text else None
    if start is None:
        start = (end or now) - MAX_SPAN
    if end is not None and end < start:
        raise Open311Error(400, "end_date is before start_date")
    if end is not None and end - start > MAX_SPAN:
        raise Open311Error(400, "start_date and end_date may not span more than 90 days")
    wanted.start = clock.to_db(start)
    wanted.end = clock.to_db(end) if end is not None else ""
    return wanted
