"""The Redis inbox's leases: the poller's (one ``getUpdates`` caller at a time) and a worker's heartbeat."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import time
from collections.abc import Callable

from ..errors import ConfigError
from .redis_link import RedisLink

log = logging.getLogger("scaletg_ptb.inbox")
POLLER_CHECK = 1.0  # seconds between a standby poller's looks at the lease
LEASE_MARGIN = 5.0  # seconds a lease must exceed the poll timeout by (a getUpdates call ends within it)


def check_poller_lease(lease: float, poll_timeout: float) -> None:
    """Refuse a lease a getUpdates call could outlast (two pollers would then overlap: 409 Conflict)."""
    if lease <= poll_timeout + LEASE_MARGIN:
        raise ConfigError(f"'processing.lease' ({lease:g} s) must exceed 'polling.timeout' ({poll_timeout:g} s) by "
                          f"more than {LEASE_MARGIN:g} s, so a poller's getUpdates ends before another may take "
                          f"over. Raise the lease above {poll_timeout + LEASE_MARGIN:g} s or lower polling.timeout.")


class Leases:
    """Hold the poller lease when this process polls; send heartbeats when it works."""

    def __init__(self, link: RedisLink, owner: str, lease: float) -> None:
        self.link = link
        self.owner = owner
        self.lease = lease
        self.fence: str | None = None  # set while this process holds the poller lease
        self._standing_by = False
        self._heartbeat: asyncio.Task[None] | None = None

    @property
    def lease_ms(self) -> int:
        return int(self.lease * 1000)

    async def lead_polling(self) -> int | None:
        """Return once this process holds the poller lease (renewed); the offset to use after a takeover."""
        while True:
            reply = await self.link.script("POLLER", self.owner, self.lease_ms)
            if reply[0] == 1:
                self.fence = reply[1]
                return None
            if reply[0] == 2:
                self.fence = reply[1]
                self._standing_by = False
                log.info("This process is now the active poller (fence %s), continuing from offset %s.",
                         reply[1], reply[2] or "none")
                return int(reply[2]) if reply[2] else None
            self.fence = None
            if not self._standing_by:
                self._standing_by = True
                log.info("Poller %s is active; this process stands by and takes over if it stops.", reply[1])
            await asyncio.sleep(min(POLLER_CHECK, self.lease / 4))

    def lost_polling(self) -> None:
        """Note that another poller took over: the batch in hand was not stored, and is not confirmed."""
        self.fence = None
        log.warning("Another poller took over the lease; this process's last batch was not stored (the active "
                    "poller fetches it) and it stands by.")

    def start_heartbeat(self, lock: asyncio.Lock, held: Callable[[], list[str]],
                        lose: Callable[[str], None]) -> None:
        """Renew the leases of the chats ``held()`` every third of the lease; ``lose`` the ones taken over.

        ``lock`` is the one claims and releases take, so the chats held cannot change meanwhile.
        """
        if self._heartbeat is None:
            self._heartbeat = asyncio.get_running_loop().create_task(self._beat(lock, held, lose),
                                                                     name="scaletg:inbox-heartbeat")

    async def _beat(self, lock: asyncio.Lock, held: Callable[[], list[str]], lose: Callable[[str], None]) -> None:
        info = json.dumps({"host": socket.gethostname(), "pid": os.getpid(), "started": time.time()})
        while True:
            async with lock:
                lost = await self.link.script("HEARTBEAT", self.owner, self.lease_ms, info, *held())
            for chat in lost:
                lose(chat)
            await asyncio.sleep(self.lease / 3)

    def stop(self) -> None:
        """Stop the heartbeats."""
        if self._heartbeat is not None:
            self._heartbeat.cancel()
            self._heartbeat = None

    async def leave(self) -> None:
        """Remove this worker's entry and give up the poller lease at once (a standby takes over)."""
        self.stop()
        await self.link.script("LEAVE", self.owner)
