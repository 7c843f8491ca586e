"""PTB's Application with ScaleTG's lifecycle: start-up retries, graceful stop, forced stop."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from telegram.error import InvalidToken, NetworkError
from telegram.ext import Application

from .deadletters import UnfinishedUpdates
from .logs import Redactor
from .polling import MAX_BACKOFF, ScaleBot, network_hint

if TYPE_CHECKING:
    from .adapter import Adapter

log = logging.getLogger("scaletg_ptb")
EXIT_FORCED = 1


class TokenRejected(Exception):  # noqa: N818 - it names what happened, like PTB's InvalidToken
    """Raise when Telegram refuses the bot token at start (401 Unauthorized from getMe).

    Deliberately not a TelegramError: PTB's start-up retry loop logs a traceback for
    InvalidToken, and lets other exceptions through untouched.
    """


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
        self.retry_start = False  # retry getMe while the Bot API is unreachable (bot.py's runner)
        self.request_stop: Callable[[], None] = self.stop_running
        self._signals = 0

    async def initialize(self) -> None:
        if self.handle_signals and threading.current_thread() is threading.main_thread():
            loop = asyncio.get_running_loop()
            for number in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(number, self._on_stop_signal, number)
        await self._meet_the_bot()
        await self.adapter.start(self.bot)
        self._replay_unfinished()

    async def _meet_the_bot(self) -> None:
        """Initialize PTB's side (it calls getMe), retrying while the Bot API cannot be reached."""
        failures = 0
        while True:
            try:
                await super().initialize()
                return
            except InvalidToken as exc:
                log.debug("getMe was refused: %s", exc, exc_info=exc)  # the whole story, at DEBUG only
                raise TokenRejected(str(exc)) from None
            except NetworkError as exc:
                failures += 1
                delay = min(MAX_BACKOFF, 2.0 ** (failures - 1))
                url = Redactor([self.bot.token])(self.bot.base_url)
                if not self.retry_start:
                    log.warning("Cannot reach the Bot API at %s (%s). %s", url, exc, network_hint())
                    raise
                # Once per streak, then every tenth try: a down network must not flood the log.
                emit = log.warning if failures == 1 or failures % 10 == 0 else log.debug
                streak = f"; {failures} failures in a row" if failures > 1 else ""
                emit("Cannot reach the Bot API at %s (%s%s); retrying in %.0f s. %s",
                     url, exc, streak, delay, network_hint())
                await asyncio.sleep(delay)  # a stop signal ends the process meanwhile

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
