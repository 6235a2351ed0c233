from pathlib import Path

import pytest

from panel.settings import SPECS, SettingsError, load_settings, settings_table

README = Path(__file__).resolve().parents[2] / "README.md"


def test_defaults() -> None:
    settings = load_settings({})
    assert (settings.host, settings.port, settings.database) == ("127.0.0.1", 8080, "./panel.db")
    assert settings.language == "sv" and settings.sms_backend == "console"
    assert settings.base_url == "http://127.0.0.1:8080"
    assert settings.twilio_api_base == "https://api.twilio.com"


def test_environment_wins_over_file(tmp_path: Path) -> None:
    config = tmp_path / "panel.toml"
    config.write_text('port = 9000\nlanguage = "en"\npublic_url = "https://panel.example.se/"\n')
    settings = load_settings({"PANEL_PORT": "9100"}, config)
    assert settings.port == 9100
    assert settings.language == "en"
    assert settings.public_url == "https://panel.example.se"
    assert settings.secure_cookies


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(
            {"PANEL_PORT": "eighty", "PANEL_LANGUAGE": "fi", "PANEL_SMS_BACKEND": "twilio", "PANEL_COLOUR": "x"}
        )
    message = str(caught.value)
    assert "PANEL_PORT: expected a whole number (got 'eighty')" in message
    assert "PANEL_LANGUAGE: expected one of sv, en" in message
    assert "PANEL_TWILIO_ACCOUNT_SID: required when PANEL_SMS_BACKEND is twilio" in message
    assert "PANEL_COLOUR: unknown setting" in message


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"PANEL_PORT": "70000"}, "PANEL_PORT: expected a port"),
        ({"PANEL_PUBLIC_URL": "panel.example.se"}, "PANEL_PUBLIC_URL: expected an absolute"),
        ({"PANEL_SECRET_KEY": "short"}, "PANEL_SECRET_KEY: expected at least 32"),
        ({"PANEL_SMS_QUIET_HOURS": "25:00-08:00"}, "PANEL_SMS_QUIET_HOURS: expected HH:MM-HH:MM"),
        ({"PANEL_SMTP_LISTEN": "localhost"}, "PANEL_SMTP_LISTEN: expected HOST:PORT"),
        ({"PANEL_SMTP_STARTTLS": "maybe"}, "PANEL_SMTP_STARTTLS: expected true or false"),
        ({"PANEL_MIN_CELL_SIZE": "0"}, "PANEL_MIN_CELL_SIZE: expected 1 or more"),
    ],
)
def test_bad_values_are_named(env: dict[str, str], expected: str) -> None:
    with pytest.raises(SettingsError, match=expected):
        load_settings(env)


def test_bad_config_file(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("port = [")
    with pytest.raises(SettingsError, match="not valid TOML"):
        load_settings({}, config)
    with pytest.raises(SettingsError, match="cannot read"):
        load_settings({}, tmp_path / "missing.toml")


def test_readme_settings_table_is_current() -> None:
    assert settings_table() in README.read_text(encoding="utf-8")
    assert len(SPECS) == settings_table().count("\n| `PANEL_")
