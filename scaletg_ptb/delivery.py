"""Deliver Bot API calls through Telegram's faults: flood waits, 5xx answers, lost connections.

The policy, per call (``delivery.max_retries`` bounds the retries of one call, causes together):

* 429 Too Many Requests: Telegram did not process the request. Every method waits the
  ``retry_after`` it was given and tries again. Only the chat that got the 429 pauses (other
  chats' sends go on), unless several chats are paused at once: see ``Pauses``. A wait longer
  than ``delivery.max_retry_after`` would hold the chat too long, so the call is given up.
* The request never reached Telegram (connect error or timeout, pool timeout, a failure while
  writing the request): every method is retried after an exponential back-off with jitter.
* Telegram answered 5xx (or a status PTB has no class for): it did not process the request;
  every method is retried after a back-off.
* The request may have reached Telegram (read timeout, connection dropped before the answer):
  idempotent methods (edits, deletes, answers to queries, chat actions, getters, setters) are
  retried after a back-off. The others (sendMessage, sendPhoto, forwardMessage, copyMessage, ...)
  follow ``delivery.uncertain``: ``resend`` (the default) retries them too, with a WARNING that
  the chat may get the message twice, since the runner as a whole is at-least-once and a lost
  reply is worse for most bots; ``give_up`` gives them up at once, so a lost reply is reported
  but never a duplicate sent.
* Everything else (400 Bad Request, 403 Forbidden, 401/404, a migrated chat, a local error) is
  final and re-raised unchanged for the caller to log.

A given-up call raises ``DeliveryFailed`` (a ``TelegramError``) saying why; the caller logs it
(the dispatcher does so once, naming the app). Each retry logs one WARNING.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from enum import Enum
from typing import Any, Protocol

import httpx
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError

from .config import DeliveryConfig
from .ptbcompat import retry_after_seconds
from .ratelimit import TelegramRateLimiter
from .request import NOT_SENT

log = logging.getLogger("scaletg_ptb.delivery")

# Paused chats at one moment from which a flood is taken to be the bot-wide limit (~30/s).
GLOBAL_FLOOD_CHATS = 3

_IDEMPOTENT_PREFIXES = ("get", "edit", "delete", "set", "answer", "pin", "unpin", "ban", "unban",
                        "restrict", "promote", "approve", "decline", "hide", "unhide", "read")
_IDEMPOTENT_METHODS = frozenset({"sendchataction", "stoppoll", "stopmessagelivelocation"})
# Transport errors raised before the whole request was handed to the server: it cannot have
# acted. The runner's aiohttp client's, and httpx's for a bot built on PTB's HTTPXRequest.
_NOT_SENT = (*NOT_SENT, httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.WriteError,
             httpx.WriteTimeout)


class ApiBot(Protocol):
    """What delivery needs of a bot: PTB's ``Bot.do_api_request``."""

    def do_api_request(self, endpoint: str, api_kwargs: dict[str, Any] | None = ...) -> Awaitable[Any]: ...


class Fault(Enum):
    """What a failed call tells about whether Telegram acted on it."""

    FLOOD = "flood control"  # 429: not processed; wait retry_after
    NOT_SENT = "never sent"  # the request never (fully) left: safe to repeat
    ANSWERED = "Telegram answered with an error"  # a 5xx: not processed
    UNKNOWN = "may have reached Telegram"  # repeat only idempotent methods
    FINAL = "final"  # a 4xx or a local error: repeating cannot help


class DeliveryFailed(TelegramError):
    """A call given up by the delivery policy; ``__cause__`` is the last error."""

    def __init__(self, message: str, attempts: int = 1, maybe_delivered: bool = False) -> None:
        super().__init__(message)
        self.attempts = attempts
        self.maybe_delivered = maybe_delivered


def classify(exc: BaseException) -> Fault:
    """Tell from PTB's exception whether Telegram may have processed the request."""
    if isinstance(exc, RetryAfter):
        return Fault.FLOOD
    if not isinstance(exc, NetworkError) or isinstance(exc, BadRequest):
        return Fault.FINAL
    cause = exc.__cause__
    if isinstance(cause, _NOT_SENT):
        return Fault.NOT_SENT
    # PTB raises a bare NetworkError, with no transport error as cause, for an HTTP answer it has
    # no class for: in practice a 5xx (a non-JSON body leaves a TelegramError as the cause).
    if type(exc) is NetworkError and (cause is None or isinstance(cause, TelegramError)):
        return Fault.ANSWERED
    return Fault.UNKNOWN  # read timeouts, dropped connections, unknown transport errors


def is_idempotent(method: str) -> bool:
    """Tell whether calling ``method`` twice leaves Telegram as calling it once would."""
    name = method.lower()  # Telegram ignores the case of method names
    return name in _IDEMPOTENT_METHODS or name.startswith(_IDEMPOTENT_PREFIXES)


def chat_key(params: Mapping[str, Any]) -> str | None:
    """Return the chat a call goes to (``@name`` or the id as text), or None."""
    chat = params.get("chat_id")
    return None if chat is None else str(chat)


