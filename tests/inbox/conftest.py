"""Helpers for the inbox tests: Telegram-shaped updates, both back ends, and a simulated crash."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest

from scaletg_ptb.inbox import Inbox
from scaletg_ptb.inbox.memory import MemoryInbox
from scaletg_ptb.inbox.redis import RedisInbox
from scaletg_ptb.inbox.sqlite import SqliteInbox


def message(update_id: int, chat: int = 1, text: str = "hi") -> dict[str, Any]:
    """Return a text message update as Telegram sends it."""
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": 0, "chat": {"id": chat, "type": "private"},
        "from": {"id": chat, "is_bot": False, "first_name": "A"}, "text": text}}


def messages(*ids: int, chat: int = 1) -> list[dict[str, Any]]:
    return [message(update_id, chat) for update_id in ids]


def run(coroutine: Coroutine[Any, Any, Any]) -> Any:
    return asyncio.run(coroutine)


def burn(seconds: float) -> None:
    """Keep this thread on the CPU for ``seconds``, as an event loop handling a burst is."""
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


async def take_ids(inbox: Inbox, count: int) -> list[int]:
    """Take ``count`` updates (failing if they do not come within a second); return their ids."""
    taken = []
    for _ in range(count):
        async with asyncio.timeout(1):
            taken.append((await inbox.take()).id)
    return taken


def crash(inbox: SqliteInbox) -> None:
    """Leave the inbox as ``kill -9`` would: unwritten marks lost, file and lock released by the OS."""
    if inbox._flush is not None:
        inbox._flush.cancel()
    inbox._statements = []
    assert inbox._db is not None and inbox._lock is not None
    inbox._db.close()
    inbox._lock.close()
    inbox._db = inbox._lock = None


def rows(path: Path) -> list[tuple[int, int, int]]:
    """Return (update_id, state, attempts) of every row in an inbox file, read by another connection."""
    with sqlite3.connect(path) as db:
        return db.execute("SELECT update_id, state, attempts FROM updates ORDER BY update_id").fetchall()


@pytest.fixture
def state(tmp_path: Path) -> Path:
    """Return the state folder of a SQLite inbox (created by its open)."""
    return tmp_path / "state"


@pytest.fixture(params=["memory", "sqlite", "redis"])
def make_inbox(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[..., Inbox]:
    """Return a factory of inboxes of each back end (not opened yet); Redis is a real, emptied server."""
    url = request.getfixturevalue("redis_url") if request.param == "redis" else ""

    def make(max_pending: int = 1000) -> Inbox:
        if request.param == "memory":
            return MemoryInbox(max_pending)
        if request.param == "redis":
            return RedisInbox(url, max_pending)
        return SqliteInbox(tmp_path / "state", max_pending)
    return make


async def done_ids(inbox: Inbox) -> set[int]:
    """Return the ids the inbox remembers as done (for dedupe), of any back end."""
    if isinstance(inbox, RedisInbox):
        return {int(update_id) for update_id in await inbox.link.client.zrange(inbox.link.key("done"), 0, -1)}
    assert isinstance(inbox, MemoryInbox | SqliteInbox)
    return set(inbox._done)
