"""Settings: one typed, frozen object read once at start-up.

Sources, later ones winning: the defaults below, an optional TOML file (`panel --config FILE`, keys are the
setting names in lower case without the `PANEL_` prefix), then `PANEL_*` environment variables. Every
problem is collected and reported together so a bad deployment fails at start with one clear message.
The table `SPECS` is also what `panel settings` prints and what the README's settings table mirrors.
"""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

TWILIO_API_BASE = "https://api.twilio.com"


class SettingsError(ValueError):
    """Raised with every invalid setting listed, one per line."""


def _text(value: Any) -> str:
    return str(value).strip()


def _integer(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("expected a whole number")
    try:
        return int(str(value).strip())
    except ValueError:
        raise ValueError("expected a whole number") from None


def _number(value: Any) -> float:
    try:
        return float(str(value).strip())
    except ValueError:
        raise ValueError("expected a number") from None


def _choice(*allowed: str) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = str(value).strip().lower()
        if text not in allowed:
            raise ValueError(f"expected one of {', '.join(allowed)}")
        return text

    return parse


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ValueError("expected true or false")


def _url(value: Any) -> str:
    text = str(value).strip().rstrip("/")
    if not text:
        return ""
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("expected an absolute http:// or https:// URL")
    return text


def _host_port(value: Any) -> str:
    text = str(value).strip()
    if not text or text.lower() == "off":
        return ""
    host, sep, port = text.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError("expected HOST:PORT, for example 127.0.0.1:8025, or 'off'")
    return text


def _clock_range(value: Any) -> str:
    text = str(value).strip()
    if not text or text.lower() == "off":
        return ""
    try:
        start, end = text.split("-")
        for part in (start, end):
            hours, minutes = part.split(":")
            if not (0 <= int(hours) < 24 and 0 <= int(minutes) < 60):
                raise ValueError
    except ValueError:
        raise ValueError("expected HH:MM-HH:MM, for example 08:00-20:00, or 'off'") from None
    return text


@dataclass(frozen=True)
class Spec:
    name: str
    default: Any
    parse: Callable[[Any], Any]
    meaning: str

    @property
    def env(self) -> str:
        return "PANEL_" + self.name.upper()


SPECS: tuple[Spec, ...] = (
    Spec("host", "127.0.0.1", _text, "Address the web server listens on."),
    Spec("port", 8080, _integer, "Port the web server listens on."),
    Spec("database", "./panel.db", _text, "Path of the SQLite database file (created if missing)."),
    Spec("public_url", "", _url,
         "Public base URL, used in SMS links and to check webhook signatures behind a proxy. "
         "Empty: http://HOST:PORT."),
    Spec("secret_key", "", _text,
         "Key for signing CSRF and form tokens. Empty: a random key is generated once and kept in the database."),
    Spec("language", "sv", _choice("sv", "en"), "Default language of the pages: sv or en."),
    Spec("municipality", "Exempelby kommun", _text, "Name of the municipality shown on every page."),
    Spec("trusted_proxy", False, _boolean,
         "True behind a reverse proxy: the client address is the last X-Forwarded-For entry (for rate limits)."),
    Spec("max_request_bytes", 10 * 1024 * 1024, _integer, "Largest accepted request body in bytes."),
    Spec("log_level", "info", _choice("debug", "info", "warning", "error"), "Logging level."),
    Spec("sms_backend", "console", _choice("console", "twilio"),
         "Where SMS go: console (stored and shown on the staff outbox page) or twilio."),
    Spec("sms_rate_per_second", 10.0, _number, "Most SMS the dispatcher sends per second."),
    Spec("sms_quiet_hours", "20:00-08:00", _clock_range,
         "Hours (Europe/Stockholm) when non-urgent SMS wait; 'off' sends at any hour."),
    Spec("sms_price_per_segment", 0.45, _number, "Price of one SMS segment in SEK, for cost estimates."),
    Spec("twilio_account_sid", "", _text, "Twilio account SID (AC...)."),
    Spec("twilio_auth_token", "", _text, "Twilio auth token; also the key of webhook signatures."),
    Spec("twilio_from", "", _text, "Sender: a phone number in E.164 or an alphanumeric sender ID."),
    Spec("twilio_messaging_service_sid", "", _text, "Twilio Messaging Service SID (MG...), used instead of a sender."),
    Spec("twilio_api_base", TWILIO_API_BASE, _url,
         "Base URL of the Twilio REST API; point it at a fake or staging server."),
    Spec("smtp_listen", "", _host_port, "HOST:PORT of the inbound e-mail receiver; empty or 'off' disables it."),
    Spec("mail_backend", "console", _choice("console", "smtp"),
         "Where outgoing e-mail goes: console (stored and shown to staff) or smtp."),
    Spec("mail_from", "synpunkter@example.se", _text, "Sender address of outgoing e-mail."),
    Spec("smtp_host", "", _text, "Outgoing mail server, used when PANEL_MAIL_BACKEND is smtp."),
    Spec("smtp_port", 587, _integer, "Port of the outgoing mail server."),
    Spec("smtp_username", "", _text, "User name at the outgoing mail server; empty: no login."),
    Spec("smtp_password", "", _text, "Password at the outgoing mail server."),
    Spec("smtp_starttls", True, _boolean, "Use STARTTLS with the outgoing mail server."),
    Spec("sms_thread_days", 14, _integer,
         "An SMS from a resident joins their open case from the last this many days, else starts a new one."),
    Spec("retention_closed_case_days", 365, _integer,
         "Days after closing when a case's contact details are removed."),
    Spec("retention_left_member_days", 30, _integer,
         "Days after a member leaves when their identity and contact details are erased."),
    Spec("retention_sms_days", 180, _integer,
         "Days after an SMS was sent or received when its phone number and text are removed from the SMS logs."),
    Spec("min_cell_size", 5, _integer, "Groups smaller than this are hidden in published breakdowns."),
    Spec("fatigue_max_surveys", 4, _integer, "Most surveys a member gets within PANEL_FATIGUE_PERIOD_DAYS."),
    Spec("fatigue_period_days", 365, _integer, "The period of the survey fatigue rule, in days."),
    Spec("login_attempts", 5, _integer, "Failed logins per user name and address before a 15-minute lockout."),
)


@dataclass(frozen=True)
class Settings:
    """Field order and defaults come from SPECS; build one with `load_settings`."""

    host: str
    port: int
    database: str
    public_url: str
    secret_key: str
    language: str
    municipality: str
    trusted_proxy: bool
    max_request_bytes: int
    log_level: str
    sms_backend: str
    sms_rate_per_second: float
    sms_quiet_hours: str
    sms_price_per_segment: float
    twilio_account_sid: str
    twilio_auth_token: str
    twilio_from: str
    twilio_messaging_service_sid: str
    twilio_api_base: str
    smtp_listen: str
    mail_backend: str
    mail_from: str
    smtp_host: str
    smtp_port: int
    smtp_username: str
    smtp_password: str
    smtp_starttls: bool
    sms_thread_days: int
    retention_closed_case_days: int
    retention_left_member_days: int
    retention_sms_days: int
    min_cell_size: int
    fatigue_max_surveys: int
    fatigue_period_days: int
    login_attempts: int

    @property
    def base_url(self) -> str:
        """The URL residents and Twilio reach us at, without a trailing slash."""
        return self.public_url or f"http://{self.host}:{self.port}"

    @property
    def secure_cookies(self) -> bool:
        return self.base_url.startswith("https://")

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)


