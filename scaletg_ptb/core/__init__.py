"""The sans-I/O core: read-only views over Telegram update dicts, and the Reply type.

Never imports `telegram` and never does I/O, so apps and their tests need neither.
"""

from ._schema import UPDATE_KINDS
from .objects import TelegramObject
from .replies import InvalidReplyError, Reply, to_reply
from .update import Update
from .views import CallbackQuery, Chat, Message, User

__all__ = [
    "UPDATE_KINDS",
    "CallbackQuery",
    "Chat",
    "InvalidReplyError",
    "Message",
    "Reply",
    "TelegramObject",
    "Update",
    "User",
    "to_reply",
]
