"""The inbox between fetching and processing: ``sqlite`` (durable, the default), ``memory``, or Redis."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..urls import is_redis_url
from .base import DeadLetter, Inbox, InboxError, Status, chat_of

if TYPE_CHECKING:
    from ..config import Config

KINDS = ("sqlite", "memory")


def create_inbox(config: Config) -> Inbox:
    """Return the inbox the config asks for (not opened yet)."""
    processing = config.processing
    if is_redis_url(config.inbox):
        from .redis import RedisInbox

        # A worker holds only the chats it can run now (plain apps: one per thread), so that the
        # other chats of a burst go to idle workers instead of waiting behind a busy one.
        from .redis_leases import check_poller_lease

        check_poller_lease(processing.lease, config.polling.timeout)
        return RedisInbox(config.inbox, processing.max_pending, processing.max_attempts,
                          concurrency=min(processing.concurrency, processing.workers), lease=processing.lease,
                          dead_letter_days=config.dead_letter_days)
    if config.inbox == "memory":
        from .memory import MemoryInbox

        return MemoryInbox(processing.max_pending)
    from .sqlite import SqliteInbox

    return SqliteInbox(config.state_dir, processing.max_pending, processing.max_attempts, config.dead_letter_days)


__all__ = ["KINDS", "DeadLetter", "Inbox", "InboxError", "Status", "chat_of", "create_inbox"]
