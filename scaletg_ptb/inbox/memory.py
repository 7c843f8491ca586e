"""``inbox: memory``: updates wait in this process only; a crash loses what was not done."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from ..core import Update
from .base import DeadLetter, LocalInbox, Status


class MemoryInbox(LocalInbox):
    """Keep updates and dead letters in memory: no disk, nothing survives the process."""

    durable = False

    def __init__(self, max_pending: int = 1000) -> None:
        super().__init__(max_pending)
        self._letters: list[DeadLetter] = []
        self._stored_at: dict[int, datetime] = {}
        self._started: set[int] = set()

    async def open(self) -> None:
        """Nothing to recover: a memory inbox starts empty."""

    async def close(self) -> None:
        """Nothing to write."""

    async def begin(self, update_id: int) -> None:
        self._started.add(update_id)

    async def status(self) -> Status:
        oldest = min(self._stored_at.values(), default=None)
        running = len(self._started)
        return Status(self.pending - running, running, len(self._letters), oldest)

    async def dead_letters(self) -> list[DeadLetter]:
        return list(self._letters)

    async def retry(self, update_ids: Iterable[int] | None) -> int:
        chosen = self._choose(update_ids)
        for letter in chosen:
            self._letters.remove(letter)
            if letter.update_id is not None:
                self._dead_ids.discard(letter.update_id)
            await self.store([letter.raw])
        return len(chosen)

    async def drop(self, update_ids: Iterable[int] | None) -> int:
        chosen = self._choose(update_ids)
        for letter in chosen:
            self._letters.remove(letter)
        return len(chosen)

    def _choose(self, update_ids: Iterable[int] | None) -> list[DeadLetter]:
        wanted = None if update_ids is None else set(update_ids)
        return [letter for letter in self._letters if wanted is None or letter.update_id in wanted]

    async def _save_batch(self, fresh: list[tuple[Update, Any]], dead: list[DeadLetter]) -> None:
        now = datetime.now().astimezone()
        for view, _ in fresh:
            self._stored_at[view.id] = now
        self._letters.extend(dead)

    def _save_done(self, update_id: int) -> None:
        self._stored_at.pop(update_id, None)
        self._started.discard(update_id)

    def _save_forgotten(self, update_id: int) -> None:
        self._save_done(update_id)

    def _save_confirmed(self, offset: int) -> None:
        """Nothing to forget on disk."""



