"""The inbox's SQLite file: schema, opening, and the reads and repairs ``python bot.py inbox`` makes.

One file in the state folder, in WAL mode with ``synchronous=NORMAL``: a committed write
survives a crash of the process (SQLite's documented guarantee; a power cut may lose the last
transactions, never corrupt the file). Other processes (the ``inbox`` command) may read and
repair it while the bot runs.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from .base import DeadLetter, InboxError, Status
from .base import dumps as dumps  # re-exported: the SQLite inbox and its tests call sqlite_file.dumps

STORED, IN_PROGRESS, DONE = 0, 1, 2
FILENAME = "inbox.sqlite3"
SCHEMA = """
CREATE TABLE IF NOT EXISTS updates (
    update_id INTEGER PRIMARY KEY,
    chat TEXT,                             -- NULL: worked out from raw when the update is set aside
    raw TEXT NOT NULL,
    state INTEGER NOT NULL DEFAULT 0,      -- 0 stored, 1 in progress, 2 done (until Telegram forgets it)
    attempts INTEGER NOT NULL DEFAULT 0,   -- times its apps were started
    stored_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS dead (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    update_id INTEGER,
    chat TEXT,
    reason TEXT NOT NULL,
    at REAL NOT NULL,
    raw TEXT NOT NULL
);
"""


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating if needed) the inbox file; InboxError if it is damaged."""
    try:
        db = sqlite3.connect(path, isolation_level=None, timeout=10.0)
    except sqlite3.Error as exc:
        raise unusable(path, exc) from None
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.executescript(SCHEMA)
        db.execute("SELECT count(*) FROM updates").fetchone()
    except sqlite3.DatabaseError as exc:
        db.close()
        raise opening_error(path, exc) from None
    return db


def opening_error(path: Path, exc: sqlite3.DatabaseError) -> InboxError:
    """Return why the inbox cannot be opened: the file is damaged, or the disk refuses (full, read-only, locked)."""
    # OperationalError is the disk's or the folder's doing, not the file's: moving the file away would lose updates.
    return unusable(path, exc) if isinstance(exc, sqlite3.OperationalError) else damaged(path, exc)


def unusable(path: Path, exc: sqlite3.Error) -> InboxError:
    """Return the error that refuses an inbox the disk will not let us use."""
    return InboxError(f"Cannot open the inbox {path} ({exc}). Check that the state folder is writable and its "
                      "disk has free space, then start again.")


def damaged(path: Path, exc: sqlite3.DatabaseError) -> InboxError:
    """Return the error that refuses a damaged inbox file, saying the fix."""
    return InboxError(
        f"The inbox {path} is damaged ({exc}). It was left as it is: move it away to start with an "
        "empty inbox (the updates in it are then lost) or restore it from a backup, then start again."
    )



def status(db: sqlite3.Connection) -> Status:
    """Return the counts and the oldest waiting update's time."""
    counts = dict(db.execute("SELECT state, count(*) FROM updates GROUP BY state").fetchall())
    oldest = db.execute("SELECT min(stored_at) FROM updates WHERE state < ?", (DONE,)).fetchone()[0]
    dead = db.execute("SELECT count(*) FROM dead").fetchone()[0]
    return Status(counts.get(STORED, 0), counts.get(IN_PROGRESS, 0), dead,
                  None if oldest is None else datetime.fromtimestamp(oldest).astimezone())


def forget_dead_letters(db: sqlite3.Connection, days: float) -> int:
    """Delete the set-aside updates older than ``days`` (people's messages are not kept forever)."""
    with transaction(db):
        return db.execute("DELETE FROM dead WHERE at < ?", (time.time() - days * 86400,)).rowcount


def dead_letters(db: sqlite3.Connection) -> list[DeadLetter]:
    """Return the set-aside updates, oldest first."""
    rows = db.execute("SELECT update_id, chat, reason, at, raw FROM dead ORDER BY id").fetchall()
    return [DeadLetter(update_id, chat, reason, datetime.fromtimestamp(at).astimezone(), json.loads(raw))
            for update_id, chat, reason, at, raw in rows]


def retry(db: sqlite3.Connection, update_ids: Iterable[int] | None) -> int:
    """Move set-aside updates back to stored (all when None); return how many."""
    where, params = _where(update_ids)
    with transaction(db):
        rows = db.execute(f"SELECT id, update_id, chat, raw FROM dead {where}", params).fetchall()
        movable = [row for row in rows if row[1] is not None]
        db.executemany(
            "INSERT OR REPLACE INTO updates (update_id, chat, raw, state, attempts, stored_at) "
            "VALUES (?, ?, ?, 0, 0, ?)", [(update_id, chat, raw, time.time()) for _, update_id, chat, raw in movable])
        db.executemany("DELETE FROM dead WHERE id = ?", [(row[0],) for row in movable])
    return len(movable)


def drop(db: sqlite3.Connection, update_ids: Iterable[int] | None) -> int:
    """Delete set-aside updates (all when None); return how many."""
    where, params = _where(update_ids)
    with transaction(db):
        return db.execute(f"DELETE FROM dead {where}", params).rowcount


def _where(update_ids: Iterable[int] | None) -> tuple[str, tuple[int, ...]]:
    if update_ids is None:
        return "", ()
    ids = tuple(update_ids)
    return f"WHERE update_id IN ({','.join('?' * len(ids))})", ids


class transaction:
    """``BEGIN IMMEDIATE`` … ``COMMIT`` (or ``ROLLBACK`` on an error) on an autocommit connection."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, exc: object, tb: object) -> None:
        if kind is None:
            self.db.execute("COMMIT")
        elif self.db.in_transaction:  # SQLite rolls back by itself on some errors (SQLITE_FULL, IOERR)
            self.db.execute("ROLLBACK")

