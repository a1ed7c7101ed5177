"""The bots the end-to-end benchmark starts as processes of their own.

`python -m bench.bots echo URL`: a bare python-telegram-bot echo bot, the floor every PTB bot
stands on (default Application, one MessageHandler, reply_text).
`python -m bench.bots smolbot URL DATABASE KB`: smolbot's own Application, as `smolbot run` builds
it, but without Telegram's 30-messages-a-second limiter, so what is measured is the bot's logic.
(`smolbot run` itself, limiter included, is measured as it is.)
"""

from __future__ import annotations

import sys
from pathlib import Path

from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

TOKEN = "123456789:AAAbbbCCCdddEEEfffGGGhhhIIIjjjKKKlll"


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.message is not None and update.message.text is not None:
        await update.message.reply_text(update.message.text)


def run_echo(url: str) -> None:
    app = ApplicationBuilder().token(TOKEN).base_url(url).build()
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    app.run_polling(allowed_updates=Update.ALL_TYPES)


def run_smolbot(url: str, database: Path, kb_path: Path) -> None:
    from bot.app import build_application
    from bot.config import load_settings
    from bot.logs import configure_logging

    settings = load_settings(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": url,
            "DATABASE_PATH": str(database),
            "KB_PATH": str(kb_path),
        },
        Path("/nonexistent"),
    )
    configure_logging(settings)
    build_application(settings, rate_limited=False).run_polling(allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    if sys.argv[1] == "echo":
        run_echo(sys.argv[2])
    else:
        run_smolbot(sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]))
