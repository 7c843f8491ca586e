"""Reply: one Bot API call (method + params), and to_reply(): what an app's result means."""

from __future__ import annotations

import functools
import re
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .update import Update

_METHOD = re.compile(r"[a-z][A-Za-z]*")


class InvalidReplyError(TypeError):
    """An app's process() returned something that is not a valid reply."""


class Reply:
    """One Bot API call to make: `Reply("sendMessage", chat_id=1, text="hi")`.

    Params are passed on as Telegram takes them; a `pathlib.Path`, `bytes` or binary file
    object is a local file to upload (the sender converts it).
    """

    __slots__ = ("_method", "_params")

    _method: str
    _params: MappingProxyType[str, Any]

    def __init__(self, method: str, /, **params: Any) -> None:
        """Check the method name and keep a read-only copy of the params."""
        if not (isinstance(method, str) and _is_method_name(method)):
            raise ValueError(
                f"Reply method must be a Bot API method name like 'sendMessage' "
                f"(letters only, starting lowercase), got {method!r}."
            )
        object.__setattr__(self, "_method", method)
        # **params is already a fresh dict: only wrap it, nobody else holds it.
        object.__setattr__(self, "_params", MappingProxyType(params))

    @property
    def method(self) -> str:
        """Return the Bot API method name, e.g. 'sendMessage'."""
        return self._method

    @property
    def params(self) -> MappingProxyType[str, Any]:
        """Return the read-only mapping of the method's parameters."""
        return self._params

    def __setattr__(self, name: str, value: Any) -> None:
        """Refuse: replies are immutable."""
        raise AttributeError(f"cannot set {name!r}: Reply objects are read-only")

    def __delattr__(self, name: str) -> None:
        """Refuse: replies are immutable."""
        raise AttributeError(f"cannot delete {name!r}: Reply objects are read-only")

    def __eq__(self, other: object) -> bool:
        """Compare method and params."""
        if not isinstance(other, Reply):
            return NotImplemented
        return self._method == other._method and self._params == other._params

    def __hash__(self) -> int:
        """Hash the method and parameter names (values may be unhashable dicts)."""
        return hash((self._method, frozenset(self._params)))

    def __repr__(self) -> str:
        """Show the call as it would be written."""
        params = "".join(f", {name}={value!r}" for name, value in self._params.items())
        return f"Reply({self._method!r}{params})"

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle/copy as a fresh Reply."""
        return (_rebuild, (self._method, dict(self._params)))


@functools.lru_cache(maxsize=512)
def _is_method_name(method: str) -> bool:
    """Tell whether `method` looks like a Bot API method name (cached: replies are hot)."""
    return _METHOD.fullmatch(method) is not None


def _rebuild(method: str, params: dict[str, Any]) -> Reply:
    """Recreate a pickled Reply."""
    return Reply(method, **params)


def to_reply(value: object, *, app: str, update: Update) -> Reply | None:
    """Turn what an app's process() returned into the Reply to send (None: nothing to send)."""
    if value is None:
        return None
    if isinstance(value, Reply):
        return value
    if isinstance(value, str):
        if not value:
            return None
        chat = update.effective_chat
        if chat is None:
            raise InvalidReplyError(
                f"App {app!r} returned a str for update id={update.id} ({update.type}), which has "
                f"no chat to send it to; return a scaletg_ptb.Reply instead."
            )
        return Reply("sendMessage", chat_id=chat.id, text=value)
    raise InvalidReplyError(
        f"App {app!r} returned {type(value).__name__} for update id={update.id}; process() must "
        f'return None (not mine), "" (handled, nothing to send), a str (sent as a text message) '
        f"or a scaletg_ptb.Reply."
    )
