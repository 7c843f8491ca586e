"""The HTTP client of every Bot API call: PTB's request interface over aiohttp, queued in order.

python-telegram-bot talks HTTP through ``telegram.request.BaseRequest``; its own implementation
uses httpx, whose pure-Python stack (httpx, httpcore, h11, anyio) took about 40 % of the
runner's CPU under an echo burst. aiohttp parses HTTP in C and costs a fraction of that per
call (docs/benchmarks.md). At most ``connections`` requests are in flight; the others wait in
a FIFO semaphore as wide as the connection pool, so a burst of replies leaves in the order it
was made and the pool never queues. getUpdates has its own request object
(``get_updates_request``) and is never held up.

Errors come out as PTB's (``TimedOut``, ``NetworkError``) with aiohttp's exception as the
cause; ``NOT_SENT`` names the causes that prove the request never reached the server, which is
what the delivery policy needs to know (scaletg_ptb/delivery.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import ssl
from typing import Any

import aiohttp
import certifi
from aiohttp.helpers import get_env_proxy_for_url
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData
from yarl import URL

_FORM = {"Content-Type": "application/x-www-form-urlencoded"}


class PoolTimeout(Exception):  # noqa: N818 - named like httpx's, which means the same
    """No connection became free within the pool timeout: the request was never sent."""


# Causes after which the server cannot have seen the request.
NOT_SENT: tuple[type[BaseException], ...] = (aiohttp.ClientConnectorError, aiohttp.ClientSSLError,
                                             aiohttp.ConnectionTimeoutError, PoolTimeout)


class BoundedRequest(BaseRequest):
    """A ``BaseRequest`` on one aiohttp session with at most ``connections`` requests in flight."""

    __slots__ = ("_connections", "_servers", "_session", "_slots", "_timeouts")

    def __init__(self, connections: int = 1, *, read_timeout: float | None = 5.0, write_timeout: float | None = 5.0,
                 connect_timeout: float | None = 5.0, pool_timeout: float | None = 1.0,
                 media_write_timeout: float | None = 20.0) -> None:
        self._connections = connections
        self._timeouts = {"read": read_timeout, "write": write_timeout, "connect": connect_timeout,
                          "pool": pool_timeout, "media_write": media_write_timeout}
        self._session: aiohttp.ClientSession | None = None
        self._slots: asyncio.Semaphore | None = None
        self._servers: dict[str, dict[str, Any]] = {}  # per server: aiohttp's keywords (proxy, TLS)

    @property
    def connections(self) -> int:
        """Return how many requests may be in flight at once."""
        return self._connections

    @property
    def read_timeout(self) -> float | None:
        """Return the default read timeout (PTB adds it to getUpdates' long-poll timeout)."""
        return self._timeouts["read"]

    async def initialize(self) -> None:
        """Open the session and a fresh FIFO queue, bound to the running loop."""
        if self._session is None or self._session.closed:
            # No total timeout: each phase has its own, and a long poll may last minutes.
            connector = aiohttp.TCPConnector(limit=self._connections, ttl_dns_cache=300)
            self._session = aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=None),
                                                  headers={"User-Agent": self.USER_AGENT})
            self._slots = asyncio.Semaphore(self._connections)
            self._servers = {}

    async def shutdown(self) -> None:
        """Close the session and its connections."""
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: Any = BaseRequest.DEFAULT_NONE, write_timeout: Any = BaseRequest.DEFAULT_NONE,
                         connect_timeout: Any = BaseRequest.DEFAULT_NONE,
                         pool_timeout: Any = BaseRequest.DEFAULT_NONE) -> tuple[int, bytes]:
        """Wait for a free connection in FIFO order, make the request, return (status, body)."""
        if self._session is None or self._session.closed or self._slots is None:
            raise RuntimeError("This BoundedRequest is not initialized!")
        files = request_data.multipart_data if request_data is not None else None
        pool = self._timeout("pool", pool_timeout)
        try:
            async with asyncio.timeout(pool):
                await self._slots.acquire()
        except TimeoutError:
            raise TimedOut("Pool timeout: every connection stayed busy. Request was *not* sent to Telegram.") \
                from PoolTimeout(f"no free connection within {pool} s")
        try:
            connect = self._timeout("connect", connect_timeout)
            read = self._timeout("read", read_timeout)
            # aiohttp has no write timeout: an upload gets one bound for the whole exchange instead.
            total = _sum(connect, self._timeout("media_write", write_timeout), read) if files else None
            timeout = aiohttp.ClientTimeout(total=total, sock_connect=connect, sock_read=read)
            async with self._session.request(method, url, timeout=timeout, **self._server_options(url),
                                             **_body(request_data, files)) as response:
                return response.status, await response.read()
        except TimeoutError as exc:  # aiohttp's timeouts subclass it
            raise TimedOut(_describe(exc, url)) from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(_describe(exc, url)) from exc
        finally:
            self._slots.release()

    def _server_options(self, url: str) -> dict[str, Any]:
        """Return aiohttp's keywords for ``url``'s server, found once per server.

        As PTB's httpx client does: the proxy of the environment (HTTPS_PROXY, NO_PROXY ...),
        and certifi's CA bundle for https. aiohttp's own ``trust_env`` would look the proxy up,
        and read ~/.netrc, in a worker thread on every request: two thread hops per call, which
        cost more CPU than the rest of the request.
        """
        path = url.find("/", url.find("//") + 2)
        origin = url if path < 0 else url[:path]
        found = self._servers.get(origin)
        if found is None:
            found = {"ssl": _certifi_context()} if origin.startswith("https:") else {}
            with contextlib.suppress(LookupError):
                found["proxy"], found["proxy_auth"] = get_env_proxy_for_url(URL(origin))
            self._servers[origin] = found
        return found

    def _timeout(self, kind: str, given: Any) -> float | None:
        return self._timeouts[kind] if isinstance(given, type(BaseRequest.DEFAULT_NONE)) else given


@functools.cache
def _certifi_context() -> ssl.SSLContext:
    """Return one TLS context with certifi's CA bundle, made on first use (loading it takes ~1 MB)."""
    return ssl.create_default_context(cafile=certifi.where())


def _body(request_data: RequestData | None, files: dict[str, Any] | None) -> dict[str, Any]:
    """Return the request's body as aiohttp takes it: urlencoded like PTB's httpx, multipart with files."""
    if request_data is None:
        return {}
    if not files:
        return {"data": request_data.url_encoded_parameters().encode(), "headers": _FORM}
    form = aiohttp.FormData()
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mimetype) in files.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return {"data": form}


def _sum(*timeouts: float | None) -> float | None:
    return None if None in timeouts else sum(timeouts)  # type: ignore[arg-type]


def _describe(exc: BaseException, url: str) -> str:
    """Name the error like PTB's httpx client does, without the URL (it holds the token)."""
    text = str(exc).replace(url, "<Bot API URL>")
    return f"aiohttp.{type(exc).__name__}: {text}" if text else f"aiohttp.{type(exc).__name__}"
