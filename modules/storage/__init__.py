"""Per-chat, per-user and bot-wide data that survives restarts, reloads and many workers.

In a plain ``def`` app::

    from modules.storage import chat_data

    def process(update):
        with chat_data(update) as data:          # this chat's dict, loaded now
            data["count"] = data.get("count", 0) + 1
            return str(data["count"])            # saved when the block ends without an exception

and ``async with chat_data(update) as data:`` in an ``async def`` app. ``user_data(update)`` is
the same per user (across chats), ``bot_data()`` one dict for the whole bot. Values are JSON.
While a block runs, other blocks of the same key wait (a lock per key: across processes with
Redis), so two updates of one user never lose each other's writes.

The data lives where the inbox does: a ``storage`` table in ``state/inbox.sqlite3`` (the
default), in Redis when the inbox is Redis, in memory with ``inbox: memory``. config.yaml may
say otherwise::

    modules:
      storage:
        url: redis://localhost:6379/0   # or sqlite, memory (default: follow the inbox)
        ttl: 86400                      # forget a key a day after its last save (default: never)
        lock_timeout: 30                # seconds a block waits for another block of its key
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import settings as _settings
from .blocks import Data
from .settings import Settings, parse_settings
from .stores import StorageError

__all__ = ["Data", "Settings", "StorageError", "bot_data", "chat_data", "setup", "user_data"]


def setup(settings: Mapping[str, Any]) -> None:
    """Take the settings from config.yaml; raise ValueError saying what is wrong."""
    _settings.current = parse_settings(settings)  # the registry calls setup once at start


def chat_data(update: Any, *, ttl: float | None = None) -> Data:
    """Return the block over the dict of ``update``'s chat (or of the chat with this id)."""
    chat_id = _id(update, "effective_chat", "chat_data",
                  "it has no chat (an inline query, say): use user_data(update)")
    return Data(f"chat:{chat_id}", f"chat_data of chat {chat_id}", ttl)


def user_data(update: Any, *, ttl: float | None = None) -> Data:
    """Return the block over the dict of ``update``'s user, across chats (or of the user with this id)."""
    user_id = _id(update, "effective_user", "user_data",
                  "it has no user (a channel post, say): use chat_data(update)")
    return Data(f"user:{user_id}", f"user_data of user {user_id}", ttl)


def bot_data(*, ttl: float | None = None) -> Data:
    """Return the block over the bot's one shared dict."""
    return Data("bot", "bot_data", ttl)


def _id(update: Any, attribute: str, helper: str, missing: str) -> int:
    if isinstance(update, int) and not isinstance(update, bool):
        return update
    owner = getattr(update, attribute, None)
    if owner is None:
        raise ValueError(f"{helper}(update) has nothing to key on for update id={getattr(update, 'id', '?')}: "
                         f"{missing}.")
    return int(owner.id)
