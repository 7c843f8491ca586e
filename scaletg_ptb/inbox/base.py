"""The inbox: the one owner of every fetched update's life, between fetching and processing.

An update is *stored* when fetched (durably, before Telegram is told it was received), *in
progress* while the apps run, and *done* once they finished and the reply was sent; an update
that cannot be processed is *set aside* (a dead letter) instead. The poller stores, the
processor takes, begins and finishes; backpressure, replay at start, dedupe by ``update_id``,
dead letters and the counts for status all live here, so another back end (Redis) changes
nothing in dispatch, ordering or the apps.
"""

from __future__ import annotations

import abc
import asyncio
import json
import logging
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..core import Update
from ..updates import view_of

log = logging.getLogger("scaletg_ptb.inbox")
Json = dict[str, Any]


class InboxError(Exception):
    """Raise when the inbox cannot be used at all (damaged, locked by another process)."""


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """An update set aside: why, when, and its JSON as Telegram sent it."""

    update_id: int | None
    chat: str | None
    reason: str
    at: datetime
    raw: Any


@dataclass(frozen=True, slots=True)
class Status:
    """The inbox's counts, for ``python bot.py inbox``."""

    stored: int  # fetched, waiting for the apps
    in_progress: int
    set_aside: int
    oldest_waiting: datetime | None  # when the oldest stored or in-progress update was stored


def chat_of(view: Update) -> str | None:
    """Return what orders the update: its chat, else its user, else None."""
    chat = view.effective_chat
    if chat is not None:
        return f"chat:{chat.id}"
    user = view.effective_user
    return f"user:{user.id}" if user is not None else None


def dumps(raw: object) -> str:
    """Return the compact JSON text an inbox stores for an update (or a dead letter)."""
    return json.dumps(raw, ensure_ascii=False, separators=(",", ":"))


def update_id_of(raw: Any) -> int | None:
    """Return the raw update's integer id, or None."""
    update_id = raw.get("update_id") if isinstance(raw, dict) else None
    return update_id if isinstance(update_id, int) and not isinstance(update_id, bool) else None


class Inbox(abc.ABC):
    """Where fetched updates wait, durably or not, until their apps are done with them."""

    #: Whether stored updates survive the process (a crash, ``kill -9``).
    durable: bool = False

    @abc.abstractmethod
    async def open(self) -> None:
        """Make the inbox ready; recover what a previous run left (its in-progress updates count an attempt)."""

    @abc.abstractmethod
    async def close(self) -> None:
        """Write what is pending and release the inbox."""

    @abc.abstractmethod
    async def wait_for_room(self) -> None:
        """Return once fewer than ``max_pending`` updates wait or run (backpressure on fetching)."""

    @abc.abstractmethod
    async def store(self, batch: Sequence[Any]) -> int:
        """Keep a fetched batch (durably, when durable) and return how many were new.

        Updates already stored or done are skipped; those whose shape would mislead the apps
        are set aside. Once this returns, Telegram may be told the batch was received.
        """

    @abc.abstractmethod
    async def confirmed(self, offset: int) -> None:
        """Note that Telegram has forgotten every update below ``offset`` (it cannot send them again)."""

    @abc.abstractmethod
    async def take(self) -> Update:
        """Return the next update to process, waiting for one; each chat's come in ``update_id`` order."""

    @abc.abstractmethod
    async def begin(self, update_id: int) -> None:
        """Mark the update in progress (one more attempt) before its apps run."""

    @abc.abstractmethod
    def done(self, update_id: int) -> None:
        """Mark the update processed; it leaves the inbox."""

    @abc.abstractmethod
    async def status(self) -> Status:
        """Return the counts."""

    @abc.abstractmethod
    async def dead_letters(self) -> list[DeadLetter]:
        """Return the set-aside updates, oldest first."""

    @abc.abstractmethod
    async def retry(self, update_ids: Iterable[int] | None) -> int:
        """Put set-aside updates back (all when None); return how many."""

    @abc.abstractmethod
    async def drop(self, update_ids: Iterable[int] | None) -> int:
        """Delete set-aside updates (all when None); return how many."""

    async def lead_polling(self) -> int | None:
        """Return once this process may call ``getUpdates`` now; called before every call.

        A shared inbox lets one poller of many poll at a time (a lease); it returns the offset
        to continue from when this process has just taken over, else None. In-process inboxes
        have one poller: they return None at once.
        """
        return None

    def flush_now(self) -> None:  # noqa: B027 - optional for in-memory inboxes
        """Write pending marks at once, synchronously (before a forced exit)."""

    @property
    @abc.abstractmethod
    def pending(self) -> int:
        """Return how many updates of this process are stored or in progress."""


