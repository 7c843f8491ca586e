"""A minimal asyncio HTTP/1.1 server: keep-alive, Content-Length or chunked bodies.

One request is handled at a time per connection, so responses keep request order even
when a handler is asynchronous (a long poll, an injected delay).
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from http import HTTPStatus

_log = logging.getLogger(__name__)

MAX_HEAD = 64 * 1024
MAX_BODY = 64 * 1024 * 1024  # Telegram accepts uploads up to 50 MB


@dataclass(slots=True)
class Request:
    """One parsed HTTP request."""

    method: str
    path: str
    query: str
    headers: dict[str, str]  # lower-case names
    body: bytes


@dataclass(slots=True)
class Response:
    """One HTTP response; ``DROP`` closes the connection without answering."""

    status: int
    body: bytes = b""
    content_type: str = "application/json"


DROP = Response(0)

Handler = Callable[[Request], "Response | Awaitable[Response]"]


class HttpError(Exception):
    """A request that cannot be parsed; answered with ``status`` and the connection closed."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


_INTERNAL_ERROR = Response(500, b'{"ok":false,"error_code":500,"description":"Internal Server Error"}')


@functools.cache
def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


class _Connection(asyncio.Protocol):
    """Parse requests off one socket and write the handler's responses back."""

    def __init__(self, handler: Handler, connections: set[_Connection]) -> None:
        self._handler = handler
        self._connections = connections
        self._buffer = bytearray()
        self._head: tuple[str, str, str, dict[str, str]] | None = None
        self._task: asyncio.Task[None] | None = None
        self._closed = False
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self._connections.add(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self._closed = True
        self._connections.discard(self)
        if self._task is not None:
            self._task.cancel()  # nobody is left to read the answer of a long poll

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        if self._task is None:
            self._process()

    def close(self) -> None:
        """Close the socket; a pending handler is cancelled by connection_lost."""
        if self.transport is not None and not self._closed:
            self._closed = True
            self.transport.close()

    def _process(self) -> None:
        while self._task is None and not self._closed:
            try:
                parsed = self._parse()
            except HttpError as err:
                self._write(Response(err.status, b""), keep_alive=False)
                return
            if parsed is None:
                return
            request, keep_alive = parsed
            try:
                result = self._handler(request)
            except Exception:  # a handler bug must not kill the server
                _log.exception("emulator handler failed for %s", request.path)
                result = _INTERNAL_ERROR
            if isinstance(result, Response):
                self._write(result, keep_alive)
            else:
                self._task = asyncio.get_running_loop().create_task(self._finish(result, keep_alive))

    async def _finish(self, pending: Awaitable[Response], keep_alive: bool) -> None:
        try:
            response = await pending
        except asyncio.CancelledError:
            raise
        except Exception:
            _log.exception("emulator handler failed")
            response = _INTERNAL_ERROR
        self._task = None
        if not self._closed:
            self._write(response, keep_alive)
            self._process()

    def _write(self, response: Response, keep_alive: bool) -> None:
        assert self.transport is not None
        if response is DROP:
            self.close()
            return
        body = response.body
        connection = "" if keep_alive else "Connection: close\r\n"
        head = (
            f"HTTP/1.1 {response.status} {_reason(response.status)}\r\n"
            f"Content-Type: {response.content_type}\r\n"
            f"Content-Length: {len(body)}\r\n"
            f"{connection}\r\n"
        )
        self.transport.write(head.encode("latin-1") + body)
        if not keep_alive:
            self.close()

    def _parse(self) -> tuple[Request, bool] | None:
        buf = self._buffer
        if self._head is None:
            while buf.startswith(b"\r\n"):  # tolerate stray CRLF between requests
                del buf[:2]
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                if len(buf) > MAX_HEAD:
                    raise HttpError(431)
                return None
            lines = bytes(buf[:end]).decode("latin-1").split("\r\n")
            del buf[: end + 4]
            try:
                method, target, version = lines[0].split(" ")
            except ValueError:
                raise HttpError(400) from None
            headers: dict[str, str] = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            self._head = (method, target, version, headers)
            if headers.get("expect", "").lower() == "100-continue":
                assert self.transport is not None
                self.transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")  # curl waits for it
        method, target, version, headers = self._head
        if "chunked" in headers.get("transfer-encoding", "").lower():
            body = self._chunked_body()
            if body is None:
                return None
        else:
            try:
                length = int(headers.get("content-length", "0"))
            except ValueError:
                raise HttpError(400) from None
            if length > MAX_BODY or length < 0:
                raise HttpError(413)
            if len(buf) < length:
                return None
            body = bytes(buf[:length])
            del buf[:length]
        self._head = None
        connection = headers.get("connection", "").lower()
        keep_alive = connection != "close" if version == "HTTP/1.1" else connection == "keep-alive"
        path, _, query = target.partition("?")
        return Request(method, path, query, headers, body), keep_alive

    def _chunked_body(self) -> bytes | None:
        """Return the whole de-chunked body once it has arrived, else None."""
        buf, pos, out = self._buffer, 0, bytearray()
        while True:
            eol = buf.find(b"\r\n", pos)
            if eol < 0:
                return None
            try:
                size = int(bytes(buf[pos:eol]).split(b";")[0], 16)
            except ValueError:
                raise HttpError(400) from None
            pos = eol + 2
            if size == 0:
                end = pos + 2 if buf[pos : pos + 2] == b"\r\n" else buf.find(b"\r\n\r\n", pos) + 4
                if end < pos:  # find() gave -1: trailers still incomplete
                    return None
                del buf[:end]
                return bytes(out)
            if len(buf) < pos + size + 2:
                return None
            out += buf[pos : pos + size]
            if len(out) > MAX_BODY:
                raise HttpError(413)
            pos += size + 2


class HttpServer:
    """Serve ``handler`` on a TCP port of the running event loop."""

    def __init__(self, handler: Handler) -> None:
        self._handler = handler
        self._connections: set[_Connection] = set()
        self._server: asyncio.base_events.Server | None = None

    async def start(self, host: str, port: int) -> int:
        """Bind and start accepting; return the bound port."""
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            lambda: _Connection(self._handler, self._connections), host, port, reuse_address=True
        )
        return int(self._server.sockets[0].getsockname()[1])

    async def close(self) -> None:
        """Stop accepting, close every connection and wait until they are gone."""
        if self._server is not None:
            self._server.close()
        for connection in list(self._connections):
            connection.close()
        if self._server is not None:
            await self._server.wait_closed()
        # connection_lost callbacks run on the next loop iterations
        for _ in range(3):
            await asyncio.sleep(0)
