"""Every Swedish text of the registry has its English translation."""

from importlib import resources

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from panel.members import vocab


def _catalog() -> dict[str, str]:
    with resources.files("panel.members").joinpath("locale", "en.po").open("rb") as fh:
        catalog = read_po(fh, locale="en")
    found: dict[str, str] = {}
    for message in catalog:
        if message.id:
            key = message.id if isinstance(message.id, str) else message.id[0]
            text = message.string
            found[key] = text if isinstance(text, str) else (text[0] if text else "")
    return found


def test_every_message_is_translated() -> None:
    folder = str(resources.files("panel.members"))
    method_map = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
    options = {"**/templates/**.html": {"trim_blocks": "true", "lstrip_blocks": "true"}}
    catalog = _catalog()
    missing = []
    for _file, _line, message, _comments, _context in extract_from_dir(
        folder, method_map, options_map=options, keywords={"_": None, "ngettext": (1, 2)}
    ):
        key = message if isinstance(message, str) else message[0]
        if not catalog.get(key):
            missing.append(key)
    labels = [*vocab.STATUS_LABELS.values(), *vocab.GENDER_LABELS.values(), *vocab.CHANNEL_LABELS.values(),
              *vocab.INVITATION_LABELS.values()]
    missing += [label for label in labels if not catalog.get(label)]
    assert missing == []