def _problems_of(values: Mapping[str, Any]) -> list[str]:
    problems = []
    if not 0 < values["port"] < 65536:
        problems.append("PANEL_PORT: expected a port between 1 and 65535")
    if values["max_request_bytes"] < 1024:
        problems.append("PANEL_MAX_REQUEST_BYTES: expected at least 1024")
    if values["sms_rate_per_second"] <= 0:
        problems.append("PANEL_SMS_RATE_PER_SECOND: expected a number above 0")
    if values["sms_price_per_segment"] < 0:
        problems.append("PANEL_SMS_PRICE_PER_SEGMENT: expected 0 or more")
    if values["mail_backend"] == "smtp" and not values["smtp_host"]:
        problems.append("PANEL_SMTP_HOST: required when PANEL_MAIL_BACKEND is smtp")
    for name in ("sms_thread_days", "retention_closed_case_days", "retention_left_member_days",
                 "retention_sms_days", "min_cell_size", "fatigue_max_surveys", "fatigue_period_days", "login_attempts"):
        if values[name] < 1:
            problems.append(f"PANEL_{name.upper()}: expected 1 or more")
    if values["secret_key"] and len(values["secret_key"]) < 32:
        problems.append("PANEL_SECRET_KEY: expected at least 32 characters")
    if values["sms_backend"] == "twilio":
        for name in ("twilio_account_sid", "twilio_auth_token"):
            if not values[name]:
                problems.append(f"PANEL_{name.upper()}: required when PANEL_SMS_BACKEND is twilio")
        if not (values["twilio_from"] or values["twilio_messaging_service_sid"]):
            problems.append(
                "PANEL_TWILIO_FROM or PANEL_TWILIO_MESSAGING_SERVICE_SID: one is required when "
                "PANEL_SMS_BACKEND is twilio"
            )
    return problems


def load_settings(environ: Mapping[str, str], config_file: str | Path | None = None) -> Settings:
    """Build the settings from defaults, an optional TOML file and the environment; raise SettingsError."""
    raw: dict[str, Any] = {}
    problems: list[str] = []
    known = {spec.name for spec in SPECS}
    if config_file is not None:
        try:
            with open(config_file, "rb") as fh:
                from_file = tomllib.load(fh)
        except OSError as exc:
            raise SettingsError(f"--config {config_file}: cannot read the file ({exc.strerror})") from None
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"--config {config_file}: not valid TOML ({exc})") from None
        for key, value in from_file.items():
            if key not in known:
                problems.append(f"{config_file}: unknown setting '{key}'")
            else:
                raw[key] = value
    for spec in SPECS:
        if spec.env in environ:
            raw[spec.name] = environ[spec.env]
    unknown_env = sorted(k for k in environ if k.startswith("PANEL_") and k[6:].lower() not in known)
    problems += [f"{name}: unknown setting" for name in unknown_env]

    values: dict[str, Any] = {}
    for spec in SPECS:
        try:
            values[spec.name] = spec.parse(raw[spec.name]) if spec.name in raw else spec.default
        except ValueError as exc:
            problems.append(f"{spec.env}: {exc} (got {raw[spec.name]!r})")
            values[spec.name] = spec.default
    problems += _problems_of(values)
    if problems:
        raise SettingsError("Invalid settings:\n" + "\n".join(f"  - {p}" for p in problems))
    return Settings(**values)


def settings_table() -> str:
    """The settings as a Markdown table: the README's copy is checked against this by a test."""
    rows = ["| Variable | Default | Meaning |", "| --- | --- | --- |"]
    for spec in SPECS:
        default = f"`{spec.default}`" if spec.default != "" else "(empty)"
        rows.append(f"| `{spec.env}` | {default} | {spec.meaning} |")
    return "\n".join(rows)
