"""Keep the data in Redis, so that every worker on every machine sees the same data.

A key's lock is a Redis key set with ``NX`` and a deadline (``lease`` seconds), holding a
random token. While the block runs, the lock is renewed every third of the lease, so a slow
block keeps it; a process that dies lets it go at the deadline. The write is fenced: it
happens only while the lock still holds this block's token, so a block that lost its lock
(it stalled past the deadline) fails instead of overwriting a newer block's data.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import time

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from scaletg_ptb.urls import shown_url

from .stores import Held, StorageError, Store, locked_too_long

PREFIX = "scaletg:{default}:storage:"  # the inbox's hash tag: one Redis Cluster slot for the bot
LEASE = 30.0

RENEW = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0"
RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0"
# KEYS: lock, data; ARGV: token, text ('' deletes), ttl in ms ('0': none)
SAVE = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[2])
elseif ARGV[3] == '0' then redis.call('SET', KEYS[2], ARGV[2])
else redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3]) end
return 1
"""


class RedisStore(Store):
    """Keep each key's JSON under ``scaletg:{default}:storage:data:<key>``; lock it under ``…:lock:<key>``."""

    def __init__(self, url: str, *, lease: float = LEASE, prefix: str = PREFIX) -> None:
        self.description = f"Redis at {shown_url(url)}"
        self.lease = lease
        self.prefix = prefix
        self.client = aioredis.Redis.from_url(url, decode_responses=True)
        self._renew = self.client.register_script(RENEW)
        self._release = self.client.register_script(RELEASE)
        self._save = self.client.register_script(SAVE)

    async def lock(self, key: str, timeout: float) -> Held:
        token = secrets.token_hex(16)
        name = self.prefix + "lock:" + key
        deadline = time.monotonic() + timeout
        pause = 0.005
        while not await self._call(self.client.set(name, token, nx=True, px=int(self.lease * 1000))):
            if time.monotonic() + pause > deadline:
                raise StorageError(locked_too_long(key, timeout, self.description))
            await asyncio.sleep(pause)  # another process holds it: Redis has no wake-up for a key's deletion
            pause = min(pause * 2, 0.1)
        held = _RedisHeld(key, name, token, self)
        held.renewing = asyncio.ensure_future(held.keep())
        return held

    async def read(self, key: str) -> str | None:
        return await self._call(self.client.get(self.prefix + "data:" + key))  # type: ignore[no-any-return]

    async def write(self, held: Held, text: str | None, ttl: float | None) -> None:
        assert isinstance(held, _RedisHeld)
        milliseconds = 0 if ttl is None else max(1, int(ttl * 1000))
        saved = await self._call(self._save(keys=[held.name, self.prefix + "data:" + held.key],
                                            args=[held.token, text or "", milliseconds]))
        if not saved:
            raise StorageError(f"The block's lock on {held.key} expired before it could save (it ran past the "
                               f"{self.lease:g} s lease without renewal), so another block may have changed the "
                               "data meanwhile; nothing was saved.")

    async def close(self) -> None:
        await self.client.aclose()

    async def _call(self, command: object) -> object:
        try:
            return await command  # type: ignore[misc]
        except RedisError as exc:
            raise StorageError(f"The storage {self.description} failed: {type(exc).__name__}: {exc}") from None


class _RedisHeld(Held):
    def __init__(self, key: str, name: str, token: str, store: RedisStore) -> None:
        super().__init__(key)
        self.name, self.token, self.store = name, token, store
        self.renewing: asyncio.Future[None] | None = None

    async def keep(self) -> None:
        """Renew the lock every third of the lease until released."""
        store = self.store
        while True:
            await asyncio.sleep(store.lease / 3)
            with contextlib.suppress(RedisError):  # a failed renewal is seen by the fenced write
                await store._renew(keys=[self.name], args=[self.token, int(store.lease * 1000)])

    async def release(self) -> None:
        if self.renewing is not None:
            self.renewing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.renewing
        with contextlib.suppress(RedisError):  # an unreleased lock frees itself at its deadline
            await self.store._release(keys=[self.name], args=[self.token])
