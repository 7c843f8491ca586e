"""ScaleTG apps on python-telegram-bot long polling.

The public API: the read-only update views and ``Reply`` that apps use, the helpers an app
may call while it runs, and the pieces ``bot.py`` puts together.
"""

from typing import TYPE_CHECKING, Any

from .config import Config, load_config
from .context import Project, bot_info, download, download_async, enabled_commands, on_stop, project, send, send_async
from .core import CallbackQuery, Chat, InvalidReplyError, Message, Reply, TelegramObject, Update, User
from .errors import ConfigError
from .logs import Redactor, configure_logging
from .registry import Registry

if TYPE_CHECKING:
    from .adapter import build_application


def __getattr__(name: str) -> Any:
    # Apps import this package for Update and Reply; only the runner needs PTB, so load it lazily.
    if name == "build_application":
        from .adapter import build_application

        return build_application
    raise AttributeError(f"module 'scaletg_ptb' has no attribute {name!r}")

__all__ = [
    "CallbackQuery",
    "Chat",
    "Config",
    "ConfigError",
    "InvalidReplyError",
    "Message",
    "Project",
    "Redactor",
    "Registry",
    "Reply",
    "TelegramObject",
    "Update",
    "User",
    "bot_info",
    "build_application",
    "configure_logging",
    "download",
    "download_async",
    "enabled_commands",
    "load_config",
    "on_stop",
    "project",
    "send",
    "send_async",
]
