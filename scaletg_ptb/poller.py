"""Fetch updates by long polling and store them in the inbox; feed the processor from the inbox.

The poller asks Telegram for the next batch only when the inbox has room (backpressure), and
stores each batch in the inbox *before* the next ``getUpdates``, whose offset tells Telegram
it may forget the batch. Polling errors back off here, where a stop cancels the wait at once;
a rejected token stops the runner instead of leaving an idle process.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable, Sequence
from typing import Any

from telegram import Bot
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.ext import Updater

from .inbox import Inbox
from .inbox.base import update_id_of
from .ptbcompat import retry_after_seconds
from .updates import ViewedUpdate

log = logging.getLogger("scaletg_ptb.polling")
MAX_BACKOFF = 30.0


class Poller:
    """Long-poll ``getUpdates`` into ``inbox`` until cancelled."""

    def __init__(self, bot: Bot, inbox: Inbox, *, timeout: float, allowed_updates: Sequence[str] | None,
                 read_timeout: float, on_fatal: Callable[[Exception], None] | None = None) -> None:
        self.bot = bot
        self.inbox = inbox
        self.timeout = timeout
        self.allowed_updates = None if allowed_updates is None else list(allowed_updates)
        self.read_timeout = read_timeout
        self.on_fatal = on_fatal
        self.offset: int | None = None
        self._failures = 0

    async def run(self, drop_pending_updates: bool = False) -> None:
        """Poll until cancelled; first remove a webhook (Telegram refuses getUpdates beside one)."""
        webhook_removed = False
        while True:
            await self.inbox.wait_for_room()
            offset = await self.inbox.lead_polling()  # another poller may hold the lease: wait
            if offset is not None:
                self.offset = offset
            # Only the poller that leads: a standby starting with drop_pending_updates must not
            # make Telegram drop what the active poller has not fetched yet.
            while not webhook_removed:
                webhook_removed = await self._attempt(
                    self.bot.delete_webhook(drop_pending_updates=drop_pending_updates)) is True
            await self.poll_once(self.timeout)

    async def poll_once(self, timeout: float) -> int:
        """Fetch one batch and store it; return how many updates were new."""
        api_kwargs: dict[str, Any] = {"offset": self.offset, "timeout": timeout,
                                      "allowed_updates": self.allowed_updates}
        batch = await self._attempt(self.bot.do_api_request(
            "getUpdates", api_kwargs=api_kwargs, read_timeout=self.read_timeout + timeout))
        if not isinstance(batch, list):
            return 0  # failed (and backed off)
        if self.offset is not None:
            await self.inbox.confirmed(self.offset)  # this call told Telegram to forget them
        if not batch:
            return 0
        if log.isEnabledFor(logging.DEBUG):  # the id list is built only when it is logged
            log.debug("Fetched updates %s", [update_id_of(raw) for raw in batch])
        new = await self.inbox.store(batch)
        ids = [update_id for update_id in map(update_id_of, batch) if update_id is not None]
        if ids:
            self.offset = max(ids) + 1
        return new

    async def _attempt(self, call: Any) -> Any:
        """Await ``call``; on a failure, log it, back off and return None."""
        try:
            result = await call
        except TelegramError as exc:
            await self._recover(exc)
            return None
        except Exception as exc:  # noqa: BLE001 - nothing may end polling for good
            log.error("Polling failed unexpectedly: %s: %s", type(exc).__name__, exc, exc_info=exc)
            await self._recover(NetworkError(str(exc)))
            return None
        self._failures = 0
        return result

    async def _recover(self, exc: TelegramError) -> None:
        """Log a polling error once per streak and wait before the next try (cancellable)."""
        # do_api_request reports a 401 as "endpoint not found" once the bot is initialized.
        if isinstance(exc, InvalidToken) or isinstance(exc.__cause__, InvalidToken):
            log.critical("Telegram rejected the bot token (401 Unauthorized) while polling; stopping.")
            if self.on_fatal is not None:
                self.on_fatal(exc)
            await asyncio.sleep(MAX_BACKOFF)  # the stop under way cancels this
            return
        self._failures += 1
        if isinstance(exc, RetryAfter):
            delay = retry_after_seconds(exc)
        else:
            delay = min(MAX_BACKOFF, 2 ** (self._failures - 1)) * random.uniform(0.8, 1.2)
        if isinstance(exc, Conflict):
            message = ("Another process is polling Telegram with this bot's token (409 Conflict): "
                       "stop the other instance. Retrying in %.0f s.")
            log.error(message, delay) if self._failures == 1 else log.debug(message, delay)
        elif self._failures == 1 or self._failures % 10 == 0:
            network = isinstance(exc, NetworkError)
            log.warning("Polling failed (%s: %s, %d in a row); retrying in %.1f s.%s",
                        "network error" if network else "error", exc, self._failures, delay,
                        f" {network_hint()}" if network else "")
        await asyncio.sleep(delay)


class InboxUpdater(Updater):
    """PTB's Updater, polling into the inbox and feeding the Application from it.

    ``poll`` and ``feed`` choose the roles: both in one process (``python bot.py``).
    """

    def __init__(self, bot: Bot, update_queue: asyncio.Queue[object], inbox: Inbox, *,
                 read_timeout: float = 5.0, poll: bool = True, feed: bool = True) -> None:
        super().__init__(bot, update_queue)
        self.inbox = inbox
        self.read_timeout = read_timeout
        self.poll = poll
        self.feed = feed
        self.on_fatal: Callable[[Exception], None] | None = None
        self.poller: Poller | None = None
        self._tasks: list[asyncio.Task[None]] = []

    @property
    def running(self) -> bool:
        return bool(self._tasks)

    async def start_polling(  # noqa: PLR0913 - PTB's signature
        self, poll_interval: float = 0.0, timeout: Any = 10, bootstrap_retries: int = 0,
        allowed_updates: Sequence[str] | None = None, drop_pending_updates: bool | None = None,
        error_callback: Any = None,
    ) -> asyncio.Queue[object]:
        """Start polling into the inbox and feeding the update queue from it."""
        if self.running:
            raise RuntimeError("This Updater is already running!")
        seconds = timeout.total_seconds() if hasattr(timeout, "total_seconds") else float(timeout or 0)
        if self.poll:
            self.poller = Poller(self.bot, self.inbox, timeout=seconds, allowed_updates=allowed_updates,
                                 read_timeout=self.read_timeout, on_fatal=self.on_fatal)
            self._tasks.append(asyncio.create_task(self.poller.run(bool(drop_pending_updates)),
                                                   name="scaletg:poll"))
        if self.feed:
            self._tasks.append(asyncio.create_task(self._feed(), name="scaletg:feed"))
        return self.update_queue

    async def stop(self) -> None:
        """Stop polling and feeding; confirm the last batch to Telegram."""
        if not self.running:
            raise RuntimeError("This Updater is not running!")
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.confirm()

    async def _feed(self) -> None:
        while True:
            view = await self.inbox.take()
            await self.update_queue.put(ViewedUpdate(view))

    async def confirm(self) -> None:
        """Tell Telegram the stored updates were received, so they are not sent again after a restart.

        Called at stop, and again at shutdown once the updates in hand are done: then the inbox
        can forget the done ones too.
        """
        if self.poller is None or self.poller.offset is None:
            return
        offset = self.poller.offset
        try:
            await self.bot.do_api_request("getUpdates", api_kwargs={"offset": offset, "timeout": 0, "limit": 1},
                                          read_timeout=self.read_timeout)
            await self.inbox.confirmed(offset)
        except TelegramError as exc:
            log.warning("Could not confirm the last fetched updates to Telegram (%s); they are stored "
                        "and will be skipped if delivered again.", exc)


def network_hint() -> str:
    """Say what to check when the Bot API cannot be reached."""
    return ("Check the network connection, the proxy settings (HTTPS_PROXY) and the Bot API URL "
            "(TELEGRAM_BASE_URL or 'base_url' in the config).")
