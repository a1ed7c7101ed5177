"""Two tiny local proxies for the tests, each noting what it carried: a SOCKS5 server (no
authentication, CONNECT only) and an HTTP proxy (CONNECT, and plain requests in absolute form).

`connections` counts the connections relayed, `targets` their host:port, and `methods` the Bot
API methods of the plain-HTTP requests that went through (getUpdates, sendMessage, ...), so a
test can tell which calls took the proxy. Enough of each protocol for httpx, no more.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import socket
from urllib.parse import urlsplit

Stream = tuple[asyncio.StreamReader, asyncio.StreamWriter]
_REQUEST_LINE = re.compile(rb"^(?:GET|POST) (\S+) HTTP/1\.1\r$", re.M)


class _Proxy:
    scheme = ""

    def __init__(self) -> None:
        self.connections = 0
        self.targets: list[str] = []
        self.methods: list[str] = []
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> str:
        """Listens on a free local port; the proxy URL."""
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        return f"{self.scheme}://127.0.0.1:{port}"

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._server.wait_closed()

    async def _open(self, client: Stream) -> tuple[str, int, bytes, bytes]:
        """The handshake: where to connect, the bytes to send there first, and what the
        client hears once that connection is open."""
        raise NotImplementedError

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        upstream: asyncio.StreamWriter | None = None
        try:
            host, port, first, connected = await self._open((reader, writer))
            up_reader, upstream = await asyncio.open_connection(host, port)
            self.connections += 1
            self.targets.append(f"{host}:{port}")
            self._note(first)
            upstream.write(first)
            writer.write(connected)
            await asyncio.gather(
                self._pipe(reader, upstream, note=True), self._pipe(up_reader, writer)
            )
        except (OSError, EOFError, ValueError, asyncio.LimitOverrunError):
            pass  # the client gave up or spoke something else: close its connection
        finally:
            self._tasks.discard(task)
            for stream in (upstream, writer):
                if stream is not None:
                    stream.close()

    async def _pipe(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, note: bool = False
    ) -> None:
        with contextlib.suppress(OSError):
            while data := await reader.read(65536):
                if note:
                    self._note(data)
                writer.write(data)
                await writer.drain()
            if writer.can_write_eof():
                writer.write_eof()

    def _note(self, data: bytes) -> None:
        for target in _REQUEST_LINE.findall(data):
            self.methods.append(target.decode().rsplit("/", 1)[-1])


class Socks5Proxy(_Proxy):
    scheme = "socks5"

    async def _open(self, client: Stream) -> tuple[str, int, bytes, bytes]:
        reader, writer = client
        version, methods = await reader.readexactly(2)
        await reader.readexactly(methods)
        if version != 5:
            raise ValueError("not SOCKS5")
        writer.write(b"\x05\x00")  # no authentication
        version, command, _, kind = await reader.readexactly(4)
        if kind == 1:
            host = socket.inet_ntop(socket.AF_INET, await reader.readexactly(4))
        elif kind == 4:
            host = socket.inet_ntop(socket.AF_INET6, await reader.readexactly(16))
        else:  # 3: a name, resolved here
            host = (await reader.readexactly((await reader.readexactly(1))[0])).decode()
        port = int.from_bytes(await reader.readexactly(2), "big")
        if command != 1:
            writer.write(b"\x05\x07\x00\x01" + bytes(6))  # command not supported
            raise ValueError("only CONNECT")
        return host, port, b"", b"\x05\x00\x00\x01" + bytes(6)  # succeeded; address not told


class HttpProxy(_Proxy):
    scheme = "http"

    async def _open(self, client: Stream) -> tuple[str, int, bytes, bytes]:
        reader, _ = client
        head = await reader.readuntil(b"\r\n\r\n")
        method, target, _ = head.split(b"\r\n", 1)[0].decode().split(" ")
        if method == "CONNECT":  # a tunnel, as for https:// URLs
            host, port = target.rsplit(":", 1)
            return host, int(port), b"", b"HTTP/1.1 200 Connection established\r\n\r\n"
        # A plain http:// URL comes in absolute form; passed on as it is (servers must take
        # it), and so are the later requests on this connection, all to the same origin.
        url = urlsplit(target)
        return url.hostname or "", url.port or 80, head, b""
