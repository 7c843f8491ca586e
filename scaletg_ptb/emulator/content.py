"""What a bot may put in a message: text and caption limits, parse modes, inline keyboards."""

from __future__ import annotations

from typing import Any

from . import params as P
from .entities import detect
from .params import bad_request

Json = dict[str, Any]
Params = dict[str, Any]

_PARSE_MODES = frozenset({"html", "markdown", "markdownv2"})
_BUTTON_ACTIONS = frozenset(
    {"url", "callback_data", "web_app", "login_url", "switch_inline_query", "copy_text", "pay",
     "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "callback_game"}
)  # fmt: skip


def text_fields(
    p: Params, name: str, entities_name: str, limit: int, empty: str | None, too_long: str
) -> Json:
    """Validate a text or caption; entities are the given ones, or detected as Telegram does."""
    value = P.text(p, name)
    if not value or not value.strip():
        if empty is not None:
            raise bad_request(empty)
        return {}
    if len(value) > limit:
        raise bad_request(too_long)
    parse_mode = P.text(p, "parse_mode")
    if parse_mode and parse_mode.lower() not in _PARSE_MODES:
        raise bad_request(f"unsupported parse_mode {parse_mode!r}")
    fields: Json = {name: value}
    # with a parse_mode the text is kept as sent (markup unparsed), so no entities are guessed
    entities = P.json_value(p, entities_name, list) or (None if parse_mode else detect(value))
    if entities:
        fields[entities_name] = entities
    return fields


def inline_markup(p: Params) -> Json | None:
    """Return reply_markup if it is an inline keyboard (only those show in a Message), validated."""
    markup = p.get("reply_markup")
    if markup is None or markup == "":
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    rows = markup.get("inline_keyboard")
    if rows is None:
        return None  # a reply keyboard or its removal: not part of the Message
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays')
    for row in rows:
        for button in row:
            if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                raise bad_request(
                    "can't parse inline keyboard button: InlineKeyboardButton must be an Object"
                )
            if not _BUTTON_ACTIONS & button.keys():
                raise bad_request(
                    "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
                )
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= 64:
                raise bad_request("BUTTON_DATA_INVALID")
    return markup
