"""PTB's ExtBot with a bound on Bot API requests in flight (an HTTP client: no update bookkeeping)."""

from __future__ import annotations

import asyncio
from typing import Any

from telegram.ext import ExtBot
from telegram.warnings import PTBUserWarning


class ScaleBot(ExtBot[None]):
    """PTB's ExtBot that queues Bot API requests beyond ``max_requests`` in FIFO order."""

    def __init__(self, *args: Any, max_requests: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._in_flight = asyncio.Semaphore(max_requests) if max_requests else None

    async def _do_post(self, endpoint: str, *args: Any, **kwargs: Any) -> Any:
        if endpoint == "getUpdates" or self._in_flight is None:
            return await super()._do_post(endpoint, *args, **kwargs)
        # httpcore scans its whole queue for every request it assigns: keeping the queue here,
        # in a FIFO semaphore, makes a burst of replies cost linear instead of quadratic CPU.
        async with self._in_flight:
            return await super()._do_post(endpoint, *args, **kwargs)

    @classmethod
    def _warn(cls, message: str | PTBUserWarning, category: type[Warning] = PTBUserWarning,
              stacklevel: int = 0) -> None:
        # ScaleTG sends every reply through do_api_request by design.
        if "instead of 'Bot.do_api_request" in str(message):
            return
        super()._warn(message, category=category, stacklevel=stacklevel + 1)
