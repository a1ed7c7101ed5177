"""Settings from the environment and `.env` (the environment wins), validated once.

A missing or malformed setting stops the program with one clear line naming it.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bot.peer import MAX, TELEGRAM

PROJECT_ROOT = Path(__file__).resolve().parents[1]
# The knowledge base's YAML files and the lexicon (KB_DATA_DIR).
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"
DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_MAX_API_BASE_URL = "https://platform-api2.max.ru"
_TOKEN_RE = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{30,}$")
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# Telegram allows about 30 messages a second to different users; stay just under it.
DEFAULT_BROADCAST_RATE = 25.0
# What httpx can go through (socks5 with the httpx[socks] extra; socks5h resolves names on
# the proxy, as socks5 does in httpx anyway).
PROXY_SCHEMES = ("http", "https", "socks5", "socks5h")


class ConfigError(Exception):
    """A setting is missing or malformed; the message names it and says what is expected."""


class Secret:
    """Holds a secret string; its repr and str never show it, so it cannot leak into logs."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True, slots=True)
class Settings:
    telegram_bot_token: Secret | None = None
    telegram_api_base_url: str = DEFAULT_API_BASE_URL
    # The proxy for Bot API calls; its URL may carry a password. Unset, httpx follows
    # HTTPS_PROXY, HTTP_PROXY, ALL_PROXY and NO_PROXY from the environment.
    telegram_proxy: Secret | None = None
    admin_ids: frozenset[int] = field(default_factory=frozenset)
    database_path: Path = PROJECT_ROOT / "var" / "bot.sqlite3"
    log_level: str = "INFO"
    kb_data_dir: Path = DEFAULT_DATA_DIR
    kb_path: Path = PROJECT_ROOT / "var" / "kb.sqlite3"
    broadcast_rate: float = DEFAULT_BROADCAST_RATE
    log_retention_days: int = 180
    webhook_url: str | None = None
    webhook_secret: Secret | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8080
    operators_chat_id: int | None = None
    errors_chat_id: int | None = None  # where failures are reported
    # MAX: the token from business.max.ru, its API, its administrators (MAX user ids), the PEM
    # bundle with the Russian Ministry of Digital Development's root certificate, and an
    # optional webhook (MAX posts to it with the secret in X-Max-Bot-Api-Secret).
    max_bot_token: Secret | None = None
    max_api_base_url: str = DEFAULT_MAX_API_BASE_URL
    max_admin_ids: frozenset[int] = field(default_factory=frozenset)
    max_ca_bundle: Path | None = None
    max_webhook_url: str | None = None
    max_webhook_secret: Secret | None = None
    max_webhook_port: int = 8081  # behind the reverse proxy that takes MAX's HTTPS on 443

    @property
    def channels(self) -> tuple[str, ...]:
        """The messengers this process serves: those whose token is set."""
        found = []
        if self.telegram_bot_token is not None:
            found.append(TELEGRAM)
        if self.max_bot_token is not None:
            found.append(MAX)
        return tuple(found)

    def require_token(self) -> Secret:
        if self.telegram_bot_token is None:
            raise ConfigError(
                "TELEGRAM_BOT_TOKEN is not set: put the token from @BotFather into .env "
                "(see .env.example) or the environment"
            )
        return self.telegram_bot_token

    @property
    def telegram_proxy_url(self) -> str | None:
        return None if self.telegram_proxy is None else self.telegram_proxy.get()

    @property
    def log_level_number(self) -> int:
        return int(logging.getLevelName(self.log_level))


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines; blank lines and # comments skipped; optional quotes removed."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export ") :].lstrip()
        key, sep, value = line.partition("=")
        if not sep or not key.strip().isidentifier():
            raise ConfigError(f"{path.name}:{number}: expected KEY=VALUE, got {raw.strip()[:40]!r}")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        values[key.strip()] = value
    return values


def _path(raw: str) -> Path:
    path = Path(raw).expanduser()
    return path if path.is_absolute() else Path.cwd() / path


