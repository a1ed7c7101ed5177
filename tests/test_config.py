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
