"""``inbox: sqlite`` (the default): updates wait in a SQLite file, so a crash or ``kill -9`` loses none.

Writes are grouped: the marks made meanwhile (a fetched batch, the updates whose apps start, the
ones done) go into one transaction, committed at the next turn of the event loop or, while the
loop is busy, at most once per 10 ms (``pacing``). A batch is committed before ``store``
returns, hence before the ``getUpdates`` call that confirms it to Telegram; an update is marked
in progress before its apps run, so a crash counts an attempt for it; "done" marks ride along
with the next commit, so a crash repeats at most the updates in progress (or just finished) at
that moment, one per busy chat.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import logging
import os
import random
import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from ..core import Update
from ..private import private_file, private_folder
from ..updates import view_of
from . import sqlite_file as store
from .base import DeadLetter, InboxError, LocalInbox, Status, chat_of
from .pacing import CommitPacer
from .sqlite_file import DONE, IN_PROGRESS, STORED

log = logging.getLogger("scaletg_ptb.inbox")
MAX_BACKOFF = 30.0
EXTERNAL_CHECK = 1.0  # seconds between looks for updates put back by `python bot.py inbox retry`
Statement = tuple[str, list[tuple[Any, ...]]]


class SqliteInbox(LocalInbox):
    """Keep updates in ``state_dir/inbox.sqlite3``; one bot process per state folder."""

    durable = True

    def __init__(self, state_dir: Path, max_pending: int = 1000, max_attempts: int = 3,
                 dead_letter_days: float = 30.0) -> None:
        super().__init__(max_pending)
        self.path = state_dir / store.FILENAME
        self.lock_path = state_dir / "inbox.lock"
        self.max_attempts = max_attempts
        self.dead_letter_days = dead_letter_days
        self._forgotten_at = 0.0  # when expired dead letters were last deleted
        self._db: sqlite3.Connection | None = None
        self._lock: IO[str] | None = None
        self._statements: list[Statement] = []
        self._written: asyncio.Future[None] | None = None
        self._flush: asyncio.Handle | asyncio.TimerHandle | None = None
        self._failures = 0
        self._pacer = CommitPacer()
        self._data_version = 0

    async def open(self) -> None:
        private_folder(self.path.parent)
        private_file(self.lock_path)
        self._lock = _lock(self.lock_path)
        try:
            private_file(self.path)  # SQLite gives its -wal and -shm files the database file's mode
            self._db = store.connect(self.path)
            self._forget_old_dead_letters()
            self._recover(self._db)
        except BaseException as exc:
            self._lock.close()
            if self._db is not None:
                self._db.close()
                self._db = None
            # connect() reads only the updates table: damage elsewhere, or a full disk, shows while recovering.
            if isinstance(exc, sqlite3.DatabaseError):
                raise store.opening_error(self.path, exc) from None
            raise

    async def close(self) -> None:
        self.flush_now()
        if self._flush is not None:  # that last write failed: no retry may run on a closed file
            self._flush.cancel()
            self._flush = None
        if self._statements:
            marks, self._statements = sum(len(rows) for _, rows in self._statements), []
            log.warning("The inbox %s could not be written at close; %d mark(s) were not saved, so the updates "
                        "they concern are fetched or processed again at the next start.", self.path, marks)
        if self._db is not None:
            self._db.close()
            self._db = None
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    async def begin(self, update_id: int) -> None:
        await self._write("UPDATE updates SET state = ?, attempts = attempts + 1 WHERE update_id = ?",
                          (IN_PROGRESS, update_id))

    async def _wait_ready(self) -> None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(EXTERNAL_CHECK):
                await self._ready.wait()
        if not self._queue:
            self._load_external()
            self._forget_old_dead_letters()

    async def status(self) -> Status:
        return store.status(self._connection())

    async def dead_letters(self) -> list[DeadLetter]:
        return store.dead_letters(self._connection())

    async def retry(self, update_ids: Iterable[int] | None) -> int:
        count = store.retry(self._connection(), update_ids)
        self._load_external(force=True)
        return count

    async def drop(self, update_ids: Iterable[int] | None) -> int:
        return store.drop(self._connection(), update_ids)

    def flush_now(self) -> None:
        if self._flush is not None:
            self._flush.cancel()
        if self._statements and self._db is not None:
            self._write_statements()

    # -- the hooks of LocalInbox --------------------------------------------------------------

    async def _save_batch(self, fresh: list[tuple[Update, Any]], dead: list[DeadLetter]) -> None:
        now = time.time()
        if fresh:
            # No chat: _chat_in works it out from the JSON if the update is ever set aside, not for every update.
            self._queue_write("INSERT OR IGNORE INTO updates (update_id, raw, stored_at) VALUES (?, ?, ?)",
                              [(view.id, store.dumps(raw), now) for view, raw in fresh])
        if dead:
            self._queue_write("INSERT INTO dead (update_id, chat, reason, at, raw) VALUES (?, ?, ?, ?, ?)",
                              [(d.update_id, d.chat, d.reason, d.at.timestamp(), store.dumps(d.raw)) for d in dead])
        await self._written_future()

    def _save_done(self, update_id: int) -> None:
        self._queue_write("UPDATE updates SET state = ? WHERE update_id = ?", [(DONE, update_id)])

    def _save_forgotten(self, update_id: int) -> None:
        self._queue_write("DELETE FROM updates WHERE update_id = ?", [(update_id,)])

    def _save_confirmed(self, offset: int) -> None:
        self._queue_write("DELETE FROM updates WHERE state = ? AND update_id < ?", [(DONE, offset)])

    # -- grouped writes -----------------------------------------------------------------------

    async def _write(self, sql: str, params: tuple[Any, ...]) -> None:
        self._queue_write(sql, [params])
        await self._written_future()

    def _queue_write(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        if self._statements and self._statements[-1][0] == sql:
            self._statements[-1][1].extend(rows)
        else:
            self._statements.append((sql, rows))
        if self._flush is None:
            loop = asyncio.get_running_loop()
            wait = self._pacer.delay()
            self._flush = (loop.call_later(wait, self._write_statements) if wait > 0
                           else loop.call_soon(self._write_statements))

    def _written_future(self) -> asyncio.Future[None]:
        if self._written is None:
            self._written = asyncio.get_running_loop().create_future()
        return self._written

    def _write_statements(self) -> None:
        """Commit every queued statement in one transaction; on failure keep them and retry later."""
        self._flush = None
        db = self._connection()
        try:
            with store.transaction(db):
                for sql, rows in self._statements:
                    db.executemany(sql, rows)
        except sqlite3.Error as exc:
            self._retry_later(exc)
            return
        if self._failures:
            log.warning("The inbox %s is writable again; confirming updates to Telegram again.", self.path)
            self._failures = 0
        self._statements = []
        self._pacer.committed()
        written, self._written = self._written, None
        if written is not None and not written.done():
            written.set_result(None)

    def _retry_later(self, exc: sqlite3.Error) -> None:
        self._failures += 1
        delay = min(MAX_BACKOFF, 0.5 * 2 ** (self._failures - 1)) * random.uniform(0.8, 1.2)
        if self._failures == 1:
            log.error("Cannot write to the inbox %s (%s); not confirming new updates to Telegram until it "
                      "works again (retrying every few seconds; nothing is lost: Telegram keeps them).",
                      self.path, exc)
        with contextlib.suppress(RuntimeError):  # the loop is closing: flush_now writes at close
            self._flush = asyncio.get_running_loop().call_later(delay, self._write_statements)

    # -- start-up and other processes ---------------------------------------------------------

    def _recover(self, db: sqlite3.Connection) -> None:
        """Count a crash against the updates it interrupted, set aside repeat offenders, queue the rest."""
        with store.transaction(db):
            poison = db.execute("SELECT update_id, chat, raw, attempts FROM updates WHERE state = ? "
                                "AND attempts >= ?", (IN_PROGRESS, self.max_attempts)).fetchall()
            for update_id, chat, raw, attempts in poison:
                chat = chat or _chat_in(raw)
                reason = (f"its processing was cut short {attempts} times (a crash or a forced stop each time; "
                          f"processing.max_attempts is {self.max_attempts})")
                log.error("Update id=%d set aside: %s. Fix the app, then: python bot.py inbox retry %d",
                          update_id, reason, update_id)
                db.execute("INSERT INTO dead (update_id, chat, reason, at, raw) VALUES (?, ?, ?, ?, ?)",
                           (update_id, chat, reason, time.time(), raw))
                db.execute("DELETE FROM updates WHERE update_id = ?", (update_id,))
            interrupted = db.execute("UPDATE updates SET state = ? WHERE state = ?", (STORED, IN_PROGRESS)).rowcount
        self._done.update(row[0] for row in db.execute("SELECT update_id FROM updates WHERE state = ?", (DONE,)))
        self._dead_ids.update(row[0] for row in db.execute("SELECT update_id FROM dead WHERE update_id IS NOT NULL"))
        resumed = self._load_stored(db)
        if resumed:
            log.warning("Resuming %d update(s) stored before the last stop, in order (%d were in progress "
                        "and run again).", resumed, interrupted)
        self._data_version = db.execute("PRAGMA data_version").fetchone()[0]

    def _forget_old_dead_letters(self) -> None:
        """Delete expired set-aside updates, at most once a minute (called while idle)."""
        if self._db is None or time.monotonic() - self._forgotten_at < 60:
            return
        self._forgotten_at = time.monotonic()
        try:
            forgotten = store.forget_dead_letters(self._db, self.dead_letter_days)
        except sqlite3.Error as exc:
            log.warning("Could not delete the expired set-aside updates of %s (%s); trying again later.",
                        self.path, exc)
            return
        if forgotten:
            log.info("Deleted %d set-aside update(s) older than %g days (inbox.dead_letter_days).",
                     forgotten, self.dead_letter_days)

    def _load_external(self, force: bool = False) -> None:
        """Queue updates another process put back (``python bot.py inbox retry``)."""
        db = self._db
        if db is None:
            return
        version = db.execute("PRAGMA data_version").fetchone()[0]
        if version != self._data_version or force:
            self._data_version = version
            self._load_stored(db)

    def _load_stored(self, db: sqlite3.Connection) -> int:
        rows = db.execute("SELECT update_id, raw FROM updates WHERE state = ? ORDER BY update_id", (STORED,))
        loaded = 0
        for update_id, text in rows.fetchall():
            if update_id in self._pending:
                continue
            self._dead_ids.discard(update_id)
            try:
                view = view_of(json.loads(text))
            except (TypeError, ValueError) as exc:
                self._set_aside_stored(db, update_id, f"{type(exc).__name__}: {exc}")
                continue
            self._enqueue(view)
            loaded += 1
        return loaded

    def _set_aside_stored(self, db: sqlite3.Connection, update_id: int, reason: str) -> None:
        log.error("Update id=%d cannot be processed (%s); set aside (python bot.py inbox lists it).",
                  update_id, reason)
        with store.transaction(db):
            db.execute("INSERT INTO dead (update_id, chat, reason, at, raw) SELECT update_id, chat, ?, ?, raw "
                       "FROM updates WHERE update_id = ?", (reason, time.time(), update_id))
            db.execute("DELETE FROM updates WHERE update_id = ?", (update_id,))
        self._dead_ids.add(update_id)

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            raise InboxError(f"The inbox {self.path} is not open.")
        return self._db


def _chat_in(text: str) -> str | None:
    """Return the chat (or user) of a stored update's JSON, None if it has none or cannot be read."""
    try:
        return chat_of(view_of(json.loads(text)))
    except (TypeError, ValueError):
        return None


def _lock(path: Path) -> IO[str]:
    """Hold an exclusive lock on ``path`` for this process's lifetime; InboxError if another holds it."""
    handle = path.open("a+", encoding="utf-8")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        other = handle.read().strip() or "unknown"
        handle.close()
        raise InboxError(
            f"Another bot process (pid {other}) is using the state folder {path.parent}. Stop it first, "
            "or give this bot its own 'state_dir' in the config."
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(str(os.getpid()))
    handle.flush()
    return handle
