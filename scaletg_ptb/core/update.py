"""Update: the view of one incoming Bot API update, with PTB's effective_* shortcuts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._frozen import freeze_mapping
from ._schema import KIND_TYPES
from .objects import TelegramObject, _init, wrap
from .views import Chat, Message, User

# Which field of each kind's payload holds the chat / the user, as PTB's Update.effective_*.
_MESSAGE_KINDS = (
    "message", "edited_message", "channel_post", "edited_channel_post",
    "business_message", "edited_business_message", "guest_message",
)
_CHAT_OF = {
    **dict.fromkeys(_MESSAGE_KINDS, ("chat",)),
    **dict.fromkeys(
        ("deleted_business_messages", "my_chat_member", "chat_member", "chat_join_request",
         "chat_boost", "removed_chat_boost", "message_reaction", "message_reaction_count"),
        ("chat",),
    ),
    "callback_query": ("message", "chat"),
}
_USER_OF = {
    **dict.fromkeys(_MESSAGE_KINDS, ("from",)),
    **dict.fromkeys(
        ("inline_query", "chosen_inline_result", "callback_query", "shipping_query",
         "pre_checkout_query", "my_chat_member", "chat_member", "chat_join_request",
         "purchased_paid_media"),
        ("from",),
    ),
    **dict.fromkeys(
        ("poll_answer", "message_reaction", "business_connection", "managed_bot"), ("user",)
    ),
}


class Update(TelegramObject):
    """One incoming update: `update_id` plus one field named after its kind."""

    __slots__ = ()
    _api_types = ("Update",)

    def __init__(self, raw: Mapping[str, Any]) -> None:
        """Copy `raw` (a Bot API Update dict) once into a frozen view."""
        if not isinstance(raw, Mapping):
            raise ValueError(f"Update needs a mapping (a Bot API Update), got {type(raw).__name__}.")
        update_id = raw.get("update_id")
        if type(update_id) is not int:
            problem = "has no 'update_id'" if update_id is None else f"has update_id={update_id!r}"
            raise ValueError(f"Update {problem}: a Bot API Update needs an int update_id.")
        _init(self, freeze_mapping(raw), "Update")

    @property
    def id(self) -> int:
        """Return the update_id."""
        return self._data["update_id"]

    @property
    def type(self) -> str | None:
        """Return the update kind ("message", ...; also unknown ones), None if there is none."""
        keys = self._data.keys()
        for key in keys:
            if key in KIND_TYPES:
                return key
        # A kind newer than this library: whatever else the update carries.
        return next((key for key in keys if key != "update_id"), None)

    @property
    def payload(self) -> Any:
        """Return the view of the update's kind (e.g. the Message of a "message" update)."""
        kind = self.type
        return None if kind is None else self[kind]

    @property
    def effective_chat(self) -> Chat | None:
        """Return the chat the update happened in, None if it has none (e.g. inline_query)."""
        return _as(Chat, self._follow(_CHAT_OF, ("chat",)))

    @property
    def effective_user(self) -> User | None:
        """Return the user who caused the update, if any (e.g. a callback query's from)."""
        for path in self._paths(_USER_OF, ("from",), ("user",)):
            user = _as(User, self._walk(path))
            if user is not None:
                return user
        return None

    @property
    def effective_message(self) -> Message | None:
        """Return the update's message, also a callback query's (even an inaccessible one)."""
        kind = self.type
        if kind in _MESSAGE_KINDS:
            message = self.payload
        elif kind == "callback_query":
            # Like PTB 22 at runtime: an inaccessible message (date 0: only chat and message_id)
            # is still returned, so respond() keeps working on old buttons.
            message = self._walk(("message",))
        else:
            return None
        return message if isinstance(message, Message) else None

    def _follow(self, table: dict[str, tuple[str, ...]], fallback: tuple[str, ...]) -> Any:
        """Walk the path `table` gives for this kind (unknown kinds: `fallback`)."""
        for path in self._paths(table, fallback):
            return self._walk(path)
        return None

    def _paths(self, table: dict[str, tuple[str, ...]], *fallbacks: tuple[str, ...]) -> Any:
        """Return the payload paths to try for this update's kind."""
        kind = self.type
        if kind in table:
            return (table[kind],)
        # PTB knows no newer kinds; their payload's own chat/from is the best guess.
        return () if kind is None or kind in KIND_TYPES else fallbacks

    def _walk(self, path: tuple[str, ...]) -> Any:
        """Follow field names from the payload; None as soon as one is missing."""
        value = self.payload
        for name in path:
            if not isinstance(value, TelegramObject) or name not in value:
                return None
            value = value[name]
        return value


def _as(cls: type[TelegramObject], value: Any) -> Any:
    """Return `value` as a view of `cls`, None if it is no object at all."""
    if isinstance(value, cls):
        return value
    if type(value) is TelegramObject:  # an undocumented (newer) kind's chat/from: a guess
        return wrap(value.raw, cls._api_types[0])  # type: ignore[arg-type]
    return None
