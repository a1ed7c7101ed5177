"""The flows: everything a resident, an administrator or a journalist can do, written against
plain values (`bot.conversation`) and never against a messenger library. `route` picks the flow
for an event; each module is one feature."""

from __future__ import annotations
