"""Helpers for the Redis inbox tests: a worker loop that records what it ran, and a dying worker."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from scaletg_ptb.core import Update
from scaletg_ptb.inbox.base import chat_of
from scaletg_ptb.inbox.redis import RedisInbox


@dataclass
class Record:
    """What the workers ran: (worker, chat, update id) in completion order, and order violations."""

    runs: list[tuple[str, str, int]] = field(default_factory=list)
    running: dict[str, str] = field(default_factory=dict)  # chat -> the worker running one of its updates
    overlaps: list[tuple[str, int]] = field(default_factory=list)

    def ids_of(self, chat: str) -> list[int]:
        return [update_id for _, run_chat, update_id in self.runs if run_chat == chat]

    async def wait_for(self, count: int, timeout: float) -> None:
        """Return once ``count`` updates ran; fail after ``timeout`` seconds."""
        async with asyncio.timeout(timeout):
            while len(self.runs) < count:
                await asyncio.sleep(0.01)


async def work(inbox: RedisInbox, name: str, record: Record, app: Callable[[Update], object]) -> None:
    """Run updates like the adapter does (begin → app → done), each chat in turn, chats concurrently."""
    turns: dict[str, asyncio.Lock] = {}
    tasks: set[asyncio.Task[None]] = set()

    async def one(view: Update) -> None:
        chat = chat_of(view) or f"update:{view.id}"
        async with turns.setdefault(chat, asyncio.Lock()):
            await inbox.begin(view.id)
            if chat in record.running:
                record.overlaps.append((chat, view.id))
            record.running[chat] = name
            result = app(view)
            if asyncio.iscoroutine(result):
                await result
            del record.running[chat]
            record.runs.append((name, chat, view.id))
            inbox.done(view.id)

    try:
        while True:
            task = asyncio.create_task(one(await inbox.take()))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
    finally:
        for task in tasks:
            task.cancel()


async def die(inbox: RedisInbox) -> None:
    """Leave the inbox as a killed worker would: no heartbeat, no done marks, no goodbye."""
    inbox.leases.stop()
    inbox._marks.clear()
    inbox._release.clear()
    await inbox.link.close()


async def timed(awaitable: object, timeout: float) -> tuple[object, float]:
    """Await with a timeout; return the result and how long it took."""
    start = time.monotonic()
    async with asyncio.timeout(timeout):
        result = await awaitable  # type: ignore[misc]
    return result, time.monotonic() - start
