"""GeoReport v2 output: XML (required by the spec) and JSON (the Spark mapping of the same tree). Pure.

Lists are an element per item inside the plural element (`<services><service>…`), in JSON a bare array;
`None` is an empty element in XML and `null` in JSON; booleans are `true`/`false` in both.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring

from aiohttp import web

FORMATS = ("xml", "json")
CONTENT_TYPES = {"xml": "text/xml", "json": "application/json"}
# The element name of one item inside each plural element.
ITEM_OF = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
}


def w3_datetime(db_text: str | None) -> str | None:
    """A stored UTC time as the spec's w3 format, e.g. 2010-01-01T00:00:00Z."""
    if not db_text:
        return None
    moment = datetime.fromisoformat(db_text.replace("Z", "+00:00")).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _scalar(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(element: Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(SubElement(element, key), child)
    elif isinstance(value, list):
        item_tag = ITEM_OF.get(element.tag, "item")
        for child in value:
            _fill(SubElement(element, item_tag), child)
    else:
        element.text = _scalar(value)


def to_xml(root: str, value: Any) -> bytes:
    element = Element(root)
    _fill(element, value)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + tostring(element, encoding="utf-8", xml_declaration=False)


def respond(fmt: str, root: str, value: Any, *, status: int = 200) -> web.Response:
    """`value` under the root element `root` (XML) or as it is (JSON)."""
    body = json.dumps(value, ensure_ascii=False).encode("utf-8") if fmt == "json" else to_xml(root, value)
    return web.Response(body=body, status=status, content_type=CONTENT_TYPES.get(fmt, "text/xml"), charset="utf-8")


def error(fmt: str, status: int, description: str) -> web.Response:
    """The spec's error list; the body's code matches the HTTP status."""
    return respond(fmt if fmt in FORMATS else "xml", "errors", [{"code": status, "description": description}],
                   status=status)
