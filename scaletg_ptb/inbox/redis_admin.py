"""Reads and repairs of a Redis inbox that need no lease: counts, dead letters, workers, the poller."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .base import DeadLetter, Status
from .redis_link import RedisLink


@dataclass(frozen=True, slots=True)
class WorkerInfo:
    """A worker that sent a heartbeat recently: who, where, what it holds."""

    id: str
    host: str
    pid: int | None
    heartbeat_age: float  # seconds since its last heartbeat
    chats: int  # chats whose lease it holds
    in_progress: int  # updates whose apps it runs


@dataclass(frozen=True, slots=True)
class PollerInfo:
    """The process allowed to call getUpdates, and for how much longer without renewing."""

    id: str
    lease_left: float  # seconds
    fence: int


async def status(link: RedisLink) -> Status:
    """Return the counts: stored, in progress, set aside, and when the oldest was stored."""
    k = link.key
    total, running, dead, oldest = await link.pipeline(
        lambda pipe: pipe.hlen(k("updates")).hlen(k("running")).hlen(k("dead")).zrange(k("stored"), 0, 0,
                                                                                    withscores=True))
    when = datetime.fromtimestamp(oldest[0][1] / 1000).astimezone() if oldest else None
    return Status(total - running, running, dead, when)


def letter_of(text: str) -> DeadLetter:
    """Turn a stored dead letter (JSON) into a DeadLetter."""
    data: dict[str, Any] = json.loads(text)
    return DeadLetter(data.get("update_id"), data.get("chat"), data["reason"],
                      datetime.fromtimestamp(data["at"]).astimezone(), data.get("raw"))


async def dead_letters(link: RedisLink) -> list[DeadLetter]:
    """Return the set-aside updates, oldest first."""
    entries = await link.call(lambda: link.client.hvals(link.key("dead")))
    letters = [letter_of(text) for text in entries]
    return sorted(letters, key=lambda letter: (letter.at, letter.update_id or 0))


async def drop(link: RedisLink, update_ids: Iterable[int] | None) -> int:
    """Delete set-aside updates (all when None); return how many."""
    key, index = link.key("dead"), link.key("deadat")
    if update_ids is None:
        count, _ = await link.pipeline(lambda pipe: pipe.hlen(key).delete(key, index))
        return int(count)
    ids = [str(update_id) for update_id in update_ids]
    if not ids:
        return 0
    count, _ = await link.pipeline(lambda pipe: pipe.hdel(key, *ids).zrem(index, *ids))
    return int(count)


async def forget_dead_letters(link: RedisLink, days: float) -> int:
    """Delete the set-aside updates older than ``days`` (people's messages are not kept forever)."""
    forgotten = 0
    while (count := int(await link.script("FORGET_DEAD", repr(days * 86400)))) > 0:  # 1000 per script call
        forgotten += count
    return forgotten


async def chosen_letters(link: RedisLink, update_ids: Iterable[int] | None) -> list[DeadLetter]:
    """Return the set-aside updates with these ids (all when None)."""
    if update_ids is None:
        return await dead_letters(link)
    ids = [str(update_id) for update_id in update_ids]
    entries = await link.call(lambda: link.client.hmget(link.key("dead"), ids)) if ids else []
    return [letter_of(text) for text in entries if text is not None]


async def workers(link: RedisLink) -> list[WorkerInfo]:
    """Return the workers alive (a heartbeat within three leases), by id."""
    k = link.key
    (seconds, micros), beats, owners, running = await link.pipeline(
        lambda pipe: pipe.time().zrange(k("workers"), 0, -1, withscores=True).hvals(k("owner")).hvals(k("running")))
    now = seconds * 1000 + micros // 1000
    infos = await link.call(lambda: link.client.mget([k(f"worker:{wid}") for wid, _ in beats])) if beats else []
    result = []
    for (wid, beat), info in zip(beats, infos, strict=True):
        if info is None:  # its heartbeat entry expired: gone
            continue
        data = json.loads(info)
        result.append(WorkerInfo(wid, data.get("host", "?"), data.get("pid"), (now - beat) / 1000,
                                 owners.count(wid), running.count(wid)))
    return result


async def active_poller(link: RedisLink) -> PollerInfo | None:
    """Return the poller holding the lease, if any."""
    k = link.key
    holder, left, fence = await link.pipeline(
        lambda pipe: pipe.get(k("poller")).pttl(k("poller")).get(k("poller:fence")))
    if holder is None:
        return None
    return PollerInfo(holder, max(0, left) / 1000, int(fence or 0))
