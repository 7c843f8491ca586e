"""The inbox between fetching and processing: ``sqlite`` (durable, the default) or ``memory``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .base import DeadLetter, Inbox, InboxError, Status, chat_of

if TYPE_CHECKING:
    from ..config import Config

KINDS = ("sqlite", "memory")


def create_inbox(config: Config) -> Inbox:
    """Return the inbox the config asks for (not opened yet)."""
    processing = config.processing
    if config.inbox == "memory":
        from .memory import MemoryInbox

        return MemoryInbox(processing.max_pending)
    from .sqlite import SqliteInbox

    return SqliteInbox(config.state_dir, processing.max_pending, processing.max_attempts)


__all__ = ["KINDS", "DeadLetter", "Inbox", "InboxError", "Status", "chat_of", "create_inbox"]
