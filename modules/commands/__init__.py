"""Parse bot commands (``/start``, ``/start@ThisBot args``) addressed to this bot.

In groups several bots share the chat, so ``/start@OtherBot`` is not ours: ``parse`` and
``match`` return None for it. The bot's own username comes from the running bot; pass
``bot_username`` to override it (for example in a unit test outside the runner).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from scaletg_ptb import bot_info

__all__ = ["Command", "parse", "match", "is_command"]

_COMMAND = re.compile(r"^/([A-Za-z0-9_]{1,32})(?:@([A-Za-z0-9_]{1,64}))?(?:\s+(.*))?$", re.DOTALL)


@dataclass(frozen=True)
class Command:
    """A command: ``/name@mention args``."""

    name: str  # lower-case, without the slash
    args: str  # everything after the command, stripped
    mention: str | None = None  # the @BotName it was addressed to, if any

    @property
    def arguments(self) -> list[str]:
        """Return the arguments split on white space."""
        return self.args.split()


def is_command(text: str | None) -> bool:
    """Tell whether ``text`` starts with a command, for any bot."""
    return bool(text) and _COMMAND.match(text) is not None  # type: ignore[arg-type]


def parse(update: Any, bot_username: str | None = None) -> Command | None:
    """Return the command of a new message if it is addressed to this bot, else None."""
    if update.type != "message":
        return None  # edits, callbacks and channel posts do not trigger commands
    found = _COMMAND.match(update.message.text or "")
    if found is None:
        return None
    name, mention, args = found.groups()
    if mention is not None and mention.lower() != (_own_username(bot_username) or "").lower():
        return None
    return Command(name=name.lower(), args=(args or "").strip(), mention=mention)


def match(update: Any, *names: str, bot_username: str | None = None) -> Command | None:
    """Return the command if it is one of ``names`` and addressed to this bot, else None."""
    command = parse(update, bot_username)
    if command is None or command.name not in names:
        return None
    return command


def _own_username(explicit: str | None) -> str | None:
    if explicit is not None:
        return explicit
    try:
        return bot_info().username
    except RuntimeError:  # outside the runner nobody knows the bot's name
        return None
