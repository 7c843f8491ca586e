"""PTB's Application with ScaleTG's lifecycle: start-up retries, graceful stop, forced stop."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from telegram.error import NetworkError
from telegram.ext import Application

from .deadletters import UnfinishedUpdates
from .polling import ScaleBot

if TYPE_CHECKING:
    from .adapter import Adapter

log = logging.getLogger("scaletg_ptb")
EXIT_FORCED = 1


class ScaleApplication(Application):  # type: ignore[type-arg]
    """Start and stop the adapter with the Application, replay unfinished updates, own stop signals.

    ``initialize``/``shutdown`` run both under ``run_polling`` and under ``async with
    application``, unlike ``post_init``, so tests and the sandbox get the same lifecycle.
    """

    def __init__(self, *, adapter: Adapter, unfinished: UnfinishedUpdates, stop_timeout: float,
                 handle_signals: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.adapter = adapter
        self.unfinished = unfinished
        self.stop_timeout = stop_timeout
        self.handle_signals = handle_signals
        self.fatal_error: Exception | None = None
        self.request_stop: Callable[[], None] = self.stop_running
        self._signals = 0

    async def initialize(self) -> None:
        if self.handle_signals and threading.current_thread() is threading.main_thread():
            loop = asyncio.get_running_loop()
            for number in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(number, self._on_stop_signal, number)
        try:
            await super().initialize()  # calls getMe, so the bot knows its username
        except NetworkError as exc:
            # PTB retries (bootstrap_retries=-1) but only logs at DEBUG: say what is going on.
            log.warning("Cannot reach the Bot API at %s (%s); retrying.", self.bot.base_url, exc)
            raise
        await self.adapter.start(self.bot)
        self._replay_unfinished()

    async def shutdown(self) -> None:
        await self.adapter.stop()
        await super().shutdown()

    def fatal(self, error: Exception) -> None:
        """Stop the runner because of ``error``; bot.py exits non-zero with its message."""
        self.fatal_error = error
        self.request_stop()

    def _replay_unfinished(self) -> None:
        """Queue the updates a forced stop left unprocessed, before polling fetches new ones."""
        updates = self.unfinished.take()
        if not updates:
            return
        log.warning("Processing %d update(s) left unfinished by the last forced stop (from %s).",
                    len(updates), self.unfinished.path)
        bot = self.bot
        if not isinstance(bot, ScaleBot):
            return
        for raw in updates:
            update = bot.make_update(raw)
            if update is None:
                continue
            bot.adopt(raw)
            if bot.backlog is not None:
                bot.backlog.add(1)
            self.update_queue.put_nowait(update)

    def _on_stop_signal(self, number: int) -> None:
        self._signals += 1
        name = signal.Signals(number).name
        if self._signals > 1:
            self._force_stop(f"second {name}")
            return
        if not self.running:
            raise SystemExit(0)  # still starting: nothing to finish
        pending = len(self.bot.unfinished()) if isinstance(self.bot, ScaleBot) else 0
        log.info("%s: stopping; finishing %d update(s) in hand (up to %.0f s; %s again forces).",
                 name, pending, self.stop_timeout, name)
        asyncio.get_running_loop().call_later(self.stop_timeout, self._force_stop, "stop timeout")
        self.stop_running()

    def _force_stop(self, reason: str) -> None:
        """Save what is unfinished, say so, and exit at once (hung app threads cannot be joined)."""
        unfinished = self.bot.unfinished() if isinstance(self.bot, ScaleBot) else []
        self.unfinished.save(unfinished)
        if unfinished:
            log.error("Forced stop (%s): %d update(s) fetched from Telegram were not finished; "
                      "saved to %s and processed at the next start.",
                      reason, len(unfinished), self.unfinished.path)
        else:
            log.warning("Forced stop (%s): nothing was left unfinished.", reason)
        logging.shutdown()
        os._exit(EXIT_FORCED)
