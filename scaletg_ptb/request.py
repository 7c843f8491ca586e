"""The HTTP client of every Bot API call but getUpdates: PTB's HTTPXRequest, queued in order.

httpcore scans its whole queue of waiting requests each time it hands out a connection, so a
burst of replies queued there costs quadratic CPU. Here the requests wait in a FIFO semaphore
as wide as the connection pool instead, so httpcore never queues and a burst stays linear.
getUpdates has its own request object (``get_updates_request``) and is never held up.
"""

from __future__ import annotations

import asyncio
from typing import Any

from telegram.request import HTTPXRequest


class BoundedRequest(HTTPXRequest):
    """PTB's HTTPXRequest with at most ``connections`` requests in flight, the others in order."""

    __slots__ = ("_connections", "_slots")

    def __init__(self, connections: int, **kwargs: Any) -> None:
        super().__init__(connection_pool_size=connections, **kwargs)
        self._connections = connections
        self._slots = asyncio.Semaphore(connections)

    @property
    def connections(self) -> int:
        """Return how many requests may be in flight at once."""
        return self._connections

    async def initialize(self) -> None:
        """Start a new lifecycle: a fresh queue, bound to the loop that runs it."""
        self._slots = asyncio.Semaphore(self._connections)
        await super().initialize()

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        """Wait for a free connection in FIFO order, then make the request."""
        async with self._slots:
            return await super().do_request(*args, **kwargs)
