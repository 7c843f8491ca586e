"""Update: the view of one incoming Bot API update, with PTB's effective_* shortcuts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._access import convert, get_data, init_view, wrap
from ._frozen import freeze_mapping, thaw
from ._schema import KIND_TYPES
from .objects import TelegramObject
from .views import Chat, Message, User

# Which field of each kind's payload holds the chat / the user, as PTB's Update.effective_*.
_MESSAGE_KINDS = frozenset({
    "message", "edited_message", "channel_post", "edited_channel_post",
    "business_message", "edited_business_message", "guest_message",
})
_CHAT_OF: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(_MESSAGE_KINDS, ("chat",)),
    **dict.fromkeys(
        ("deleted_business_messages", "my_chat_member", "chat_member", "chat_join_request",
         "chat_boost", "removed_chat_boost", "message_reaction", "message_reaction_count"),
        ("chat",),
    ),
    "callback_query": ("message", "chat"),
}
_USER_OF: dict[str, tuple[str, ...]] = {
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

    __slots__ = ("_kind",)
    _api_types = ("Update",)

    def __init__(self, raw: Mapping[str, Any]) -> None:
        """Copy `raw` (a Bot API Update dict) once into a frozen view."""
        if not isinstance(raw, Mapping):
            # The contract: ValueError for anything that is not a valid Bot API Update.
            raise ValueError(  # noqa: TRY004
                f"Update needs a mapping (a Bot API Update), got {type(raw).__name__}."
            )
        update_id = raw.get("update_id")
        if type(update_id) is not int:
            problem = "has no 'update_id'" if update_id is None else f"has update_id={update_id!r}"
            raise ValueError(f"Update {problem}: a Bot API Update needs an int update_id.")
        data = freeze_mapping(raw)
        init_view(self, data, "Update")
        _set_kind(self, _kind_of(data))

    @property
    def id(self) -> int:
        """Return the update_id."""
        return get_data(self)["update_id"]

    @property
    def type(self) -> str | None:
        """Return the update kind ("message", ...; also unknown ones), None if there is none."""
        return _get_kind(self)

    @property
    def payload(self) -> Any:
        """Return the view of the update's kind (e.g. the Message of a "message" update)."""
        kind = _get_kind(self)
        return None if kind is None else convert(self, kind, get_data(self)[kind])

    @property
    def effective_chat(self) -> Chat | None:
        """Return the chat the update happened in, None if it has none (e.g. inline_query)."""
        return _as(Chat, _walk(self, _path(_CHAT_OF, _get_kind(self), ("chat",))))

    @property
    def effective_user(self) -> User | None:
        """Return the user who caused the update, if any (e.g. a callback query's from)."""
        kind = _get_kind(self)
        user = _as(User, _walk(self, _path(_USER_OF, kind, ("from",))))
        if user is None and kind not in KIND_TYPES:
            user = _as(User, _walk(self, ("user",)))  # a newer kind may name it `user`
        return user

    @property
    def effective_message(self) -> Message | None:
        """Return the update's message, also a callback query's (even an inaccessible one)."""
        kind = _get_kind(self)
        if kind in _MESSAGE_KINDS:
            message = self.payload
        elif kind == "callback_query":
            # Like PTB 22 at runtime: an inaccessible message (date 0: only chat and message_id)
            # is still returned, so respond() keeps working on old buttons.
            message = _walk(self, ("message",))
        else:
            return None
        return message if isinstance(message, Message) else None

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle/copy as Update(plain copy of the raw update)."""
        return (Update, (thaw(get_data(self)),))


_get_kind = Update._kind.__get__  # type: ignore[attr-defined]
_set_kind = Update._kind.__set__  # type: ignore[attr-defined]


def _kind_of(data: Mapping[str, Any]) -> str | None:
    """Return the update kind: a known one first, else (a newer kind) any other key."""
    for key in data:
        if key in KIND_TYPES:
            return key
    return next((key for key in data if key != "update_id"), None)


def _path(table: Mapping[str, tuple[str, ...]], kind: str | None, guess: tuple[str, ...]) -> Any:
    """Return the payload path `table` gives for a kind; a newer kind's payload: `guess`."""
    if kind is None:
        return ()
    if kind in table:
        return table[kind]
    # PTB knows no newer kinds; their payload's own chat/from is the best guess.
    return () if kind in KIND_TYPES else guess


def _walk(update: Update, path: tuple[str, ...]) -> Any:
    """Follow field names from the payload; None as soon as one is missing (or path empty)."""
    if not path:
        return None
    value = update.payload
    for name in path:
        if not isinstance(value, TelegramObject) or name not in value:
            return None
        value = value[name]
    return value


def _as(cls: type[TelegramObject], value: Any) -> Any:
    """Return `value` as a view of `cls`, None if it is no object at all."""
    if isinstance(value, cls):
        return value
    if type(value) is TelegramObject:  # a newer kind's undocumented chat/from: a guess
        return wrap(get_data(value), cls._api_types[0])
    return None
