"""The Smolensk e-services bot: everything that is not Telegram glue."""

import os

# python-telegram-bot 22 deprecates whole-second periods (RetryAfter.retry_after): opt in to
# timedelta now, so that a flood answer from Telegram is not also a deprecation warning.
os.environ.setdefault("PTB_TIMEDELTA", "true")
