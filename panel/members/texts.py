"""The SMS the registry sends, written in the member's language rather than the current page's."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from panel.i18n import _, reset_language, set_language


@contextmanager
def language(code: str) -> Iterator[None]:
    token = set_language(code)
    try:
        yield
    finally:
        reset_language(token)


def signup_code(lang: str, municipality: str, code: str) -> str:
    with language(lang):
        return _("Din kod till medborgarpanelen i {municipality}: {code}. Koden gäller i 30 minuter.").format(
            municipality=municipality, code=code)


def opted_out(lang: str, municipality: str) -> str:
    with language(lang):
        return _("Du har lämnat medborgarpanelen i {municipality} och får inga fler enkäter. "
                 "Svara START om du vill vara med igen.").format(municipality=municipality)


def opted_in(lang: str, municipality: str) -> str:
    with language(lang):
        return _("Välkommen tillbaka till medborgarpanelen i {municipality}. Svara STOPP för att lämna.").format(
            municipality=municipality)


def not_member(lang: str, join_url: str) -> str:
    with language(lang):
        return _("Det här numret är inte med i medborgarpanelen. Anmäl dig på {url}").format(url=join_url)


def help_text(lang: str, municipality: str, base_url: str) -> str:
    with language(lang):
        return _("Medborgarpanelen i {municipality}: enkäter några gånger per år. Svara STOPP för att lämna, "
                 "START för att vara med igen. Mer: {url}").format(municipality=municipality, url=base_url + "/join")


def leave_link(lang: str, municipality: str, url: str) -> str:
    with language(lang):
        return _("Lämna medborgarpanelen i {municipality}: öppna {url} och bekräfta. "
                 "Du kan också svara STOPP.").format(municipality=municipality, url=url)


def invitation(lang: str, municipality: str, url: str) -> str:
    with language(lang):
        return _("{municipality} bjuder in dig till medborgarpanelen: några korta enkäter per år via SMS. "
                 "Läs mer och anmäl dig: {url}").format(municipality=municipality, url=url)
