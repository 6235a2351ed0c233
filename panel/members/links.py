"""Personal leave links: `/leave/{member id}.{signature}`, checked without storing anything.

The link only lets its holder leave the panel, so it does not expire: a text from last year must still work.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from panel.numbers import whole


def _signature(secret: bytes, member_id: int) -> str:
    digest = hmac.new(secret, f"leave:{member_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:15]).decode()


def leave_token(secret: bytes, member_id: int) -> str:
    return f"{member_id}.{_signature(secret, member_id)}"


def member_from_leave_token(secret: bytes, token: str) -> int | None:
    member_text, _dot, signature = token.partition(".")
    member_id = whole(member_text, max_digits=12)
    if member_id is None:
        return None
    return member_id if hmac.compare_digest(signature, _signature(secret, member_id)) else None


def leave_url(base_url: str, secret: bytes, member_id: int) -> str:
    return f"{base_url}/leave/{leave_token(secret, member_id)}"
