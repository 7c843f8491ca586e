"""Where the data lives: a table in the inbox's SQLite file, or memory (Redis: redis_store.py).

A store lives on the bot's event loop: every block, plain or async, takes its key's lock and
reads and writes through it there. A key's lock keeps a second block for that key waiting until
the first one has saved, so concurrent blocks never lose each other's writes.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from abc import ABC, abstractmethod
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from pathlib import Path
from typing import Any

PURGE_EVERY = 60.0  # seconds between sweeps of expired rows


class StorageError(Exception):
    """The store could not give or keep a block's data (a lock timed out or was lost)."""


class Held:
    """A key's lock, held by one block until ``release``."""

    def __init__(self, key: str) -> None:
        self.key = key

    async def release(self) -> None:
        """Let the next block for this key in."""


class Store(ABC):
    """A back end: locks, reads and writes the JSON text of each key."""

    description = ""  # for messages: where the data lives

    @abstractmethod
    async def lock(self, key: str, timeout: float) -> Held:
        """Wait until no other block holds ``key`` (StorageError after ``timeout`` seconds); hold it."""

    @abstractmethod
    async def read(self, key: str) -> str | None:
        """Return the JSON text stored for ``key``, or None (never saved, emptied or expired)."""

    @abstractmethod
    async def write(self, held: Held, text: str | None, ttl: float | None) -> None:
        """Store ``text`` for the held key (delete it when None), expiring ``ttl`` seconds from now."""

    async def close(self) -> None:  # noqa: B027 - most stores hold nothing to free
        """Free the connections."""


class KeyLocks:
    """One ``asyncio.Lock`` per key in use, forgotten once nobody holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, list[int]]] = {}

    async def lock(self, key: str, timeout: float, where: str) -> Held:
        """Hold ``key``'s lock, waiting at most ``timeout`` seconds."""
        lock, users = self._locks.setdefault(key, (asyncio.Lock(), [0]))
        users[0] += 1
        try:
            async with asyncio.timeout(timeout):
                await lock.acquire()
        except TimeoutError:
            self._leave(key, users)
            raise StorageError(locked_too_long(key, timeout, where)) from None
        except BaseException:
            self._leave(key, users)
            raise
        return _LocalHeld(key, self, lock, users)

    def _leave(self, key: str, users: list[int]) -> None:
        users[0] -= 1
        if users[0] == 0:
            del self._locks[key]


class _LocalHeld(Held):
    def __init__(self, key: str, locks: KeyLocks, lock: asyncio.Lock, users: list[int]) -> None:
        super().__init__(key)
        self._locks, self._lock, self._users = locks, lock, users

    async def release(self) -> None:
        self._lock.release()
        self._locks._leave(self.key, self._users)


def locked_too_long(key: str, timeout: float, where: str) -> str:
    """Return the message for a key that another block held for longer than ``timeout``."""
    return (f"The data of {key} stayed locked by another block for {timeout:g} s ({where}), so this block did "
            "not run. Keep with-blocks short (no waiting for users inside them), or raise "
            "modules.storage.lock_timeout.")


class MemoryStore(Store):
    """Keep the data in this process only (``inbox: memory``): a restart or a reload forgets it."""

    description = "memory"

    def __init__(self) -> None:
        self._data: dict[str, tuple[str, float | None]] = {}
        self._locks = KeyLocks()

    async def lock(self, key: str, timeout: float) -> Held:
        return await self._locks.lock(key, timeout, self.description)

    async def read(self, key: str) -> str | None:
        text, expires = self._data.get(key, (None, None))
        if expires is not None and expires <= time.time():
            del self._data[key]
            return None
        return text

    async def write(self, held: Held, text: str | None, ttl: float | None) -> None:
        if text is None:
            self._data.pop(held.key, None)
        else:
            self._data[held.key] = (text, None if ttl is None else time.time() + ttl)


SCHEMA = """
CREATE TABLE IF NOT EXISTS storage (
    key TEXT PRIMARY KEY,       -- chat:<id>, user:<id> or bot
    value TEXT NOT NULL,        -- the block's dict, as JSON
    expires REAL                -- Unix time after which it is forgotten; NULL: never
) WITHOUT ROWID
"""


class SqliteStore(Store):
    """Keep the data in a ``storage`` table of the inbox's SQLite file, over a connection of its own.

    One thread does the SQLite work, off the event loop and off the apps' threads (which may all
    be waiting on a block); the inbox's own connection writes the same file, hence busy_timeout.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.description = str(path)
        self._locks = KeyLocks()
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="scaletg-storage")
        self._db: sqlite3.Connection | None = None
        self._purged = 0.0

    async def lock(self, key: str, timeout: float) -> Held:
        return await self._locks.lock(key, timeout, self.description)

    async def read(self, key: str) -> str | None:
        return await self._run(self._read, key)

    async def write(self, held: Held, text: str | None, ttl: float | None) -> None:
        await self._run(self._write, held.key, text, None if ttl is None else time.time() + ttl)

    async def close(self) -> None:
        await self._run(self._close)
        self._executor.shutdown()

    async def _run(self, function: Any, *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self._executor, function, *args)

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, isolation_level=None, timeout=10.0)  # timeout: busy_timeout
            try:
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")  # in WAL: a commit survives a crash of the process
                db.execute(SCHEMA)
            except sqlite3.Error:
                db.close()
                raise
            self._db = db
        return self._db

    def _read(self, key: str) -> str | None:
        row = self._connection().execute("SELECT value, expires FROM storage WHERE key = ?", (key,)).fetchone()
        if row is None or (row[1] is not None and row[1] <= time.time()):
            return None
        return str(row[0])

    def _write(self, key: str, text: str | None, expires: float | None) -> None:
        db = self._connection()
        if text is None:
            db.execute("DELETE FROM storage WHERE key = ?", (key,))
        else:
            db.execute("INSERT OR REPLACE INTO storage (key, value, expires) VALUES (?, ?, ?)", (key, text, expires))
        now = time.time()
        if now - self._purged > PURGE_EVERY:  # abandoned data must not pile up
            self._purged = now
            db.execute("DELETE FROM storage WHERE expires <= ?", (now,))

    def _close(self) -> None:
        if self._db is not None:
            with suppress(sqlite3.Error):
                self._db.close()
            self._db = None
