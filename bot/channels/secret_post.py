"""A webhook's request handler that checks the messenger's secret header before it reads the
body, and reads the body up to MAX_BODY: an unauthenticated client cannot make the bot hold
megabytes. Telegram's and MAX's webhooks differ only in the header and what they do with it."""

from __future__ import annotations

import hmac

from tornado.web import RequestHandler, stream_request_body

MAX_BODY = 1024 * 1024  # bytes; updates are far smaller


@stream_request_body
class SecretPost(RequestHandler):
    secret_header = ""  # set by the subclass
    secret = ""  # set by the subclass's initialize

    def prepare(self) -> None:
        self.body = bytearray()
        given = self.request.headers.get(self.secret_header, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            self.set_status(403)
            self.finish("forbidden")  # the connection closes; the body is never read
            return
        assert self.request.connection is not None
        self.request.connection.set_max_body_size(MAX_BODY)  # type: ignore[attr-defined]

    def data_received(self, chunk: bytes) -> None:
        self.body += chunk
