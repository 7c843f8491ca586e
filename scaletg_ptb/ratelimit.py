"""A proactive rate limiter with Telegram's published limits, for broadcast-heavy bots.

Telegram asks bots to stay under about 30 messages per second overall, about one message per
second in one chat (short bursts are tolerated) and 20 messages per minute in one group. Each
limit is a GCRA bucket: a call reserves the earliest slot its chat allows and waits for it,
then does the same with the bot-wide bucket. Reserving is synchronous, so concurrent senders
queue in call order.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

# Chat buckets are dropped once they are full again; only sweep when many have piled up.
_SWEEP_AT = 4096


@dataclass(frozen=True)
class Limit:
    """``burst`` calls at once, then one every ``interval`` seconds."""

    interval: float
    burst: int

    def reserve(self, tat: float, earliest: float) -> tuple[float, float]:
        """Return (start, new_tat): the first slot at or after ``earliest``, and the new state.

        ``tat`` is GCRA's theoretical arrival time: when the bucket would be full again.
        """
        start = max(earliest, tat - (self.burst - 1) * self.interval)
        return start, max(tat, start) + self.interval


OVERALL = Limit(1 / 30, 30)
PRIVATE_CHAT = Limit(1.0, 3)
GROUP_CHAT = Limit(60 / 20, 20)


class TelegramRateLimiter:
    """Space out calls to stay within Telegram's per-chat, per-group and overall limits."""

    def __init__(self, clock: Callable[[], float], sleep: Callable[[float], Awaitable[Any]]) -> None:
        self._clock = clock
        self._sleep = sleep
        self._overall = 0.0
        self._chats: dict[str, float] = {}

    async def acquire(self, chat: str) -> None:
        """Wait for a slot for one call to ``chat``: first the chat's, then the bot's."""
        now = self._clock()
        if len(self._chats) >= _SWEEP_AT:
            self._chats = {key: tat for key, tat in self._chats.items() if tat > now}
        # Negative ids and @usernames are groups, supergroups or channels: the per-minute limit.
        limit = GROUP_CHAT if chat.startswith(("-", "@")) else PRIVATE_CHAT
        start, self._chats[chat] = limit.reserve(self._chats.get(chat, now), now)
        if start > now:
            await self._sleep(start - now)
        # The bot-wide slot is taken only once the chat's has come: reserving it ahead would
        # hold back other chats for a call that is not ready to go.
        now = self._clock()
        start, self._overall = OVERALL.reserve(self._overall, now)
        if start > now:
            await self._sleep(start - now)
