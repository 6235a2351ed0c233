"""Parsing inbound e-mail: charsets, HTML-only mail, attachments, threading headers, broken input."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from feedback.mail.parse import MailError, html_to_text, parse_mail, strip_quoted

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def test_plain_text_in_windows_1252() -> None:
    raw = (
        "From: =?iso-8859-1?q?G=F6ran_Str=F6m?= <Goran@Example.se>\r\n"
        "Subject: =?windows-1252?q?Trasig_gatlampa_p=E5_=C5gatan?=\r\n"
        "Message-ID: <abc123@example.se>\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=windows-1252\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n"
    ).encode("ascii") + "Lampan vid förskolan är trasig – igen.\r\n".encode("cp1252")
    mail = parse_mail(raw)
    assert mail.from_name == "Göran Ström"
    assert mail.from_address == "goran@example.se"
    assert mail.subject == "Trasig gatlampa på Ågatan"
    assert mail.text == "Lampan vid förskolan är trasig – igen."
    assert mail.message_id == "abc123@example.se"
    assert mail.idempotency_key == "email:abc123@example.se"


def test_iso_8859_1_quoted_printable() -> None:
    raw = (
        b"From: a@example.se\r\nSubject: Hej\r\nContent-Type: text/plain; charset=iso-8859-1\r\n"
        b"Content-Transfer-Encoding: quoted-printable\r\n\r\nBra jobbat med sn=F6r=F6jningen!\r\n"
    )
    mail = parse_mail(raw)
    assert mail.text == "Bra jobbat med snöröjningen!"
    assert mail.message_id == "" and mail.idempotency_key.startswith("email-sha256:")


def test_html_only_mail_becomes_readable_text() -> None:
    message = EmailMessage()
    message["From"] = "Anna <anna@example.se>"
    message["Subject"] = "Fråga"
    message.set_content(
        "<html><head><style>p{color:red}</style></head><body><p>Hej!</p><p>När &auml;r <b>simhallen</b>"
        " öppen?</p><script>alert(1)</script></body></html>",
        subtype="html",
    )
    assert parse_mail(message.as_bytes()).text == "Hej!\n\nNär är simhallen öppen?"


def test_multipart_prefers_plain_text_and_keeps_attachments() -> None:
    message = EmailMessage()
    message["From"] = "anna@example.se"
    message["Subject"] = "Bild"
    message.set_content("Se bilden.")
    message.add_alternative("<p>Se <i>bilden</i>.</p>", subtype="html")
    message.add_attachment(PNG, maintype="image", subtype="png", filename="hål.png")
    message.add_attachment(b"PK\x03\x04word", maintype="application", subtype="msword", filename="brev.doc")
    mail = parse_mail(message.as_bytes())
    assert mail.text == "Se bilden."
    assert [(a.filename, a.content_type, a.data) for a in mail.attachments] == [("hål.png", "image/png", PNG)]
    assert mail.skipped_files == ["brev.doc"]


def test_reply_headers_are_collected_newest_first() -> None:
    raw = (
        b"From: a@example.se\r\nSubject: Re: svar\r\nIn-Reply-To: <m3@x>\r\n"
        b"References: <m1@x> <m2@x>\r\n  <m3@x>\r\n\r\nTack!\r\n"
    )
    assert parse_mail(raw).refers_to == ["m3@x", "m2@x", "m1@x"]


def test_auto_replies_are_marked() -> None:
    raw = b"From: a@example.se\r\nSubject: Out of office\r\nAuto-Submitted: auto-replied\r\n\r\nBorta.\r\n"
    assert parse_mail(raw).automatic


@pytest.mark.parametrize("raw", [b"", b"just some bytes without headers", b"From: a@example.se\r\n\r\n"])
def test_nothing_usable_is_refused(raw: bytes) -> None:
    with pytest.raises(MailError):
        parse_mail(raw)


def test_an_unknown_charset_degrades_instead_of_failing() -> None:
    raw = b"From: a@example.se\r\nSubject: x\r\nContent-Type: text/plain; charset=x-klingon\r\n\r\nhej \xe5\r\n"
    assert parse_mail(raw).text == "hej å"


def test_strip_quoted_keeps_only_the_new_text() -> None:
    reply = "Tack, nu fungerar det.\n\nDen 3 mars 2026 skrev Kommunen <x@y.se>:\n> Vi har lagat lampan.\n> Hälsningar"
    assert strip_quoted(reply) == "Tack, nu fungerar det."
    outlook = "Ok!\n\n-----Original Message-----\nFrom: kommunen\nVi har lagat lampan."
    assert strip_quoted(outlook) == "Ok!"
    assert strip_quoted("> bara citat") == "> bara citat"


def test_html_to_text_handles_entities_and_breaks() -> None:
    assert html_to_text("Rad 1<br>Rad&nbsp;2 &amp; 3") == "Rad 1\nRad 2 & 3"  # a no-break space reads as a space
