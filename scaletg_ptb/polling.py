"""The fetching side: PTB's bot and updater, hardened for long polling.

* backpressure: no fetch while ``max_pending`` updates wait or run;
* each update becomes ScaleTG's view of Telegram's own JSON (``updates.py``), not PTB's object
  tree; the JSON is kept until the update is processed, so unfinished updates can be saved at a
  forced stop;
* an update whose shape would mislead the apps is set aside, never stalling the batch;
* polling errors back off here, where PTB's stop can cancel the wait at once, and a rejected
  token stops the runner instead of leaving an idle process.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import random
from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from typing import Any

import telegram
from telegram._utils.defaultvalue import DEFAULT_NONE, DefaultValue
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.ext import ExtBot, Updater
from telegram.warnings import PTBUserWarning

from .deadletters import DeadLetters
from .ordering import Backlog
from .updates import ViewedUpdate, view_of

log = logging.getLogger("scaletg_ptb.polling")
Json = dict[str, Any]
MAX_BACKOFF = 30.0


class ScaleBot(ExtBot[None]):
    """PTB's ExtBot with backpressure, raw JSON kept per update and fault-tolerant polling."""

    def __init__(self, *args: Any, backlog: Backlog | None = None, dead_letters: DeadLetters | None = None,
                 on_fatal: Callable[[Exception], None] | None = None, max_requests: int | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # PTB freezes its bots after __init__; only underscore attributes stay settable.
        self._backlog = backlog
        self._dead_letters = dead_letters
        self._on_fatal = on_fatal
        self._stopping = False  # set by ScaleUpdater.stop: the last getUpdates only confirms
        self._unfinished: dict[int, Json] = {}
        self._dead: set[int] = set()
        self._replayed: set[int] = set()  # saved at a forced stop and queued again at start
        self._duplicates: set[int] = set()  # fetched again although replayed: skip them
        self._failures = 0
        self._in_flight = asyncio.Semaphore(max_requests) if max_requests else None

    @property
    def backlog(self) -> Backlog | None:
        """Return the backlog that paces fetching."""
        return self._backlog

    @property
    def dead_letters(self) -> DeadLetters | None:
        """Return where unparsable updates go."""
        return self._dead_letters

    def set_on_fatal(self, callback: Callable[[Exception], None]) -> None:
        """Call ``callback`` when polling cannot go on (the token was rejected)."""
        self._on_fatal = callback

    def set_stopping(self, stopping: bool) -> None:
        """Say whether the next getUpdates is PTB's last, confirming call."""
        self._stopping = stopping

    def finish_update(self, update_id: int) -> None:
        """Forget a processed update."""
        self._unfinished.pop(update_id, None)
        self._dead.discard(update_id)

    def unfinished(self) -> list[Json]:
        """Return the fetched updates not processed yet, oldest first."""
        return [self._unfinished[key] for key in sorted(self._unfinished)]

    def adopt(self, raw: Json) -> None:
        """Treat ``raw`` as fetched and unfinished (updates replayed after a forced stop)."""
        self._unfinished[raw["update_id"]] = raw
        self._replayed.add(raw["update_id"])

    def take_duplicate(self, update_id: int) -> bool:
        """Tell (once) whether this update is a second copy of a replayed one."""
        if update_id in self._duplicates:
            self._duplicates.discard(update_id)
            return True
        return False

    def is_dead(self, update_id: int) -> bool:
        """Tell whether the update was set aside (its shape would mislead the apps)."""
        return update_id in self._dead

    async def _do_post(self, endpoint: str, *args: Any, **kwargs: Any) -> Any:
        if endpoint == "getUpdates" or self._in_flight is None:
            return await super()._do_post(endpoint, *args, **kwargs)
        # httpcore scans its whole queue for every request it assigns: keeping the queue here,
        # in a FIFO semaphore, makes a burst of replies cost linear instead of quadratic CPU.
        async with self._in_flight:
            return await super()._do_post(endpoint, *args, **kwargs)

    async def get_updates(  # noqa: PLR0913 - PTB's signature
        self, offset: int | None = None, limit: int | None = None, timeout: Any = None,
        allowed_updates: Sequence[str] | None = None, *, read_timeout: Any = DEFAULT_NONE,
        write_timeout: Any = DEFAULT_NONE, connect_timeout: Any = DEFAULT_NONE,
        pool_timeout: Any = DEFAULT_NONE, api_kwargs: Json | None = None,
    ) -> tuple[telegram.Update, ...]:
        """Fetch the next batch: wait for room, survive bad updates and polling errors."""
        fetch = partial(self._fetch, offset, limit, timeout, allowed_updates, read_timeout,
                        write_timeout, connect_timeout, pool_timeout, api_kwargs)
        if self._stopping:
            return await self._confirm(fetch)
        if self.backlog is not None:
            await self.backlog.wait_for_room()
        try:
            batch = await fetch()
        except TelegramError as exc:
            await self._recover(exc)
            return ()
        except Exception as exc:  # noqa: BLE001 - nothing may end polling for good
            log.error("Polling failed unexpectedly: %s: %s", type(exc).__name__, exc, exc_info=exc)
            await self._recover(NetworkError(str(exc)))
            return ()
        self._failures = 0
        if batch and log.isEnabledFor(logging.DEBUG):  # the id list is built only when it is logged
            log.debug("Fetched updates %s", [raw.get("update_id") if isinstance(raw, dict) else None
                                             for raw in batch])
        updates = tuple(update for update in map(self._accept, batch) if update is not None)
        if self.backlog is not None:
            self.backlog.add(len(updates))
        return updates

    async def _fetch(self, offset: int | None, limit: int | None, timeout: Any,  # noqa: PLR0913
                     allowed_updates: Sequence[str] | None, read_timeout: Any, write_timeout: Any,
                     connect_timeout: Any, pool_timeout: Any, api_kwargs: Json | None) -> list[Any]:
        """Call getUpdates as PTB's Bot.get_updates does, returning Telegram's JSON list."""
        data: Json = {"timeout": timeout, "offset": offset, "limit": limit, "allowed_updates": allowed_updates}
        # As PTB: the long-poll time comes on top of the read timeout ("or 0" for None).
        base = (read_timeout or 0) if not isinstance(read_timeout, DefaultValue) else (
            self._request[0].read_timeout or 0)
        seconds = timeout.total_seconds() if isinstance(timeout, dt.timedelta) else (timeout or 0)
        result = await self._post("getUpdates", data, read_timeout=base + seconds, write_timeout=write_timeout,
                                  connect_timeout=connect_timeout, pool_timeout=pool_timeout,
                                  api_kwargs=api_kwargs)
        return result if isinstance(result, list) else []

    def make_update(self, raw: Any) -> telegram.Update | None:
        """Return the envelope carrying ``raw``'s view, or set ``raw`` aside (None without an id)."""
        try:
            return ViewedUpdate(view_of(raw))
        except (TypeError, ValueError) as exc:
            return self.set_aside(raw, exc)

    def _accept(self, raw: Any) -> telegram.Update | None:
        update_id = raw.get("update_id") if isinstance(raw, dict) else None
        if update_id in self._replayed:
            # Saved at a forced stop before Telegram heard of it, so delivered again: its
            # replayed copy is processed; an empty stand-in moves the offset past this one.
            self._replayed.discard(update_id)
            self._duplicates.add(update_id)
            return telegram.Update(update_id=update_id)
        update = self.make_update(raw)
        if isinstance(update, ViewedUpdate):
            self._unfinished[update.update_id] = raw
        return update

    async def _confirm(self, fetch: Callable[[], Awaitable[list[Any]]]) -> tuple[telegram.Update, ...]:
        """Make PTB's last getUpdates call, which only confirms what was fetched.

        What it returns is dropped unconfirmed (Telegram sends it again), so it is not tracked.
        """
        try:
            await fetch()
        except TelegramError as exc:
            log.warning("Could not confirm the last fetched updates to Telegram (%s); "
                        "they may be delivered again after a restart.", exc)
        return ()

    async def _recover(self, exc: TelegramError) -> None:
        """Log a polling error once per streak and wait before the next try (cancellable)."""
        if isinstance(exc, InvalidToken):
            log.critical("Telegram rejected the bot token (401 Unauthorized) while polling; stopping.")
            if self._on_fatal is not None:
                self._on_fatal(exc)
            # Raising would end PTB's polling task with an error that breaks its shutdown;
            # wait instead: the stop under way cancels this.
            await asyncio.sleep(MAX_BACKOFF)
            return
        self._failures += 1
        if isinstance(exc, RetryAfter):
            # PTB's own retry loop reads the private timedelta too; the public int is deprecated.
            delay = _seconds(getattr(exc, "_retry_after", None) or exc.retry_after)
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

    def set_aside(self, raw: Any, error: Exception) -> telegram.Update | None:
        """Log and keep an update that cannot be processed; return a stand-in that moves the offset."""
        update_id = raw.get("update_id") if isinstance(raw, dict) else None
        reason = f"{type(error).__name__}: {error}"
        log.error("Update id=%s cannot be processed (%s); set aside%s and skipped.", update_id, reason,
                  f" in {self.dead_letters.path}" if self.dead_letters else "")
        if self.dead_letters is not None:
            self.dead_letters.add(raw, reason)
        if not isinstance(update_id, int):
            return None
        self._dead.add(update_id)
        # An empty update with the same id keeps the offset moving past the bad one.
        return telegram.Update(update_id=update_id)

    @classmethod
    def _warn(cls, message: str | PTBUserWarning, category: type[Warning] = PTBUserWarning,
              stacklevel: int = 0) -> None:
        # ScaleTG sends every reply through do_api_request by design.
        if "instead of 'Bot.do_api_request" in str(message):
            return
        super()._warn(message, category=category, stacklevel=stacklevel + 1)


class ScaleUpdater(Updater):
    """PTB's Updater that tells the bot when its last, confirming getUpdates comes."""

    async def start_polling(self, *args: Any, **kwargs: Any) -> asyncio.Queue[object]:
        if isinstance(self.bot, ScaleBot):
            self.bot.set_stopping(False)
        return await super().start_polling(*args, **kwargs)

    async def stop(self) -> None:
        if isinstance(self.bot, ScaleBot):
            self.bot.set_stopping(True)
        await super().stop()


def network_hint() -> str:
    """Say what to check when the Bot API cannot be reached."""
    return ("Check the network connection, the proxy settings (HTTPS_PROXY) and the Bot API URL "
            "(TELEGRAM_BASE_URL or 'base_url' in the config).")


def _seconds(value: Any) -> float:
    return value.total_seconds() if hasattr(value, "total_seconds") else float(value)
