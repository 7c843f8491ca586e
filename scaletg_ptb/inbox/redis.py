"""``inbox: redis://…``: one poller and any number of workers share the updates through Redis.

Each chat has its own queue; a worker takes a whole chat under a lease (renewed by heartbeats),
so one chat's updates run one at a time and in order whichever worker takes them, while a
slow chat holds up only itself. Expired leases (a dead worker) put the chat back for the
others. Every multi-key step is one Lua script (redis_scripts.py); docs/scaling.md explains.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import socket
import time
import uuid
from collections import deque
from collections.abc import Iterable, Sequence
from typing import Any

from ..core import Update
from ..errors import ConfigError
from ..updates import view_of
from . import redis_admin as admin
from .base import DeadLetter, Inbox, Status, chat_of, dumps, update_id_of
from .redis_leases import Leases
from .redis_link import RedisLink, raise_if_cancelled

log = logging.getLogger("scaletg_ptb.inbox")
ROOM_CHECK = 0.5  # seconds between looks at the inbox's size while it is full
WAKE_WAIT = 1  # seconds a worker blocks for work before it looks at leases again
FORGET_EVERY = 60.0  # seconds between deletions of expired set-aside updates


class RedisInbox(Inbox):
    """Keep updates in Redis; this instance may store (poller), take (worker), or both."""

    durable = True

    def __init__(self, url: str, max_pending: int = 1000, max_attempts: int = 3, *, concurrency: int = 16,
                 lease: float = 30.0, namespace: str | None = None, dead_letter_days: float = 30.0) -> None:
        if lease <= 0:
            raise ConfigError(f"The Redis inbox's lease must be a positive number of seconds, not {lease!r}.")
        self.max_pending = max_pending
        self.max_attempts = max_attempts
        self.concurrency = concurrency
        self.dead_letter_days = dead_letter_days
        self._forgotten_at = -FORGET_EVERY  # monotonic time of the last deletion of expired dead letters
        self.link = RedisLink(url, namespace or "default")
        self.id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.leases = Leases(self.link, self.id, lease)
        self._queue: deque[Update] = deque()  # taken from Redis, not yet handed to the apps
        self._held: dict[str, set[int]] = {}  # chat -> its updates taken and not done
        self._last: dict[str, int] = {}  # chat -> the highest update id taken
        self._chat_of: dict[int, str] = {}  # update id -> chat, while taken and not done
        self._marks: dict[str, list[int]] = {}  # chat -> done ids not yet written
        self._release: set[str] = set()  # chats to give back with the next write
        self._writer: asyncio.Task[None] | None = None
        self._ops = asyncio.Lock()  # claims and writes of leased chats never interleave
        self._room = asyncio.Event()
        self._waits: set[asyncio.Future[Any]] = set()

    @property
    def pending(self) -> int:
        return len(self._chat_of)

    async def open(self) -> None:
        await self.link.call(self.link.client.ping)
        await self.link.check_persistence()
        await self.forget_expired()

    async def forget_expired(self) -> None:
        """Delete the set-aside updates older than ``dead_letter_days``, at most once a minute."""
        if time.monotonic() - self._forgotten_at < FORGET_EVERY:
            return
        self._forgotten_at = time.monotonic()
        forgotten = await admin.forget_dead_letters(self.link, self.dead_letter_days)
        if forgotten:
            log.info("Deleted %d set-aside update(s) older than %g days (inbox.dead_letter_days).",
                     forgotten, self.dead_letter_days)

    async def close(self) -> None:
        """Write the done marks, give back the chats held (their unstarted updates go to others)."""
        try:
            async with asyncio.timeout(5):
                self._release.update(self._held)
                await self._flush()
                await self.leases.leave()
        except TimeoutError:
            log.warning("Redis %s did not answer at close; the chats this worker held are taken over by "
                        "others after the lease (%.0f s).", self.link.shown, self.leases.lease)
        finally:
            self.leases.stop()
            for wait in self._waits:
                wait.cancel()
            self._held.clear()
            self._chat_of.clear()
            self._queue.clear()
            await self.link.close()

    # -- the poller's side ---------------------------------------------------------------------

    async def wait_for_room(self) -> None:
        while await self.link.call(lambda: self.link.client.hlen(self.link.key("updates"))) >= self.max_pending:
            self._room.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(ROOM_CHECK):
                    await self._room.wait()

    async def lead_polling(self) -> int | None:
        return await self.leases.lead_polling()

    async def store(self, batch: Sequence[Any]) -> int:
        await self._flush()  # this process's done marks first: its own writes stay in order
        await self.forget_expired()
        return await self._store(batch, retry=False)

    async def _store(self, batch: Sequence[Any], *, retry: bool) -> int:
        fresh: list[str] = []
        dead: list[str] = []
        reasons: dict[str, str] = {}
        seen: set[int] = set()
        for raw in batch:
            update_id = update_id_of(raw)
            if update_id is not None and update_id in seen:
                continue
            if update_id is not None:
                seen.add(update_id)
            try:
                view = view_of(raw)
            except (TypeError, ValueError) as exc:
                reason = f"{type(exc).__name__}: {exc}"
                reasons[str(update_id)] = reason
                letter = {"update_id": update_id, "chat": None, "reason": reason, "at": time.time(), "raw": raw}
                dead += ["" if update_id is None else str(update_id), dumps(letter)]
                continue
            fresh += [str(view.id), chat_of(view) or f"update:{view.id}", dumps(raw)]
        fence = (self.id, self.leases.fence) if self.leases.fence is not None and not retry else ("", "")
        result = await self.link.script("STORE", *fence, "1" if retry else "0", len(fresh) // 3, *fresh, *dead)
        if result[0] == -1:
            self.leases.lost_polling()
            return 0
        for key in result[1:]:
            log.error("Update id=%s cannot be processed (%s); set aside (python bot.py inbox lists it).",
                      key if not key.startswith("x") else None, reasons.get(key, reasons.get("None")))
        return int(result[0])

    async def confirmed(self, offset: int) -> None:
        await self._flush()
        await self.link.script("CONFIRM", offset)

    # -- the worker's side ---------------------------------------------------------------------

    async def take(self) -> Update:
        while not self._queue:
            raise_if_cancelled()
            self.leases.start_heartbeat(self._ops, self._held_chats, self._lose)
            if not await self._claim():
                await self.forget_expired()
                await self._wait_for_work()
        return self._queue.popleft()

    async def _claim(self) -> bool:
        """Take the new updates of the chats held, and one more chat if there is room; True if any came."""
        async with self._ops:
            held = [item for chat in self._held for item in (chat, self._last[chat])]
            want = "1" if len(self._held) < self.concurrency else "0"
            poisoned, lost, got = await self.link.script(
                "CLAIM", self.id, self.leases.lease_ms, self.max_attempts, want, *held)
        for update_id, attempts, _chat in poisoned:
            reason = (f"its processing was cut short {attempts} times (a crash or a forced stop each time; "
                      f"processing.max_attempts is {self.max_attempts})")
            log.error("Update id=%s set aside: %s. Fix the app, then: python bot.py inbox retry %s",
                      update_id, reason, update_id)
        for chat in lost:
            self._lose(chat)
        taken = []
        for chat, ids, raws in got:
            self._release.discard(chat)  # its last update was done meanwhile: keep it, it has more
            held_ids = self._held.setdefault(chat, set())
            for text_id, raw in zip(ids, raws, strict=True):
                update_id = int(text_id)
                held_ids.add(update_id)
                self._chat_of[update_id] = chat
                self._last[chat] = update_id
                taken.append((update_id, raw))
        self._queue.extend(view_of(json.loads(raw)) for _, raw in sorted(taken))  # oldest first, across chats
        return bool(got)

    async def _wait_for_work(self) -> None:
        if len(self._held) >= self.concurrency:  # full: wait for a chat to be given back
            self._room.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(WAKE_WAIT):
                    await self._room.wait()
            return
        keys = [self.link.key(f"wake:{self.id}"), self.link.key("wake")]
        # In a task of its own: redis-py may swallow a cancel that lands in a blocking read, and
        # the BLPOP ends by itself within WAKE_WAIT anyway.
        blpop = asyncio.ensure_future(self.link.call(lambda: self.link.client.blpop(keys, timeout=WAKE_WAIT)))
        self._waits.add(blpop)
        blpop.add_done_callback(self._waits.discard)
        await asyncio.shield(blpop)

    def _held_chats(self) -> list[str]:
        return list(self._held)

    def _lose(self, chat: str) -> None:
        """Forget a chat whose lease expired: another worker runs its updates now."""
        ids = self._held.pop(chat, None)
        if ids is None:
            return
        self._last.pop(chat, None)
        for update_id in ids:
            self._chat_of.pop(update_id, None)
        self._queue = deque(view for view in self._queue if view.id not in ids)
        log.warning("This worker lost the lease of %s (no heartbeat reached Redis within %.0f s); another "
                    "worker takes its updates, so id=%s may run twice.", chat, self.leases.lease,
                    ",".join(map(str, sorted(ids))))

    async def begin(self, update_id: int) -> None:
        await self.link.script("BEGIN", self.id, update_id)

    def done(self, update_id: int) -> None:
        chat = self._chat_of.pop(update_id, None)
        if chat is None:  # its chat was lost meanwhile: the new holder runs it
            return
        self._marks.setdefault(chat, []).append(update_id)
        held = self._held[chat]
        held.discard(update_id)
        if not held:
            del self._held[chat], self._last[chat]
            self._release.add(chat)
        if self._writer is None or self._writer.done():
            self._writer = asyncio.get_running_loop().create_task(self._write_marks(), name="scaletg:inbox-done")

    async def _flush(self) -> None:
        """Write every done mark made so far, including those another task is writing now."""
        writer = self._writer
        if writer is not None and not writer.done() and writer is not asyncio.current_task():
            await asyncio.shield(writer)
        await self._write_marks()

    async def _write_marks(self) -> None:
        """Write the done marks and give back the chats with nothing left here, chat by chat."""
        while self._marks or self._release:
            async with self._ops:
                chat = next(iter(self._marks), None) or next(iter(self._release), None)
                if chat is None:  # another writer took them meanwhile
                    return
                ids = self._marks.pop(chat, [])
                release = chat in self._release
                self._release.discard(chat)
                written = await self.link.script("FINISH", self.id, "1" if release else "0", chat, *ids)
            if written == -1 and ids:
                log.warning("Update id=%s of %s finished after this worker lost the chat's lease; another "
                            "worker runs it again.", ",".join(map(str, ids)), chat)
            self._room.set()

    # -- status and repairs --------------------------------------------------------------------

    async def status(self) -> Status:
        await self._flush()
        return await admin.status(self.link)

    async def dead_letters(self) -> list[DeadLetter]:
        return await admin.dead_letters(self.link)

    async def retry(self, update_ids: Iterable[int] | None) -> int:
        letters = [letter for letter in await admin.chosen_letters(self.link, update_ids)
                   if letter.update_id is not None]
        await self._store([letter.raw for letter in letters], retry=True)
        return len(letters)

    async def drop(self, update_ids: Iterable[int] | None) -> int:
        return await admin.drop(self.link, update_ids)

    async def workers(self) -> list[admin.WorkerInfo]:
        """Return the workers alive."""
        return await admin.workers(self.link)

    async def active_poller(self) -> admin.PollerInfo | None:
        """Return the poller holding the lease."""
        return await admin.active_poller(self.link)


