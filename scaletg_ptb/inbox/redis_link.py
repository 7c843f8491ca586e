"""The Redis inbox's connection: its scripts, its keys, and the back-off while Redis is unreachable."""

from __future__ import annotations

import asyncio
import logging
import random
import ssl
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import redis.asyncio as aioredis
from redis import exceptions as rx

from ..urls import shown_url, url_credentials
from . import redis_scripts
from .base import InboxError

log = logging.getLogger("scaletg_ptb.inbox")
T = TypeVar("T")
FIRST_BACKOFF = 0.5
MAX_BACKOFF = 30.0
SCRIPTS = ("STORE", "CLAIM", "FINISH", "BEGIN", "HEARTBEAT", "LEAVE", "POLLER", "CONFIRM", "FORGET_DEAD")
APPENDONLY_OFF = ("Redis {url} has persistence off (appendonly no): a Redis restart loses the stored updates. "
                  "Set appendonly yes.")


def raise_if_cancelled() -> None:
    """Raise CancelledError if this task was asked to stop: redis-py can swallow a cancel mid-read."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


def auth_refused(url: str) -> str:
    """Say that Redis refused the URL's password (or wants one), naming the host but never the password."""
    where = shown_url(url)
    if url_credentials(url)[1]:
        return (f"Redis {where} refused the password in the inbox URL. Put the right one in the URL "
                "(redis://:PASSWORD@host:6379/0), in 'inbox' in the config or SCALETG_INBOX.")
    return (f"Redis {where} asks for a password and the inbox URL has none. Put it in the URL "
            "(redis://:PASSWORD@host:6379/0), in 'inbox' in the config or SCALETG_INBOX.")


def _certificate_error(exc: BaseException) -> ssl.SSLCertVerificationError | None:
    """Return the failed certificate check behind ``exc`` (redis-py wraps it), if it is one: retrying cannot help."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def prefix_of(namespace: str) -> str:
    """Return the key prefix; the hash tag keeps every key of a bot in one cluster slot."""
    return f"scaletg:{{{namespace}}}:"


class RedisLink:
    """One connection pool to Redis, the registered scripts, and calls that wait out outages."""

    def __init__(self, url: str, namespace: str = "default") -> None:
        self.url = url
        self.shown = shown_url(url)
        self.prefix = prefix_of(namespace)
        self.client = aioredis.from_url(url, decode_responses=True, socket_connect_timeout=2.0,
                                        socket_timeout=5.0, health_check_interval=10)
        self._scripts = {name: self.client.register_script(getattr(redis_scripts, name)) for name in SCRIPTS}
        self._down = False  # a streak of failures is under way: it was logged once
        self.closed = False

    def key(self, name: str) -> str:
        """Return the full name of one of the inbox's keys."""
        return self.prefix + name

    async def script(self, name: str, *args: Any) -> Any:
        """Run one of the inbox's scripts, waiting out Redis outages."""
        script = self._scripts[name]
        return await self.call(lambda: script(keys=[self.key("updates")], args=[self.prefix, *args]))

    async def pipeline(self, build: Callable[[Any], Any]) -> list[Any]:
        """Run the commands ``build(pipe)`` queues as one transaction, waiting out Redis outages."""
        async def run() -> list[Any]:
            async with self.client.pipeline(transaction=True) as pipe:
                build(pipe)
                return await pipe.execute()
        return await self.call(run)

    async def call(self, make: Callable[[], Awaitable[T]]) -> T:
        """Await ``make()``; while Redis is unreachable, log once per streak and retry with back-off."""
        failures = 0
        while True:
            if self.closed:
                raise InboxError(f"The inbox on Redis {self.shown} is closed.")
            raise_if_cancelled()
            try:
                result = await make()
            except rx.AuthenticationError:
                raise InboxError(auth_refused(self.url)) from None
            except (rx.ConnectionError, rx.TimeoutError, OSError) as exc:
                if (untrusted := _certificate_error(exc)) is not None:
                    raise InboxError(f"Redis {self.shown} presented a certificate this bot does not trust "
                                     f"({untrusted.verify_message}). Give the CA that signed it in the URL: "
                                     "rediss://host:6379/0?ssl_ca_certs=/path/to/ca.pem") from None
                failures += 1
                await self._back_off(exc, failures)
                continue
            if self._down:
                self._down = False
                log.info("Redis %s is reachable again; the inbox resumes.", self.shown)
            return result

    async def _back_off(self, exc: Exception, failures: int) -> None:
        if failures == 1:  # a pooled connection Redis closed (a restart, an idle timeout): retry at once
            return
        if not self._down:
            self._down = True
            log.warning("Redis %s cannot be reached (%s: %s); retrying with back-off. Nothing new is confirmed "
                        "to Telegram meanwhile, and nothing stored is lost.", self.shown, type(exc).__name__, exc)
        delay = min(MAX_BACKOFF, FIRST_BACKOFF * 2 ** (failures - 2)) * random.uniform(0.8, 1.2)
        await asyncio.sleep(delay)

    async def check_persistence(self) -> None:
        """Warn in one line when Redis would lose the stored updates at a restart."""
        try:
            reply = await self.call(lambda: self.client.config_get("appendonly"))
        except rx.ResponseError:  # managed Redis often disables CONFIG: nothing to check
            return
        if reply.get("appendonly") == "no":
            log.warning(APPENDONLY_OFF.format(url=self.shown))

    async def close(self) -> None:
        """Close the connections."""
        self.closed = True
        await self.client.aclose()
