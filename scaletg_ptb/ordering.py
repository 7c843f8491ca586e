"""Per-chat ordered concurrency for python-telegram-bot.

PTB's ``concurrent_updates`` runs updates at once but lets a chat's messages overtake each
other. Here updates of one chat (or, without a chat, of one user) run strictly in arrival
order, while different chats run concurrently up to ``concurrency``. A chat waits for its
turn *before* it takes a slot, so one flooding chat holds at most one slot and cannot starve
the others. A chat's turn lock is freed as soon as the chat has nothing in flight, so memory
does not grow with the number of chats ever seen.
"""

from __future__ import annotations

import asyncio
import inspect
import sys
from collections.abc import Awaitable, Hashable
from typing import Any

import telegram
from telegram.ext import BaseUpdateProcessor

from .updates import ViewedUpdate


def chat_key(update: object) -> Hashable | None:
    """Return what orders ``update``: its chat, else its user, else None (no order)."""
    if isinstance(update, ViewedUpdate):
        view = update.view
        chat, user = view.effective_chat, view.effective_user
        return ("chat", chat.id) if chat is not None else ("user", user.id) if user is not None else None
    if not isinstance(update, telegram.Update):
        return None
    chat = update.effective_chat
    if chat is not None:
        return ("chat", chat.id)
    user = update.effective_user
    if user is not None:
        return ("user", user.id)
    return None


class _Turn:
    """One chat's FIFO lock and how many of its updates hold or wait for it."""

    __slots__ = ("lock", "users")

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.users = 0


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Run different chats concurrently and each chat's updates in order (a PTB update processor)."""

    def __init__(self, concurrency: int) -> None:
        # PTB's own semaphore is taken before do_process_update, i.e. before a chat's turn;
        # bounding it would let one chat's queued updates hold every slot. Bound below instead.
        super().__init__(max_concurrent_updates=sys.maxsize)
        self.concurrency = concurrency
        self._slots = asyncio.Semaphore(concurrency)
        self._turns: dict[Hashable, _Turn] = {}

    @property
    def active_chats(self) -> int:
        """Return how many chats have updates in flight (their turn state is held)."""
        return len(self._turns)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Wait for the chat's turn, then for a free slot, then process."""
        try:
            await self._in_turn(chat_key(update), coroutine)
        finally:
            if inspect.iscoroutine(coroutine) and inspect.getcoroutinestate(coroutine) == "CORO_CREATED":
                coroutine.close()  # cancelled while waiting: never started, so say nothing

    async def _in_turn(self, key: Hashable | None, coroutine: Awaitable[Any]) -> None:
        if key is None:
            async with self._slots:
                await coroutine
            return
        turn = self._turns.get(key)
        if turn is None:
            turn = self._turns[key] = _Turn()
        turn.users += 1
        try:
            async with turn.lock, self._slots:
                await coroutine
        finally:
            turn.users -= 1
            if turn.users == 0:
                del self._turns[key]

    async def initialize(self) -> None:
        """Nothing to set up: the state is made per chat on demand."""

    async def shutdown(self) -> None:
        """Nothing to free: a chat's state goes when its last update is done."""
