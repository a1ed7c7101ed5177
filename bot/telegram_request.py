"""Bot API calls as JSON bodies.

python-telegram-bot sends every call as a url-encoded form: each byte of Cyrillic text becomes
three characters, percent-encoded in pure Python. An answer card of a kilobyte of Russian went
out as about six kilobytes, and encoding it was a tenth of the CPU time of a reply (py-spy,
docs/PROFILING.md). The Bot API takes application/json for every call without files; calls
with files (a chart, a CSV) stay multipart, as PTB sends them.
"""

from __future__ import annotations

import json

import httpx
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, HTTPXRequest, RequestData

# PTB's "not given, use the default" marker; its class is not public.
_NOT_GIVEN = type(BaseRequest.DEFAULT_NONE)


def _given(value: object, default: float | None) -> float | None:
    return default if isinstance(value, _NOT_GIVEN) else value  # type: ignore[return-value]


class JsonRequest(HTTPXRequest):
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
        if request_data is None or request_data.contains_files:
            return await super().do_request(
                url,
                method,
                request_data,
                read_timeout,  # type: ignore[arg-type]
                write_timeout,  # type: ignore[arg-type]
                connect_timeout,  # type: ignore[arg-type]
                pool_timeout,  # type: ignore[arg-type]
            )
        defaults = self._client.timeout
        timeout = httpx.Timeout(
            connect=_given(connect_timeout, defaults.connect),
            read=_given(read_timeout, defaults.read),
            write=_given(write_timeout, defaults.write),
            pool=_given(pool_timeout, defaults.pool),
        )
        body = json.dumps(request_data.parameters, ensure_ascii=False).encode()
        headers = {"User-Agent": self.USER_AGENT, "Content-Type": "application/json"}
        # Errors mapped as HTTPXRequest maps them, so PTB's retries and messages stay the same.
        try:
            response = await self._client.request(
                method=method, url=url, headers=headers, timeout=timeout, content=body
            )
        except httpx.TimeoutException as err:
            if isinstance(err, httpx.PoolTimeout):
                raise TimedOut(
                    message="Pool timeout: All connections in the connection pool are occupied. "
                    "Request was *not* sent to Telegram."
                ) from err
            raise TimedOut from err
        except httpx.HTTPError as err:
            raise NetworkError(f"httpx.{err.__class__.__name__}: {err}") from err
        return response.status_code, response.content
