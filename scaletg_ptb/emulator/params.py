"""Bot API errors and typed parameters: decoding the strings clients send, and reading them."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping
from typing import Any

# PTB JSON-encodes every non-str value of a form; decode each name by what it holds
_INTS = frozenset(
    {
        "offset", "limit", "timeout", "message_id", "message_thread_id", "reply_to_message_id",
        "user_id", "cache_time", "width", "height", "duration", "max_connections", "correct_option_id",
    }
)  # fmt: skip
_CHAT_IDS = frozenset({"chat_id", "from_chat_id"})
_BOOLS = frozenset(
    {
        "disable_notification", "protect_content", "show_alert", "drop_pending_updates",
        "allow_sending_without_reply", "has_spoiler", "disable_web_page_preview",
        "disable_content_type_detection", "show_caption_above_media", "allow_paid_broadcast",
        "is_anonymous", "is_closed", "allows_multiple_answers", "allows_revoting", "members_only",
    }
)  # fmt: skip
_JSONS = frozenset(
    {
        "reply_markup", "reply_parameters", "allowed_updates", "entities", "caption_entities",
        "commands", "scope", "link_preview_options", "media", "message_ids", "reaction",
        "results", "options", "prices", "permissions", "menu_button", "rights", "correct_option_ids",
    }
)  # fmt: skip

CONFLICT = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"


class ApiError(Exception):
    """A Bot API error answer: ``{"ok": false, "error_code": ..., "description": ...}``."""

    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None) -> None:
        super().__init__(f"{code} {description}")
        self.code = code
        self.description = description
        self.parameters = parameters

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON body Telegram would send."""
        body: dict[str, Any] = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(what: str) -> ApiError:
    """Return a 400 error with Telegram's ``Bad Request:`` prefix."""
    return ApiError(400, f"Bad Request: {what}")


def _int(value: str) -> object:
    try:
        return int(value)
    except ValueError:
        pass
    try:
        return float(value)  # a fractional getUpdates timeout; integer() rejects it elsewhere
    except ValueError:
        return value


def decode(raw: Mapping[str, object]) -> dict[str, object]:
    """Turn the strings of a form into the values each parameter holds; JSON bodies pass through."""
    out: dict[str, object] = {}
    for name, value in raw.items():
        if isinstance(value, str):
            if name in _INTS or (name in _CHAT_IDS and not value.startswith("@")):
                value = _int(value)
            elif name in _BOOLS:
                value = {"true": True, "false": False, "1": True, "0": False}.get(value.lower(), value)
            elif name in _JSONS:  # never guess by shape: a text may well look like JSON
                with contextlib.suppress(ValueError):  # the method reports it as unparsable
                    value = json.loads(value)
        out[name] = value
    return out


def required(params: Mapping[str, object], name: str) -> object:
    """Return a parameter that must be present."""
    value = params.get(name)
    if value is None or value == "":
        raise bad_request(f"{name} is required")
    return value


def integer(params: Mapping[str, object], name: str, default: int | None = None) -> int | None:
    """Return an integer parameter, ``default`` when absent."""
    value = params.get(name)
    if value is None or value == "":
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        raise bad_request(f"invalid {name} specified")
    return value


def chat_ref(params: Mapping[str, object], name: str = "chat_id") -> int | str:
    """Return a required chat identifier: an int or an ``@username``."""
    value = required(params, name)
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise bad_request("chat not found")
    return value


def json_value(params: Mapping[str, object], name: str, kind: type, default: Any = None) -> Any:
    """Return a JSON parameter of the given kind (dict or list), ``default`` when absent."""
    value = params.get(name)
    if value is None or value == "":
        return default
    if not isinstance(value, kind):
        raise bad_request(f"can't parse {name} JSON object")
    return value


def text(params: Mapping[str, object], name: str, default: str | None = None) -> str | None:
    """Return a string parameter; numbers a JSON client sent are accepted as their text."""
    value = params.get(name)
    if value is None:
        return default
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise bad_request(f"invalid {name} specified")
    return value


def flag(params: Mapping[str, object], name: str) -> bool:
    """Return a boolean parameter, False when absent."""
    value = params.get(name)
    return value is True
