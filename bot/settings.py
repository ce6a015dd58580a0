"""Process settings: the only module that reads the environment (``DONGNE_*`` variables or ``.env``)."""

from __future__ import annotations

from ipaddress import IPv4Network, IPv6Network, ip_address, ip_network
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# A token anyone may try from the network: long enough that guessing it is hopeless.
METRICS_TOKEN_SHORTEST = 24


class SettingsError(Exception):
    """A setting is missing or malformed; the message is one line naming it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DONGNE_", env_file=".env", extra="ignore")

    bot_token: SecretStr | None = None
    # Used to print t.me deep links; asked of Telegram (getMe) when not set.
    bot_username: str | None = None
    telegram_api_url: str = "https://api.telegram.org"
    data_dir: Path = Path("data")
    database_url: str | None = None
    timezone: str = "Asia/Seoul"
    # Seconds between persistence flushes: the most a killed process can lose of a dialogue.
    persistence_interval: float = Field(default=2.0, gt=0, le=60)
    # Updates processed at once across all staff; each chat/user is still handled one at a time.
    max_concurrent_updates: int = Field(default=64, ge=1, le=1024)
    # Database connections the process keeps (and as many more at a peak); unset, the engine's own default
    # (storage.db: 5 on SQLite, 20 on PostgreSQL, whose max_connections (100) must hold twice this and the CLI's).
    database_pool_size: int | None = Field(default=None, ge=1, le=200)
    # Telegram's documented flood limit for a bot's messages across all chats; 0 leaves pacing to Telegram's
    # own 429 answers, which the bot waits out either way.
    telegram_messages_per_second: float = Field(default=30.0, ge=0, le=1000)
    # Connections kept open to the Bot API for sending (getUpdates has its own). A handful carry 30 messages a
    # second even at Telegram's round trip; more only cost memory. A request waits up to telegram_pool_timeout
    # for a free one before it fails.
    telegram_connections: int = Field(default=8, ge=1, le=256)
    telegram_pool_timeout: float = Field(default=10.0, gt=0, le=120)
    link_code_ttl_hours: float = Field(default=24.0, gt=0, le=24 * 30)
    # The hour (0–23, office time zone) at which the housing staff get their daily reminders; a bot started
    # later in the day sends that day's at once. Empty or "off": no reminders.
    housing_reminder_hour: int | None = Field(default=8, ge=0, le=23)
    # Retention of personal data (개인정보 보호법 제21조; the reasons for each period: docs/operations.md): years
    # after a representative's term ended, a manager was replaced or a grant project's year, and after a
    # complaint was closed, before their contact details are removed; days before SMS recipients' numbers are
    # masked (60 at least: a batch may be scheduled 35 days ahead); years the audit log keeps an entry before
    # it is archived to a workbook in retention_archive_dir (default <data dir>/audit-archive) and deleted.
    retention_contact_years: int = Field(default=3, ge=1, le=100)
    retention_complaint_years: int = Field(default=3, ge=1, le=100)
    retention_sms_days: int = Field(default=365, ge=60, le=36500)
    retention_audit_years: int = Field(default=3, ge=1, le=100)
    retention_archive_dir: Path | None = None
    # The hour (0–23, office time zone) of the daily retention run in `dongne run`; "off": only by hand.
    retention_hour: int | None = Field(default=4, ge=0, le=23)
    # The daily backup (docs/operations.md): where archives go (default <data_dir>/backups), how many are kept,
    # and the hour (0–23, office time zone) it runs in ``dongne run``; empty or "off": no daily backup.
    backup_dir: Path | None = None
    backup_keep: int = Field(default=14, ge=1, le=3650)
    backup_hour: int | None = Field(default=2, ge=0, le=23)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL", "debug", "info", "warning", "error"] = "INFO"
    # One line per event either way; "json" for a log collector (bot/logs.py).
    log_format: Literal["text", "json"] = "text"
    # Webhook mode: the public https address at which a TLS proxy publishes the admin endpoint; Telegram then
    # POSTs updates there (bot/webhook.py) instead of the bot polling. Unset: polling.
    webhook_url: str | None = None
    # The admin endpoint (staff, roles, audit log). Loopback by default: put a TLS proxy in front of it
    # before opening it to the office network, and set admin_secure_cookies then.
    admin_host: str = "127.0.0.1"
    admin_port: int = Field(default=8080, ge=0, le=65535)
    admin_secure_cookies: bool = False
    # The TLS proxies in front of the endpoint (comma-separated addresses or networks): only from them is
    # X-Forwarded-For believed, so sign-in throttling counts the real client rather than the proxy.
    admin_trusted_proxies: Annotated[tuple[IPv4Network | IPv6Network, ...], NoDecode] = ()
    # Lets a Prometheus server that is not on this machine read /metrics (Authorization: Bearer <token>);
    # unset, only loopback may. A long random string (``openssl rand -hex 32``).
    metrics_token: SecretStr | None = None
    # The government UMS (통합메시징시스템) that sends SMS; see docs/ums.md. Unset: messages are recorded and
    # not sent, and every result screen says so.
    ums_url: str | None = None
    # Shared with the UMS operator: signs delivery reports posted to /ums/reports (HMAC-SHA256).
    ums_secret: SecretStr | None = None
    # The office's registered callback number (발신번호): carriers refuse unregistered senders.
    ums_sender_number: str = "02-2286-5114"
    # Submissions per second the UMS contract allows; 0 means no pacing.
    ums_messages_per_second: float = Field(default=20.0, ge=0, le=10000)
    ums_timeout_seconds: float = Field(default=10.0, gt=0, le=300)
    # A message accepted by the UMS with no delivery report after this long is shown as "unknown".
    ums_report_timeout_minutes: float = Field(default=24 * 60, gt=0)
    # A message due but not accepted by the UMS this long after its time raises an alert.
    ums_due_grace_minutes: float = Field(default=15.0, gt=0)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("housing_reminder_hour", "retention_hour", "backup_hour", mode="before")
    @classmethod
    def _hour_or_off(cls, value: object) -> object:
        if isinstance(value, str) and value.strip().lower() in ("", "off", "none"):
            return None
        return value

    @field_validator("admin_trusted_proxies", mode="before")
    @classmethod
    def _proxy_networks(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(ip_network(part.strip()) for part in value.split(",") if part.strip())
        return value

    @field_validator("metrics_token")
    @classmethod
    def _long_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        if len(value.get_secret_value().strip()) < METRICS_TOKEN_SHORTEST:
            raise ValueError(f"use at least {METRICS_TOKEN_SHORTEST} characters, e.g. openssl rand -hex 32")
        return SecretStr(value.get_secret_value().strip())

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, value: str | None) -> str | None:
        if value and not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("use sqlite+aiosqlite:///path or postgresql+asyncpg://user@host/db")
        return value or None

    @field_validator("telegram_api_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("ums_url")
    @classmethod
    def _ums_http_url(cls, value: str | None) -> str | None:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/") if value else None

    @field_validator("webhook_url")
    @classmethod
    def _public_https_url(cls, value: str | None) -> str | None:
        if not value or not value.strip():
            return None
        return public_webhook_url(value.strip())

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'dongne.sqlite3').resolve()}"

    @property
    def effective_retention_archive_dir(self) -> Path:
        return self.retention_archive_dir or self.data_dir / "audit-archive"

    @property
    def effective_backup_dir(self) -> Path:
        return self.backup_dir or self.data_dir / "backups"

    def require_token(self) -> str:
        if self.bot_token is None or not self.bot_token.get_secret_value().strip():
            raise SettingsError("DONGNE_BOT_TOKEN is not set: get a token from @BotFather and set it")
        return self.bot_token.get_secret_value().strip()


# The ports Telegram delivers webhooks to.
WEBHOOK_PORTS = (443, 80, 88, 8443)


def public_webhook_url(value: str) -> str:
    """``value`` if Telegram can deliver to it: https, a public host, one of Telegram's ports, no query."""
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError as exc:
        raise ValueError("not a URL") from exc
    if parts.scheme != "https" or not parts.hostname:
        raise ValueError("must be an https:// URL (Telegram delivers webhooks over TLS only)")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise ValueError("must have no user, query or fragment: https://host[:port]/path")
    if port is not None and port not in WEBHOOK_PORTS:
        raise ValueError(f"Telegram delivers webhooks only to ports {', '.join(map(str, WEBHOOK_PORTS))}")
    host = parts.hostname
    try:
        address = ip_address(host)
    except ValueError:
        if host == "localhost" or host.endswith((".localhost", ".local", ".internal")) or "." not in host:
            raise ValueError(f"{host} is not a public host name: Telegram must reach it") from None
    else:
        if not address.is_global:
            raise ValueError(f"{host} is not a public address: Telegram must reach it")
    return value.rstrip("/")


def load_settings(**overrides: object) -> Settings:
    """Read settings, turning pydantic's report into one line naming the setting."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "DONGNE_" + str(first["loc"][0]).upper() if first["loc"] else "DONGNE_*"
        raise SettingsError(f"{name} is invalid: {first['msg']}") from None
