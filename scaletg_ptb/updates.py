"""PTB's Update as a light envelope around ScaleTG's view of Telegram's JSON.

python-telegram-bot's Application needs a ``telegram.Update`` to route; building PTB's whole
object tree for every update would cost more CPU than the rest of the runner, and nothing here
reads it: the apps get ``scaletg_ptb.Update`` views. So the envelope holds only the id, and
the view.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import telegram

from .core import TelegramObject, Update


class ViewedUpdate(telegram.Update):
    """A ``telegram.Update`` with only ``update_id`` set, carrying the ScaleTG view."""

    __slots__ = ("_view",)

    def __init__(self, view: Update) -> None:
        super().__init__(update_id=view.id)
        self._view = view  # underscore names stay settable on PTB's frozen objects

    @property
    def view(self) -> Update:
        """Return ScaleTG's read-only view of the update."""
        return self._view


def view_of(raw: Any) -> Update:
    """Return the view of ``raw``; raise ValueError if its shape would mislead the apps."""
    view = Update(raw)  # ValueError unless a mapping with an integer update_id
    if view.type is not None and not isinstance(view.payload, TelegramObject):
        raise ValueError(f"the {view.type!r} of the update is not an object")
    if view.type is not None:
        _check_parties(view.type, view.payload.raw)
    return view


_PARTIES = ("chat", "from", "user", "sender_chat")


def _check_parties(where: str, payload: Mapping[str, Any], depth: int = 0) -> None:
    """Check that who sent it and where are objects with numeric ids (ordering and replies use them)."""
    for name in _PARTIES:
        if name in payload and not _has_numeric_id(payload[name]):
            raise ValueError(f"'{where}.{name}' is not an object with a numeric id")
    nested = payload.get("message")  # a callback query's message
    if depth == 0 and isinstance(nested, Mapping):
        _check_parties(f"{where}.message", nested, depth + 1)


def _has_numeric_id(value: Any) -> bool:
    identifier = value.get("id") if isinstance(value, Mapping) else None
    return isinstance(identifier, int) and not isinstance(identifier, bool)