class Pauses:
    """Until when each chat, and on a flood across chats every send, must wait.

    Telegram's flood limits are per chat plus one for the whole bot, and a 429 does not say
    which was hit. Pausing only the chat that got it keeps other chats' replies flowing; but
    when ``GLOBAL_FLOOD_CHATS`` chats are paused at the same moment the bot-wide limit is the
    likely cause, and letting every other chat find that out with its own 429 would only feed
    the flood, so then every send waits until the latest pause ends.
    """

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._chats: dict[str, float] = {}
        self._everything = 0.0

    def until(self, chat: str | None) -> float:
        """Return the clock time before which ``chat`` must not be sent to."""
        return max(self._everything, self._chats.get(chat, 0.0) if chat is not None else 0.0)

    def pause(self, chat: str | None, seconds: float) -> bool:
        """Pause ``chat`` for ``seconds``; return True if that paused every send."""
        now = self._clock()
        end = now + seconds
        self._chats = {key: until for key, until in self._chats.items() if until > now}
        if chat is not None:
            self._chats[chat] = max(end, self._chats.get(chat, 0.0))
        if len(self._chats) >= GLOBAL_FLOOD_CHATS and end > self._everything:
            self._everything = end
            return True
        return False


class Delivery:
    """Make Bot API calls under the delivery policy, sharing pauses and rate limits."""

    def __init__(self, config: DeliveryConfig | None = None, *,
                 sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
                 clock: Callable[[], float] = time.monotonic,
                 jitter: Callable[[], float] = random.random) -> None:
        self.config = config = config if config is not None else DeliveryConfig()
        self._sleep, self._clock, self._jitter = sleep, clock, jitter
        self.pauses = Pauses(clock)
        self.limiter = TelegramRateLimiter(clock, sleep) if config.rate_limit == "telegram" else None

    async def call(self, bot: ApiBot, method: str, params: Mapping[str, Any]) -> Any:
        """Call ``method`` with ``params``; retry per the policy; raise what is final."""
        chat = chat_key(params)
        call = _name(method, chat)
        retries = self.config.max_retries
        maybe_sent = False
        for attempt in range(retries + 1):
            await self._wait_turn(chat, params)
            try:
                return await bot.do_api_request(method, api_kwargs=dict(params))
            except Exception as exc:  # classified below; the final ones are re-raised as they are
                fault = classify(exc)
                if fault is Fault.FINAL:
                    if maybe_sent:
                        log.warning("%s: an earlier attempt may have succeeded before this error", call)
                    raise
                maybe_sent = maybe_sent or fault is Fault.UNKNOWN
                twice = fault is Fault.UNKNOWN and not is_idempotent(method)
                if twice and self.config.uncertain == "give_up":
                    raise DeliveryFailed(
                        f"{call} may or may not have reached Telegram "
                        f"({_describe(exc)}); not retried so that it is not sent twice "
                        f"(delivery.uncertain: give_up)", attempt + 1, maybe_delivered=True) from exc
                if attempt == retries:
                    raise DeliveryFailed(f"{call} gave up after {attempt + 1} attempts; "
                                         f"last error: {_describe(exc)}", attempt + 1, maybe_sent) from exc
                await self._wait_to_retry(exc, fault, call, chat, attempt + 1, twice)
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def _wait_turn(self, chat: str | None, params: Mapping[str, Any]) -> None:
        """Wait out the chat's flood pause, then the rate limiter's slot, if any."""
        while (delay := self.pauses.until(chat) - self._clock()) > 0:
            await self._sleep(delay)  # looped: another 429 may extend the pause meanwhile
        # Paid broadcasts have Telegram's own, much higher limit (1000/s): not ours to throttle.
        if self.limiter is not None and chat is not None and not params.get("allow_paid_broadcast"):
            await self.limiter.acquire(chat)

    async def _wait_to_retry(self, exc: Exception, fault: Fault, call: str, chat: str | None,
                             retry: int, twice: bool = False) -> None:
        """Log the retry and wait before it: the 429's retry_after, or a back-off.

        ``twice``: the failed attempt may have been delivered, so the retry may duplicate it.
        """
        retries = self.config.max_retries
        if isinstance(exc, RetryAfter):
            delay = retry_after_seconds(exc)
            if delay > self.config.max_retry_after:
                raise DeliveryFailed(
                    f"{call}: Telegram asks to wait {delay:g} s, more than "
                    f"delivery.max_retry_after ({self.config.max_retry_after:g} s); gave up",
                    retry) from exc
            log.warning("Telegram flood control on %s: pausing %s for %g s (retry %d of %d)", call,
                        "that chat" if chat is not None else "this call", delay, retry, retries)
            if self.pauses.pause(chat, delay):
                log.warning("Flood control in %d chats or more at once: pausing every send for %g s",
                            GLOBAL_FLOOD_CHATS, delay)
        elif twice:
            delay = self.backoff(retry)
            log.warning("%s may have reached Telegram (%s); sending it again in %.2f s (retry %d of %d): "
                        "a duplicate may have been delivered", call, _describe(exc), delay, retry, retries)
        else:
            delay = self.backoff(retry)
            log.warning("%s failed (%s, %s); retry %d of %d in %.2f s", call, _describe(exc),
                        fault.value, retry, retries, delay)
        await self._sleep(delay)

    def backoff(self, retry: int) -> float:
        """Return the seconds before retry number ``retry``: doubling, capped, jittered."""
        ceiling = min(self.config.backoff_max, self.config.backoff_base * 2.0 ** (retry - 1))
        # Half fixed so that the wait really grows, half random so that the chats hit by one
        # outage do not all come back in the same instant.
        return ceiling * (0.5 + self._jitter() / 2)


def _name(method: str, chat: str | None) -> str:
    return method if chat is None else f"{method} to chat {chat}"


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"
