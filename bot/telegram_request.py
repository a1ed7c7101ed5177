"""Bot API calls over aiohttp, as JSON bodies.

python-telegram-bot's own transport, HTTPXRequest, costs more CPU than anything the bot does:
httpx, httpcore and anyio set up cancel scopes, locks and cookie handling several times a call,
and PTB url-encodes every call, each byte of Cyrillic as three characters in pure Python.
Through the fake Bot API (docs/PROFILING.md, step 7) the bot's CPU a reply fell from 1.6 to
1.0 ms with this class, and the HTTP client's share of it from half to a sixth. Calls without
files go as application/json, which the Bot API takes for every method; calls with files (a
chart, a CSV) go as multipart forms.

Failures are mapped as PTB maps them for httpx: a timeout is TimedOut, any other transport
error NetworkError, so PTB's retries, the rate limiter and the error handler work unchanged.
"""

from __future__ import annotations

import json

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

# PTB's "not given, use the default" marker; its class is not public.
_NOT_GIVEN = type(BaseRequest.DEFAULT_NONE)


def _given(value: object, default: float | None) -> float | None:
    return default if isinstance(value, _NOT_GIVEN) else value  # type: ignore[return-value]


def _total(*parts: float | None) -> float | None:
    """The whole call's limit: aiohttp has no write timeout, so the sum bounds the write too."""
    return None if any(p is None for p in parts) else sum(parts)  # type: ignore[arg-type]


def _body(request_data: RequestData | None) -> tuple[bytes | aiohttp.FormData, dict[str, str]]:
    """The request body and its headers: JSON, or a multipart form when there are files."""
    if request_data is None:
        return b"{}", {"Content-Type": "application/json"}
    if not request_data.contains_files:
        body = json.dumps(request_data.parameters, ensure_ascii=False).encode()
        return body, {"Content-Type": "application/json"}
    form = aiohttp.FormData()
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mimetype) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form, {}


class AiohttpRequest(BaseRequest):
    """A BaseRequest on one aiohttp session; timeouts default to HTTPXRequest's."""

    def __init__(
        self,
        connection_pool_size: int = 1,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._read, self._write = read_timeout, write_timeout
        self._connect, self._pool = connect_timeout, pool_timeout
        self._media_write = media_write_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                cookie_jar=aiohttp.DummyCookieJar(),  # the Bot API sets none
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = BaseRequest.DEFAULT_NONE,
        write_timeout: object = BaseRequest.DEFAULT_NONE,
        connect_timeout: object = BaseRequest.DEFAULT_NONE,
        pool_timeout: object = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        files = request_data is not None and request_data.contains_files
        read = _given(read_timeout, self._read)
        write = _given(write_timeout, self._media_write if files else self._write)
        connect = _given(connect_timeout, self._connect)
        pool = _given(pool_timeout, self._pool)
        timeout = aiohttp.ClientTimeout(
            total=_total(pool, connect, write, read),
            connect=_total(pool, connect),  # aiohttp: waiting for a free connection + opening it
            sock_connect=connect,
            sock_read=read,
        )
        body, headers = _body(request_data)
        try:
            async with self._session.request(
                method, url, data=body, headers=headers, timeout=timeout
            ) as response:
                return response.status, await response.read()
        except TimeoutError as err:  # aiohttp's timeouts are TimeoutErrors
            raise TimedOut from err
        except aiohttp.ClientError as err:
            raise NetworkError(f"aiohttp.{err.__class__.__name__}: {err}") from err
