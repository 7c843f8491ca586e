"""The bot's update queue and getUpdates long polling, as Telegram keeps them.

Thread-safe: updates are put from any thread; polls run on the server's event loop.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import json
import threading
from collections import deque
from collections.abc import Iterable

# What Telegram sends when allowed_updates is empty or was never set
NOT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


class _Queued:
    """An update serialised once, when it was created: later edits don't change it."""

    __slots__ = ("id", "kind", "data")

    def __init__(self, update_id: int, kind: str | None, data: bytes) -> None:
        self.id = update_id
        self.kind = kind
        self.data = data


class Conflict(Exception):
    """This poll was terminated by a newer getUpdates request."""


class _Poll:
    __slots__ = ("event", "terminated", "parked")

    def __init__(self) -> None:
        self.event = asyncio.Event()
        self.terminated = False
        self.parked = False  # waiting for an update, as opposed to being answered


def update_kind(update: dict[str, object]) -> str | None:
    """Return the kind of an update: its first key other than ``update_id``."""
    return next((key for key in update if key != "update_id"), None)


class UpdateQueue:
    """Pending updates, confirmed by getUpdates' offset."""

    def __init__(self, cond: threading.Condition) -> None:
        self._cond = cond  # shared with the rest of the state: one lock, one place to wait
        self._queue: deque[_Queued] = deque()
        self._next_id = 1
        self._allowed: frozenset[str] | None = None  # None: the default set
        self._poll: _Poll | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread: int | None = None

    def attach(self, loop: asyncio.AbstractEventLoop | None) -> None:
        """Wake long polls on ``loop`` when updates arrive; call it on the loop's thread."""
        with self._cond:
            self._loop = loop
            self._loop_thread = threading.get_ident() if loop is not None else None

    def put(self, update: dict[str, object]) -> dict[str, object]:
        """Enqueue ``update``, assigning ``update_id`` unless it has one; return it."""
        with self._cond:
            if "update_id" not in update:
                update = {"update_id": self._next_id, **update}
            update_id = update["update_id"]
            if not isinstance(update_id, int):
                raise ValueError(f"update_id must be an int, got {update_id!r}")
            data = json.dumps(update, ensure_ascii=False, separators=(",", ":")).encode()
            item = _Queued(update_id, update_kind(update), data)
            if self._queue and self._queue[-1].id > update_id:
                bisect.insort(self._queue, item, key=lambda queued: queued.id)
            else:
                self._queue.append(item)
            self._next_id = max(self._next_id, update_id + 1)
            self._cond.notify_all()
            self._wake()
        return update

    def pending(self) -> int:
        """Return how many updates are not confirmed yet."""
        with self._cond:
            return len(self._queue)

    def clear(self) -> None:
        """Forget every pending update (deleteWebhook's drop_pending_updates)."""
        with self._cond:
            self._queue.clear()
            self._cond.notify_all()

    def wait_confirmed(self, timeout: float) -> None:
        """Block until every enqueued update was confirmed; AssertionError on timeout."""
        with self._cond:
            if not self._cond.wait_for(lambda: not self._queue, timeout):
                ids = [item.id for item in self._queue]
                raise AssertionError(
                    f"{len(ids)} update(s) still unconfirmed after {timeout}s: ids {ids[:20]}"
                )

    def confirm(self, offset: int) -> None:
        """Apply getUpdates' offset: forget updates below it, or all but the last -offset."""
        with self._cond:
            queue = self._queue
            if offset > 0:
                while queue and queue[0].id < offset:
                    queue.popleft()
            elif offset < 0:
                while len(queue) > -offset:
                    queue.popleft()
            self._cond.notify_all()

    def set_allowed(self, kinds: Iterable[str]) -> None:
        """Remember allowed_updates for this and later calls; empty means the default."""
        with self._cond:
            self._allowed = frozenset(kinds) or None

    def _is_allowed(self, kind: str | None) -> bool:
        if kind is None:  # malformed update: nothing to filter on
            return True
        if self._allowed is None:
            return kind not in NOT_BY_DEFAULT
        return kind in self._allowed

    def take(self, limit: int) -> list[bytes]:
        """Return up to ``limit`` deliverable updates (serialised), without confirming them.

        Updates of kinds the bot did not allow are never delivered: skipped ones are confirmed
        by the offset of a later update, or dropped once they reach the front of the queue.
        """
        with self._cond:
            queue = self._queue
            if queue and not self._is_allowed(queue[0].kind):
                while queue and not self._is_allowed(queue[0].kind):
                    queue.popleft()
                self._cond.notify_all()
            out = []
            for item in queue:
                if self._is_allowed(item.kind):
                    out.append(item.data)
                    if len(out) == limit:
                        break
            return out

    async def poll(self, offset: int, limit: int, timeout: float, allowed: list[str] | None) -> list[bytes]:
        """Serve one getUpdates call on the server's loop; raise Conflict if a newer one arrives."""
        self.confirm(offset)
        if allowed is not None:
            self.set_allowed(allowed)
        with self._cond:
            if self._poll is not None:  # the older request loses, as on Telegram
                self._poll.terminated = True
                self._poll.event.set()
            poll = self._poll = _Poll()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max(timeout, 0)
        try:
            while True:
                # clear before taking, so an update put right after take() still wakes us
                poll.event.clear()
                if poll.terminated:
                    raise Conflict
                batch = self.take(limit)
                remaining = deadline - loop.time()
                if batch or remaining <= 0:
                    return batch
                self._park(poll, True)
                try:
                    async with asyncio.timeout(remaining):
                        await poll.event.wait()
                except TimeoutError:
                    pass
                finally:
                    self._park(poll, False)
        finally:
            with self._cond:
                if self._poll is poll:
                    self._poll = None

    def _park(self, poll: _Poll, parked: bool) -> None:
        with self._cond:
            poll.parked = parked
            self._cond.notify_all()

    def wait_parked(self, timeout: float) -> None:
        """Block until a getUpdates long poll is waiting for updates; AssertionError on timeout."""
        with self._cond:
            if not self._cond.wait_for(lambda: self._poll is not None and self._poll.parked, timeout):
                raise AssertionError(f"no getUpdates long poll was waiting within {timeout}s")

    def _wake(self) -> None:
        """Wake the waiting poll, from whichever thread put the update (lock held)."""
        poll, loop = self._poll, self._loop
        if poll is None or loop is None:
            return
        if threading.get_ident() == self._loop_thread:
            poll.event.set()
        else:
            # RuntimeError: the loop was closed meanwhile, so nobody is waiting any more
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(poll.event.set)