def _proxy(raw: str) -> Secret:
    """TELEGRAM_PROXY: scheme://[user:password@]host:port; an error never repeats a password."""
    try:
        url = urlsplit(raw)
        scheme, host, port = url.scheme.lower(), url.hostname, url.port
    except ValueError:  # a port that is not a number, an unclosed [IPv6 address
        scheme, host, port = "", None, None
    # http(s) has default ports; a socks proxy's port must be given.
    if scheme not in PROXY_SCHEMES or not host or (port is None and scheme.startswith("socks")):
        shown = re.sub(r"//[^/@]*@", "//***@", raw)
        raise ConfigError(
            "TELEGRAM_PROXY must be a proxy URL, scheme://[user:password@]host:port with the "
            f"scheme {', '.join(PROXY_SCHEMES)}, e.g. socks5://127.0.0.1:1080; got {shown!r}"
        )
    return Secret(raw)


def _ids(name: str, raw: str | None) -> list[int]:
    """Comma-separated numeric user ids, in the order given."""
    ids: list[int] = []
    for part in (raw or "").split(","):
        part = part.strip()
        if not part:
            continue
        if not re.fullmatch(r"-?\d+", part):
            raise ConfigError(f"{name} must be comma-separated numeric user ids, got {part!r}")
        ids.append(int(part))
    return ids


def _webhook(
    get: Callable[[str], str | None], prefix: str, secret: str, lengths: str, others: str
) -> tuple[str | None, str | None]:
    """{prefix}WEBHOOK_URL and the {prefix}WEBHOOK_SECRET it needs, as the messenger takes it."""
    url, given = get(f"{prefix}WEBHOOK_URL"), get(f"{prefix}WEBHOOK_SECRET")
    if url is None:
        return None, given
    if not re.match(r"^https?://[^\s/]+", url):
        raise ConfigError(
            f"{prefix}WEBHOOK_URL must be the public http(s) URL of the webhook, got {url!r}"
        )
    if given is None or not re.fullmatch(secret, given):
        raise ConfigError(
            f"{prefix}WEBHOOK_SECRET is required with {prefix}WEBHOOK_URL:"
            f" {lengths} characters of A-Z, a-z, 0-9, {others}"
        )
    return url, given


def _port(get: Callable[[str], str | None], name: str, default: int) -> int:
    text = get(name) or str(default)
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise ConfigError(f"{name} must be a port number, got {text!r}")
    return int(text)


def _max_settings(get: Callable[[str], str | None]) -> dict[str, Any]:
    """The MAX_* settings, checked; MAX_WEBHOOK_URL must be https (MAX posts only there)."""
    token = get("MAX_BOT_TOKEN")
    if token is not None and not re.fullmatch(r"[A-Za-z0-9_.:-]{16,512}", token):
        raise ConfigError(
            "MAX_BOT_TOKEN is malformed: paste the token from the bot's page on business.max.ru"
        )
    base_url = get("MAX_API_BASE_URL") or DEFAULT_MAX_API_BASE_URL
    if not re.match(r"^https?://[^\s/]+", base_url):
        raise ConfigError(
            f"MAX_API_BASE_URL must be an http(s) URL, e.g. {DEFAULT_MAX_API_BASE_URL}, "
            f"got {base_url!r}"
        )
    bundle = get("MAX_CA_BUNDLE")
    ca_bundle = _path(bundle) if bundle is not None else None
    if ca_bundle is not None and not ca_bundle.is_file():
        raise ConfigError(
            f"MAX_CA_BUNDLE must be a PEM file with the Russian Trusted Root CA, got {bundle!r}"
        )
    # No "_" in the secret: the one character Telegram's secrets allow that MAX's may not.
    webhook_url, webhook_secret = _webhook(get, "MAX_", r"[A-Za-z0-9-]{5,256}", "5-256", "and -")
    return {
        "max_webhook_port": _port(get, "MAX_WEBHOOK_PORT", 8081),
        "max_bot_token": Secret(token) if token else None,
        "max_api_base_url": base_url.rstrip("/"),
        "max_admin_ids": frozenset(_ids("MAX_ADMIN_IDS", get("MAX_ADMIN_IDS"))),
        "max_ca_bundle": ca_bundle,
        "max_webhook_url": webhook_url,
        "max_webhook_secret": Secret(webhook_secret) if webhook_secret else None,
    }


