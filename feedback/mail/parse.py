"""Reading an inbound e-mail with the standard `email` package. Pure: bytes in, a `ParsedMail` out.

Mail forwarded from a municipality's mailbox comes in every shape: plain text, HTML only, multipart with
both, old Outlook in windows-1252, webmail in iso-8859-1, and attachments. What a case needs is the sender,
the subject, readable text, the files, and the ids that tie a reply to an earlier message.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import re
from dataclasses import dataclass, field
from email.message import EmailMessage, Message
from email.utils import getaddresses
from html import unescape
from html.parser import HTMLParser

from ..forms import Upload, is_email, safe_filename, sniff_type

MAX_TEXT = 20_000
MAX_ATTACHMENTS = 10
_MESSAGE_ID = re.compile(r"<([^<>\s]+)>")
_BLOCK_TAGS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "ul", "ol"}
_SEPARATOR = re.compile(r"^-+ ?(Original Message|Ursprungligt meddelande) ?-+$")
_QUOTE_HEADER = re.compile(r"^(On .+ wrote:|Den .+ skrev .+:|.+ skrev:)$")


class MailError(ValueError):
    """The message cannot become a case; the text is the SMTP reply's explanation."""


@dataclass(frozen=True)
class ParsedMail:
    message_id: str  # without angle brackets; "" if the sender gave none
    fingerprint: str  # SHA-256 of the raw message: the idempotency key when there is no Message-ID
    subject: str
    from_name: str
    from_address: str
    text: str
    refers_to: list[str] = field(default_factory=list)  # In-Reply-To and References, newest first
    attachments: list[Upload] = field(default_factory=list)
    skipped_files: list[str] = field(default_factory=list)
    automatic: bool = False  # an auto-reply or bulk mail: never answered with a receipt, to avoid loops

    @property
    def idempotency_key(self) -> str:
        return f"email:{self.message_id}" if self.message_id else f"email-sha256:{self.fingerprint}"


class _TextOfHtml(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "head"):
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head"):
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    lines = [line.strip() for line in unescape("".join(parser.parts)).splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def strip_quoted(text: str) -> str:
    """A reply without the quoted earlier message below it (lines of '>' and the 'X skrev:' line)."""
    lines = text.splitlines()
    end = len(lines)
    while end and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith(">")):
        end -= 1
    if end and (_QUOTE_HEADER.match(lines[end - 1].strip()) or _SEPARATOR.match(lines[end - 1].strip())):
        end -= 1
    for index, line in enumerate(lines[:end]):  # Outlook puts the original below a separator, unquoted
        if _SEPARATOR.match(line.strip()):
            end = index
            break
    kept = "\n".join(lines[:end]).strip()
    return kept or text.strip()


def _decode(part: Message) -> str:
    """A text part as str, whatever its charset claims; unknown or wrong charsets degrade, never fail."""
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = (part.get_content_charset() or "utf-8").lower()
    if charset in ("iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii"):
        charset = "windows-1252"  # a superset that mail clients really mean when they say latin-1
    try:
        return payload.decode(charset)
    except (LookupError, UnicodeDecodeError):
        try:
            return payload.decode("utf-8")
        except UnicodeDecodeError:
            return payload.decode("windows-1252", errors="replace")


def _body_text(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain", "html"))
    if body is None:
        return ""
    text = _decode(body)
    if body.get_content_subtype() == "html":
        text = html_to_text(text)
    return text.replace("\r\n", "\n").strip()


def _attachments(message: EmailMessage) -> tuple[list[Upload], list[str]]:
    kept: list[Upload] = []
    skipped: list[str] = []
    for part in message.iter_attachments():
        if part.is_multipart():
            continue
        name = safe_filename(part.get_filename() or "bilaga")
        data = part.get_payload(decode=True)
        content_type = sniff_type(data) if isinstance(data, bytes) else None
        # Only files staff can open safely are kept, as on the web form; the others are named in the text.
        if content_type is None or len(kept) >= MAX_ATTACHMENTS or not isinstance(data, bytes):
            skipped.append(name)
        else:
            kept.append(Upload(name, data, content_type))
    return kept, skipped


def _header(message: EmailMessage, name: str) -> str:
    try:
        return str(message.get(name, "") or "")
    except (ValueError, IndexError, TypeError):  # a header too broken for the parser to render
        return ""


def parse_mail(raw: bytes) -> ParsedMail:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)  # policy.default builds EmailMessage objects
    if not message.keys():
        raise MailError("not an e-mail message: no headers")
    addresses = getaddresses([_header(message, "from")])
    from_name, from_address = addresses[0] if addresses else ("", "")
    from_address = from_address.strip().lower()
    if not is_email(from_address):
        from_address = ""
    ids = _MESSAGE_ID.findall(_header(message, "message-id"))
    references = _MESSAGE_ID.findall(_header(message, "in-reply-to"))
    references += reversed(_MESSAGE_ID.findall(_header(message, "references")))
    text = _body_text(message)
    if len(text) > MAX_TEXT:
        text = text[:MAX_TEXT] + "\n[…]"
    attachments, skipped = _attachments(message)
    subject = " ".join(_header(message, "subject").split())[:200]
    if not text and not subject and not attachments:
        raise MailError("the message has no text, subject or attachment")
    auto = _header(message, "auto-submitted").lower()
    precedence = _header(message, "precedence").lower()
    return ParsedMail(
        message_id=ids[0] if ids else "",
        fingerprint=hashlib.sha256(raw).hexdigest(),
        subject=subject,
        from_name=from_name.strip()[:200],
        from_address=from_address,
        text=text,
        refers_to=list(dict.fromkeys(references)),
        attachments=attachments,
        skipped_files=skipped,
        automatic=(auto not in ("", "no")) or precedence in ("bulk", "junk", "list", "auto_reply"),
    )