class LocalInbox(Inbox):
    """The part every in-process inbox shares: the queue, backpressure and dedupe of this process.

    Subclasses persist the changes through the ``_save_*`` hooks.
    """

    def __init__(self, max_pending: int = 1000) -> None:
        self.max_pending = max_pending
        self._queue: deque[Update] = deque()  # stored, not yet taken: in update_id order
        self._ready = asyncio.Event()
        self._room = asyncio.Event()
        self._room.set()
        self._pending: set[int] = set()  # stored or in progress
        self._done: set[int] = set()  # done, but Telegram may still send them again
        self._dead_ids: set[int] = set()
        self._confirmed = 0  # Telegram has forgotten every update below this id

    @property
    def pending(self) -> int:
        return len(self._pending)

    async def wait_for_room(self) -> None:
        await self._room.wait()

    async def store(self, batch: Sequence[Any]) -> int:
        fresh: list[tuple[Update, Any]] = []
        dead: list[DeadLetter] = []
        seen: set[int] = set()
        for raw in batch:
            update_id = update_id_of(raw)
            if update_id is not None and (update_id in seen or self._known(update_id)):
                log.debug("Update id=%d was delivered again; skipped (already stored or done).", update_id)
                continue
            if update_id is not None:
                seen.add(update_id)
            try:
                fresh.append((view_of(raw), raw))
            except (TypeError, ValueError) as exc:
                dead.append(self._dead_letter(raw, f"{type(exc).__name__}: {exc}"))
        if fresh or dead:
            await self._save_batch(fresh, dead)
        for letter in dead:
            self._note_dead(letter)
        for view, _ in fresh:
            self._enqueue(view)
        return len(fresh)

    async def take(self) -> Update:
        while not self._queue:
            self._ready.clear()
            await self._wait_ready()
        return self._queue.popleft()

    async def _wait_ready(self) -> None:
        await self._ready.wait()

    def done(self, update_id: int) -> None:
        self._pending.discard(update_id)
        if update_id < self._confirmed:
            self._save_forgotten(update_id)  # Telegram cannot send it again: nothing to remember
        else:
            self._done.add(update_id)
            self._save_done(update_id)
        if len(self._pending) < self.max_pending:
            self._room.set()

    async def confirmed(self, offset: int) -> None:
        self._confirmed = max(self._confirmed, offset)
        if self._dead_ids:  # Telegram cannot send these again: no need to recognise them
            self._dead_ids = {update_id for update_id in self._dead_ids if update_id >= offset}
        forgotten = {update_id for update_id in self._done if update_id < offset}
        if forgotten:
            self._done -= forgotten
            self._save_confirmed(offset)

    def _known(self, update_id: int) -> bool:
        return update_id in self._pending or update_id in self._done or update_id in self._dead_ids

    def _enqueue(self, view: Update) -> None:
        self._pending.add(view.id)
        self._queue.append(view)
        self._ready.set()
        if len(self._pending) >= self.max_pending:
            self._room.clear()

    def _dead_letter(self, raw: Any, reason: str, chat: str | None = None) -> DeadLetter:
        update_id = update_id_of(raw)
        log.error("Update id=%s cannot be processed (%s); set aside (python bot.py inbox lists it).",
                  update_id, reason)
        return DeadLetter(update_id, chat, reason, datetime.now().astimezone(), raw)

    def _note_dead(self, letter: DeadLetter) -> None:
        if letter.update_id is not None:
            self._dead_ids.add(letter.update_id)

    @abc.abstractmethod
    async def _save_batch(self, fresh: list[tuple[Update, Any]], dead: list[DeadLetter]) -> None:
        """Persist newly stored and set-aside updates before ``store`` returns."""

    @abc.abstractmethod
    def _save_done(self, update_id: int) -> None:
        """Persist that the update is done (may be written later, with the next write)."""

    @abc.abstractmethod
    def _save_forgotten(self, update_id: int) -> None:
        """Persist that the update is done and Telegram has forgotten it (may be written later)."""

    @abc.abstractmethod
    def _save_confirmed(self, offset: int) -> None:
        """Persist that done updates below ``offset`` can be forgotten."""
