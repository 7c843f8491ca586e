"""PTB's Application with ScaleTG's lifecycle: the inbox, start-up retries, graceful and forced stops."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from telegram.error import InvalidToken, NetworkError
from telegram.ext import Application
from telegram.request import BaseRequest

from .logs import Redactor
from .poller import MAX_BACKOFF, InboxUpdater, network_hint

if TYPE_CHECKING:
    from .adapter import Adapter
    from .inbox import Inbox

log = logging.getLogger("scaletg_ptb")
EXIT_FORCED = 1


class TokenRejected(Exception):  # noqa: N818 - it names what happened, like PTB's InvalidToken
    """Raise when Telegram refuses the bot token at start (401 Unauthorized from getMe).

    Deliberately not a TelegramError: PTB's start-up retry loop logs a traceback for
    InvalidToken, and lets other exceptions through untouched.
    """


class ScaleApplication(Application):  # type: ignore[type-arg]
    """Open the inbox and start the adapter with the Application; own the stop signals.

    ``initialize``/``shutdown`` run both under ``run_polling`` and under ``async with
    application``, unlike ``post_init``, so tests and the sandbox get the same lifecycle.
    """

    def __init__(self, *, adapter: Adapter, inbox: Inbox, stop_timeout: float,
                 handle_signals: bool = False, requests: Sequence[BaseRequest] = (), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.requests = tuple(requests)  # the bot's HTTP clients, closed here if getMe fails
        self.adapter = adapter
        self.inbox = inbox
        self.stop_timeout = stop_timeout
        self.handle_signals = handle_signals
        self.fatal_error: Exception | None = None
        self.retry_start = False  # retry getMe while the Bot API is unreachable (bot.py's runner)
        self.request_stop: Callable[[], None] = self.stop_running
        self._signals = 0
        self._inbox_open = False

    async def initialize(self) -> None:
        if not self._inbox_open:
            # First: a second process on the same state folder is refused before anything else.
            await self.inbox.open()
            self._inbox_open = True
        if self.handle_signals and threading.current_thread() is threading.main_thread():
            loop = asyncio.get_running_loop()
            for number in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(number, self._on_stop_signal, number)
        try:
            await self._meet_the_bot()
        except BaseException:
            # PTB's Bot leaves its HTTP clients open when getMe fails: close them, or aiohttp
            # complains about an unclosed session at exit.
            for request in self.requests:
                await request.shutdown()
            raise
        await self.adapter.start(self.bot)

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
        started = self.adapter.dispatcher is not None  # getMe answered: the bot can make calls
        await self.adapter.stop()
        if started and isinstance(self.updater, InboxUpdater):
            await self.updater.confirm()  # the updates in hand are done now: the inbox forgets them
        await super().shutdown()
        if self._inbox_open:
            await self.inbox.close()
            self._inbox_open = False

    def fatal(self, error: Exception) -> None:
        """Stop the runner because of ``error``; bot.py exits non-zero with its message."""
        self.fatal_error = error
        self.request_stop()

    def _on_stop_signal(self, number: int) -> None:
        self._signals += 1
        name = signal.Signals(number).name
        if self._signals > 1:
            self._force_stop(f"second {name}")
            return
        if not self.running:
            raise SystemExit(0)  # still starting: nothing to finish
        log.info("%s: stopping; finishing %d update(s) in hand (up to %.0f s; %s again forces).",
                 name, self.inbox.pending, self.stop_timeout, name)
        asyncio.get_running_loop().call_later(self.stop_timeout, self._force_stop, "stop timeout")
        self.stop_running()

    def _force_stop(self, reason: str) -> None:
        """Write the inbox's pending marks, say what is left, and exit at once (hung app threads cannot be joined)."""
        self.inbox.flush_now()
        left = self.inbox.pending
        if not left:
            log.warning("Forced stop (%s): nothing was left unfinished.", reason)
        elif self.inbox.durable:
            log.error("Forced stop (%s): %d update(s) were not finished; they stay in the inbox and are "
                      "processed first at the next start.", reason, left)
        else:
            log.error("Forced stop (%s): %d update(s) were not finished and are lost (inbox: memory keeps "
                      "nothing across a stop).", reason, left)
        logging.shutdown()
        os._exit(EXIT_FORCED)