def load_settings(env: Mapping[str, str] | None = None, env_file: Path | None = None) -> Settings:
    """Settings from `env` (default os.environ) over `env_file` (default ./.env)."""
    merged = read_env_file(env_file if env_file is not None else Path.cwd() / ".env")
    merged.update(os.environ if env is None else env)

    def get(key: str) -> str | None:
        value = merged.get(key, "").strip()
        return value or None

    token = get("TELEGRAM_BOT_TOKEN")
    if token is not None and not _TOKEN_RE.match(token):
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN is malformed: expected <digits>:<35 letters> as @BotFather gives it"
        )
    base_url = get("TELEGRAM_API_BASE_URL") or DEFAULT_API_BASE_URL
    if not re.match(r"^https?://[^\s/]+", base_url):
        raise ConfigError(
            "TELEGRAM_API_BASE_URL must be an http(s) URL, e.g. http://127.0.0.1:8081/bot, "
            f"got {base_url!r}"
        )
    proxy = get("TELEGRAM_PROXY")
    admin_ids = _ids("ADMIN_IDS", get("ADMIN_IDS"))
    level = (get("LOG_LEVEL") or "INFO").upper()
    if level not in _LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL must be one of {', '.join(_LOG_LEVELS)}, got {level!r}")
    rate_text = get("BROADCAST_RATE") or str(DEFAULT_BROADCAST_RATE)
    try:
        broadcast_rate = float(rate_text)
    except ValueError:
        broadcast_rate = -1.0
    if not 0 < broadcast_rate <= 1000:
        raise ConfigError(
            f"BROADCAST_RATE must be messages a second, above 0 (default 25), got {rate_text!r}"
        )
    operators = get("OPERATORS_CHAT_ID")
    if operators is not None and not re.fullmatch(r"-?\d+", operators):
        raise ConfigError(f"OPERATORS_CHAT_ID must be a numeric chat id, got {operators!r}")
    errors_chat = get("ERRORS_CHAT_ID")
    if errors_chat is not None and not re.fullmatch(r"-?\d+", errors_chat):
        raise ConfigError(f"ERRORS_CHAT_ID must be a numeric chat id, got {errors_chat!r}")
    retention = get("LOG_RETENTION_DAYS") or "180"
    if not retention.isdigit() or int(retention) < 1:
        raise ConfigError(
            f"LOG_RETENTION_DAYS must be a whole number of days, 1 or more, got {retention!r}"
        )
    webhook_url, webhook_secret = _webhook(get, "", r"[A-Za-z0-9_-]{8,256}", "8-256", "_ and -")
    webhook_port = _port(get, "WEBHOOK_PORT", 8080)
    max_settings = _max_settings(get)
    both_webhooks = webhook_url is not None and max_settings["max_webhook_url"] is not None
    if both_webhooks and webhook_port == max_settings["max_webhook_port"]:
        raise ConfigError(
            "WEBHOOK_PORT and MAX_WEBHOOK_PORT must differ: both webhooks listen at once"
        )
    defaults = Settings()
    return Settings(
        telegram_bot_token=Secret(token) if token else None,
        telegram_api_base_url=base_url,
        telegram_proxy=_proxy(proxy) if proxy is not None else None,
        admin_ids=frozenset(admin_ids),
        database_path=_path(get("DATABASE_PATH") or str(defaults.database_path)),
        log_level=level,
        kb_data_dir=_path(get("KB_DATA_DIR") or str(defaults.kb_data_dir)),
        kb_path=_path(get("KB_PATH") or str(defaults.kb_path)),
        broadcast_rate=broadcast_rate,
        log_retention_days=int(retention),
        webhook_url=webhook_url,
        webhook_secret=Secret(webhook_secret) if webhook_secret else None,
        webhook_listen=get("WEBHOOK_LISTEN") or "0.0.0.0",
        webhook_port=webhook_port,
        operators_chat_id=int(operators) if operators is not None else None,
        # Failures are reported to ERRORS_CHAT_ID, else to the first administrator listed.
        errors_chat_id=int(errors_chat) if errors_chat is not None else next(iter(admin_ids), None),
        **max_settings,
    )
