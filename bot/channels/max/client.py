"""A thin client of the MAX Bot API over httpx (already here as PTB's transport).

Not the maxapi library: in version 1.2 its upload helpers send the bot token to the upload
host, its edits drop the keyboard, it asks GET /chats/{id} for every update unless told not to,
it does not handle 429, and it refuses a text of exactly 4,000 characters. The bot needs ten
calls and an upload; this module makes them, keeps to MAX's request rate, and says what MAX
refused.
"""

from __future__ import annotations

import ssl
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx

from bot.channels.max.pace import Pace
from bot.config import Secret

REQUESTS_PER_SECOND = 28  # MAX allows about 30 a second per bot
POLLS_PER_SECOND = 2  # GET /updates: at most 2 a second
TIMEOUT = 15.0  # seconds, for every call but the long poll


class MaxError(Exception):
    """A call failed; `str(error)` says why."""


class MaxNetworkError(MaxError):
    """MAX could not be reached, or did not answer in time."""


class MaxApiError(MaxError):
    """MAX answered with an error: `status` (HTTP), `code` ("chat.denied"...), `retry_after`
    (seconds, if MAX said how long to wait)."""

    def __init__(
        self, status: int, code: str, message: str, retry_after: float | None = None
    ) -> None:
        super().__init__(f"{status} {code}: {message}" if code else f"{status}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.retry_after = retry_after


def ssl_context(ca_bundle: Path | None) -> ssl.SSLContext:
    """The system's trusted roots, plus MAX_CA_BUNDLE (the Russian Trusted Root CA) if set."""
    context = ssl.create_default_context()
    if ca_bundle is not None:
        context.load_verify_locations(cafile=str(ca_bundle))
    return context


class MaxClient:
    def __init__(self, token: Secret, base_url: str, ca_bundle: Path | None = None) -> None:
        verify = ssl_context(ca_bundle)
        self._http = httpx.AsyncClient(
            base_url=base_url,
            headers={"Authorization": token.get()},
            verify=verify,
            timeout=TIMEOUT,
            limits=httpx.Limits(max_connections=64),
        )
        # Upload hosts get the file and nothing else: no Authorization header, no token.
        self._uploads = httpx.AsyncClient(verify=verify, timeout=60.0)
        self._requests = Pace(REQUESTS_PER_SECOND)
        self._polls = Pace(POLLS_PER_SECOND)

    async def close(self) -> None:
        await self._http.aclose()
        await self._uploads.aclose()

    async def call(
        self,
        method: str,
        path: str,
        params: dict[str, Any] | None = None,
        json: dict[str, Any] | None = None,
        timeout: float | None = None,
    ) -> dict[str, Any]:
        await self._requests.wait()
        try:
            response = await self._http.request(
                method,
                path,
                params={k: v for k, v in (params or {}).items() if v is not None},
                json=json,
                timeout=timeout if timeout is not None else TIMEOUT,
            )
        except httpx.HTTPError as exc:
            raise MaxNetworkError(f"{method} {path}: {type(exc).__name__} {exc}") from exc
        return _result(response)

    # -- receiving -------------------------------------------------------------------------------
    async def me(self) -> dict[str, Any]:
        return await self.call("GET", "/me")

    async def updates(
        self, marker: int | None, timeout: int, limit: int, types: Sequence[str]
    ) -> tuple[list[dict[str, Any]], int | None]:
        """One long poll: (updates, the marker to pass next)."""
        await self._polls.wait()
        found = await self.call(
            "GET",
            "/updates",
            params={"marker": marker, "timeout": timeout, "limit": limit, "types": ",".join(types)},
            timeout=timeout + TIMEOUT,
        )
        updates = found.get("updates") or []
        next_marker = found.get("marker")
        return [u for u in updates if isinstance(u, dict)], (
            int(next_marker) if isinstance(next_marker, int) else marker
        )

    async def subscriptions(self) -> list[dict[str, Any]]:
        found = await self.call("GET", "/subscriptions")
        return [s for s in found.get("subscriptions") or [] if isinstance(s, dict)]

    async def subscribe(self, url: str, secret: str, types: Sequence[str]) -> None:
        await self.call(
            "POST", "/subscriptions", json={"url": url, "secret": secret, "update_types": types}
        )

    async def unsubscribe(self, url: str) -> None:
        await self.call("DELETE", "/subscriptions", params={"url": url})

    # -- sending ---------------------------------------------------------------------------------
    async def send(
        self,
        text: str,
        attachments: list[dict[str, Any]],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> dict[str, Any]:
        """POST /messages to a chat (or a user's dialog); returns the message sent."""
        body: dict[str, Any] = {"text": text, "format": "html", "attachments": attachments}
        found = await self.call(
            "POST", "/messages", params={"chat_id": chat_id, "user_id": user_id}, json=body
        )
        message = found.get("message")
        return message if isinstance(message, dict) else {}

    async def edit(self, mid: str, text: str, attachments: list[dict[str, Any]]) -> None:
        """PUT /messages: `attachments` replaces the message's whole list."""
        body = {"text": text, "format": "html", "attachments": attachments}
        await self.call("PUT", "/messages", params={"message_id": mid}, json=body)

    async def answer(self, callback_id: str, notification: str | None) -> None:
        body = {"notification": notification} if notification else {}
        await self.call("POST", "/answers", params={"callback_id": callback_id}, json=body)

    async def upload(self, kind: str, data: bytes, filename: str, mime: str) -> str:
        """The attachment token of a file uploaded to MAX's upload host."""
        slot = await self.call("POST", "/uploads", params={"type": kind})
        url = slot.get("url")
        if not isinstance(url, str):
            raise MaxError(f"POST /uploads gave no upload URL: {slot!r}")
        try:
            response = await self._uploads.post(url, files={"data": (filename, data, mime)})
        except httpx.HTTPError as exc:
            raise MaxNetworkError(f"upload: {type(exc).__name__} {exc}") from exc
        found = _result(response)
        token = found.get("token") or slot.get("token")
        photos = found.get("photos")
        if isinstance(photos, dict) and photos:
            first = next(iter(photos.values()))
            token = first.get("token") if isinstance(first, dict) else token
        if not isinstance(token, str) or not token:
            raise MaxError(f"the upload host gave no token: {found!r}")
        return token

    async def set_commands(self, commands: list[dict[str, str]]) -> None:
        await self.call("PATCH", "/me/commands", json={"commands": commands})


def _result(response: httpx.Response) -> dict[str, Any]:
    try:
        found = response.json()
    except ValueError:
        found = None
    if response.is_success and isinstance(found, dict):
        return found
    code = message = ""
    if isinstance(found, dict):
        code, message = str(found.get("code") or ""), str(found.get("message") or "")
    if response.is_success:
        message = message or "not a JSON object"
    retry_after = None
    header = response.headers.get("Retry-After")
    if header is not None:
        try:
            retry_after = max(0.0, float(header))
        except ValueError:
            retry_after = None
    raise MaxApiError(
        response.status_code, code, message or response.reason_phrase or "error", retry_after
    )
