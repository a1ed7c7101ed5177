"""Telegram, through python-telegram-bot: updates in, Bot API calls out."""
