import pytest

from panel.phones import PhoneError, display, masked, normalize


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("070-123 45 67", "+46701234567"),
        ("0701234567", "+46701234567"),
        ("+46 70 123 45 67", "+46701234567"),
        ("+46 (0)70-123 45 67", "+46701234567"),
        ("0046701234567", "+46701234567"),
        ("  073 - 987 65 43 ", "+46739876543"),
        ("+47 412 34 567", "+4741234567"),  # a Norwegian mobile
    ],
)
def test_numbers_people_type_become_e164(typed: str, e164: str) -> None:
    assert normalize(typed) == e164


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", "invalid"),
        ("abc", "invalid"),
        ("070-123", "invalid"),
        ("+46 70 123 45 67 89 00", "invalid"),
        ("08-123 456 78", "not_mobile"),  # a Stockholm landline cannot receive SMS
        ("1" * 40, "invalid"),
    ],
)
def test_unusable_numbers_are_refused_with_a_reason(typed: str, reason: str) -> None:
    with pytest.raises(PhoneError) as caught:
        normalize(typed)
    assert caught.value.reason == reason


def test_display_and_mask() -> None:
    assert display("+46701234567") == "070-123 45 67"
    assert display("+4741234567").startswith("+47")
    assert masked("+46701234567") == "+46•••••••67"
