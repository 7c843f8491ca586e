"""``python bot.py inbox`` on a Redis inbox: the counts, the workers alive, the active poller, repairs."""

from __future__ import annotations

from . import redis_admin as admin
from .command import age, describe
from .redis import RedisInbox


async def run_on_redis(url: str, action: str, ids: list[int] | None, dead_letter_days: float = 30.0,
                       show_content: bool = False) -> str:
    """Carry out ``action`` (status, retry or drop) on the Redis inbox at ``url``; return what to print."""
    inbox = RedisInbox(url, dead_letter_days=dead_letter_days)  # not opened: it takes no chat and holds no lease
    try:
        await inbox.forget_expired()
        if action == "retry":
            count = await inbox.retry(ids)
            return f"Put {count} set-aside update(s) back; a worker processes them next (within a second if one runs)."
        if action == "drop":
            return f"Deleted {await inbox.drop(ids)} set-aside update(s)."
        text = describe(inbox.link.shown, await inbox.status(), await inbox.dead_letters(), show_content)
        return "\n".join([text, poller_line(await inbox.active_poller()), *worker_lines(await inbox.workers())])
    finally:
        await inbox.link.close()


def poller_line(poller: admin.PollerInfo | None) -> str:
    """Say which process polls Telegram."""
    if poller is None:
        return "Poller: none active (start python bot.py or python bot.py poll)"
    return f"Poller: {poller.id}  (lease {poller.lease_left:.0f} s left, fence {poller.fence})"


def worker_lines(workers: list[admin.WorkerInfo]) -> list[str]:
    """List the workers alive, with what each holds and its last heartbeat."""
    if not workers:
        return ["Workers alive: none"]
    lines = [f"Workers alive: {len(workers)}"]
    lines.extend(f"  {worker.id}  host {worker.host}  pid {worker.pid}  chats {worker.chats}  "
                 f"in progress {worker.in_progress}  heartbeat {age(worker.heartbeat_age)} ago"
                 for worker in workers)
    return lines
