"""Messenger adapters: each turns its messenger's updates into `bot.conversation.Event`s for
the flows in `handlers/`, and their replies into API calls within its limits."""
