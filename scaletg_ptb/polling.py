"""The fetching side: PTB's bot and updater, hardened for long polling.

* backpressure: no fetch while ``max_pending`` updates wait or run;
* Telegram's own JSON is kept for each update until it is processed, so the apps see exactly
  what Telegram sent and unfinished updates can be saved at a forced stop;
* one update that fails to parse is set aside instead of stalling the batch forever;
* polling errors back off here, where PTB's stop can cancel the wait at once, and a rejected
  token stops the runner instead of leaving an idle process.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from typing import Any

import telegram
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.ext import ExtBot, Updater
from telegram.warnings import PTBUserWarning

from .deadletters import DeadLetters
from .ordering import Backlog

log = logging.getLogger("scaletg_ptb.polling")
Json = dict[str, Any]
MAX_BACKOFF = 30.0


class ScaleBot(ExtBot[None]):
    """PTB's ExtBot with backpressure, raw JSON kept per update and fault-tolerant polling."""

    def __init__(self, *args: Any, backlog: Backlog | None = None, dead_letters: DeadLetters | None = None,
                 on_fatal: Callable[[Exception], None] | None = None, **kwargs: Any) -> None:
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
        self._last_batch: list[Any] | None = None  # the raw answer of the getUpdates under way
        self._failures = 0

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

    def raw_update(self, update_id: int) -> Json | None:
        """Return the update's JSON as Telegram sent it, while it is unfinished."""
        return self._unfinished.get(update_id)

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
        """Tell whether the update was set aside as unparsable."""
        return update_id in self._dead

    async def _post(self, endpoint: str, *args: Any, **kwargs: Any) -> Any:
        result = await super()._post(endpoint, *args, **kwargs)
        if endpoint == "getUpdates":
            self._last_batch = result if isinstance(result, list) else []
        return result

    async def get_updates(self, *args: Any, **kwargs: Any) -> tuple[telegram.Update, ...]:
        """Fetch the next batch: wait for room, survive bad updates and polling errors."""
        if self._stopping:
            return await self._confirm(*args, **kwargs)
        if self.backlog is not None:
            await self.backlog.wait_for_room()
        self._last_batch = None
        try:
            updates = await super().get_updates(*args, **kwargs)
        except TelegramError as exc:
            await self._recover(exc)
            return ()
        except Exception as exc:  # noqa: BLE001 - bad input must not stop polling
            if self._last_batch is None:  # failed before Telegram's answer was in: not bad input
                log.error("Polling failed unexpectedly: %s: %s", type(exc).__name__, exc, exc_info=exc)
                await self._recover(NetworkError(str(exc)))
                return ()
            updates = self._parse_one_by_one(self._last_batch, exc)
        self._failures = 0
        for raw in self._last_batch or ():
            if isinstance(raw, dict) and isinstance(raw.get("update_id"), int) \
                    and raw["update_id"] not in self._replayed:
                self._unfinished[raw["update_id"]] = raw
        if self._replayed:
            updates = tuple(self._unless_replayed(update) for update in updates)
        if self.backlog is not None:
            self.backlog.add(len(updates))
        return updates

    async def _confirm(self, *args: Any, **kwargs: Any) -> tuple[telegram.Update, ...]:
        """Make PTB's last getUpdates call, which only confirms what was fetched.

        What it returns is dropped unconfirmed (Telegram sends it again), so it is not tracked.
        """
        try:
            return await super().get_updates(*args, **kwargs)
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
            kind = "network error" if isinstance(exc, NetworkError) else "error"
            log.warning("Polling failed (%s: %s, %d in a row); retrying in %.1f s.", kind, exc,
                        self._failures, delay)
        await asyncio.sleep(delay)

    def _unless_replayed(self, update: telegram.Update) -> telegram.Update:
        """Replace an update fetched again after its replay by an empty stand-in (for the offset).

        Updates saved at a forced stop may not have been confirmed to Telegram yet, so it
        delivers them again; processing them twice would repeat their replies.
        """
        if update.update_id not in self._replayed:
            return update
        self._replayed.discard(update.update_id)
        self._duplicates.add(update.update_id)
        return telegram.Update(update_id=update.update_id)

    def _parse_one_by_one(self, batch: list[Any], exc: Exception) -> tuple[telegram.Update, ...]:
        """Parse each update alone; set aside those that fail, keeping their id for the offset."""
        updates = []
        for raw in batch:
            try:
                update = telegram.Update.de_json(raw, self)
                self.insert_callback_data(update)
            except Exception as error:  # noqa: BLE001 - bad input is set aside, never fatal
                update = self.set_aside(raw, error)
            if update is not None:
                updates.append(update)
        log.debug("Batch of %d updates parsed one by one after %r", len(batch), exc)
        return tuple(updates)

    def set_aside(self, raw: Any, error: Exception) -> telegram.Update | None:
        """Log and keep an update that cannot be processed; return a stand-in that moves the offset."""
        update_id = raw.get("update_id") if isinstance(raw, dict) else None
        reason = f"{type(error).__name__}: {error}"
        log.error("Update id=%s could not be parsed (%s); set aside%s and skipped.", update_id, reason,
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


def _seconds(value: Any) -> float:
    return value.total_seconds() if hasattr(value, "total_seconds") else float(value)
