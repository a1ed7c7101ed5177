from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.config import ConfigError, Secret, load_settings

TOKEN = "123456789:AAAbbbCCCdddEEEfffGGGhhhIIIjjjKKKlll"


def test_environment_wins_over_env_file(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(
        f"# comment\nTELEGRAM_BOT_TOKEN={TOKEN}\nLOG_LEVEL=debug\nADMIN_IDS='1, 2'\n"
    )
    settings = load_settings({"LOG_LEVEL": "WARNING"}, env_file)
    assert settings.log_level == "WARNING"
    assert settings.admin_ids == frozenset({1, 2})
    assert settings.telegram_bot_token == Secret(TOKEN)


def test_token_never_shows_in_repr() -> None:
    settings = load_settings({"TELEGRAM_BOT_TOKEN": TOKEN}, Path("/nonexistent"))
    assert TOKEN not in repr(settings) and TOKEN not in str(settings)
    assert settings.require_token().get() == TOKEN


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"TELEGRAM_BOT_TOKEN": "nope"}, "TELEGRAM_BOT_TOKEN is malformed"),
        ({"ADMIN_IDS": "1,abc"}, "ADMIN_IDS must be comma-separated numeric user ids"),
        ({"TELEGRAM_API_BASE_URL": "ftp://x"}, "TELEGRAM_API_BASE_URL must be an http(s) URL"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL must be one of"),
        ({"TELEGRAM_PROXY": "socks4://127.0.0.1:1080"}, "TELEGRAM_PROXY must be a proxy URL"),
        ({"TELEGRAM_PROXY": "socks5://127.0.0.1"}, "TELEGRAM_PROXY must be a proxy URL"),
        ({"TELEGRAM_PROXY": "127.0.0.1:1080"}, "TELEGRAM_PROXY must be a proxy URL"),
        ({"TELEGRAM_PROXY": "http://proxy:port"}, "TELEGRAM_PROXY must be a proxy URL"),
    ],
)
def test_malformed_settings_are_named(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_settings(env, Path("/nonexistent"))


def test_missing_token_is_explained_when_needed() -> None:
    settings = load_settings({}, Path("/nonexistent"))
    with pytest.raises(ConfigError, match="@BotFather"):
        settings.require_token()


def test_malformed_env_file_line(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("GOOD=1\nthis is not a setting\n")
    with pytest.raises(ConfigError, match=r"\.env:2: expected KEY=VALUE"):
        load_settings({}, env_file)


def test_telegram_proxy_may_carry_a_password_that_never_shows() -> None:
    url = "socks5h://smol:Pa55word@proxy.example:1080"
    settings = load_settings({"TELEGRAM_PROXY": url}, Path("/nonexistent"))
    assert settings.telegram_proxy_url == url and "Pa55word" not in repr(settings)
    assert load_settings({}, Path("/nonexistent")).telegram_proxy_url is None
    for fine in ("http://10.0.0.1:3128", "https://proxy.example", "socks5://[::1]:1080"):
        assert load_settings({"TELEGRAM_PROXY": fine}, Path("/nonexistent")).telegram_proxy_url
    with pytest.raises(ConfigError) as refused:
        load_settings({"TELEGRAM_PROXY": "ftp://smol:Pa55word@proxy:21"}, Path("/nonexistent"))
    assert "Pa55word" not in str(refused.value) and "ftp://***@proxy:21" in str(refused.value)


MAX_TOKEN = "max-test-token-0123456789abcdef"


def test_max_settings_and_which_messengers_run(tmp_path: Path) -> None:
    bundle = tmp_path / "russian_trusted_root_ca.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n")
    settings = load_settings(
        {
            "MAX_BOT_TOKEN": MAX_TOKEN,
            "MAX_ADMIN_IDS": "7, 8",
            "MAX_CA_BUNDLE": str(bundle),
            "MAX_WEBHOOK_URL": "https://bot.example.ru/max",
            "MAX_WEBHOOK_SECRET": "s3cret-value",
        },
        Path("/nonexistent"),
    )
    assert settings.channels == ("max",)
    assert settings.max_api_base_url == "https://platform-api2.max.ru"
    assert settings.max_admin_ids == frozenset({7, 8}) and settings.admin_ids == frozenset()
    assert settings.max_ca_bundle == bundle
    assert MAX_TOKEN not in repr(settings)
    both = load_settings({"MAX_BOT_TOKEN": MAX_TOKEN, "TELEGRAM_BOT_TOKEN": TOKEN}, Path("/x"))
    assert both.channels == ("telegram", "max")
    assert load_settings({}, Path("/nonexistent")).channels == ()


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"MAX_BOT_TOKEN": "short"}, "MAX_BOT_TOKEN is malformed"),
        ({"MAX_ADMIN_IDS": "1,x"}, "MAX_ADMIN_IDS must be comma-separated numeric user ids"),
        ({"MAX_API_BASE_URL": "platform-api2.max.ru"}, "MAX_API_BASE_URL must be an http(s) URL"),
        ({"MAX_CA_BUNDLE": "/nonexistent/ca.pem"}, "MAX_CA_BUNDLE must be a PEM file"),
        ({"MAX_WEBHOOK_URL": "https://x.ru/max"}, "MAX_WEBHOOK_SECRET is required"),
        ({"MAX_WEBHOOK_PORT": "http"}, "MAX_WEBHOOK_PORT must be a port number"),
        (
            {
                "WEBHOOK_URL": "https://x.ru/tg",
                "WEBHOOK_SECRET": "secret-secret",
                "MAX_WEBHOOK_URL": "https://x.ru/max",
                "MAX_WEBHOOK_SECRET": "secret",
                "MAX_WEBHOOK_PORT": "8080",
            },
            "WEBHOOK_PORT and MAX_WEBHOOK_PORT must differ",
        ),
    ],
)
def test_malformed_max_settings_are_named(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_settings(env, Path("/nonexistent"))
