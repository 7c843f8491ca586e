"""What a bot may put in a message: text and caption limits, parse modes and entities, inline keyboards."""

from __future__ import annotations

from typing import Any

from . import params as P
from .entities import detect, utf16_len
from .formatting import ParseError, normalise_url, parse_html
from .markdown import parse_markdown, parse_markdown_v2
from .params import bad_request

Json = dict[str, Any]
Params = dict[str, Any]

_PARSERS = {"html": parse_html, "markdown": parse_markdown, "markdownv2": parse_markdown_v2}
_PARSE_MODES = frozenset(_PARSERS)
# entities a detected link or command must not overlap (nor one detected already, or given)
_OPAQUE = frozenset({"code", "pre", "text_link", "custom_emoji", "url", "email", "mention", "hashtag",
                     "cashtag", "bot_command", "phone_number", "text_mention"})
ENTITY_TYPES = frozenset(
    {"mention", "hashtag", "cashtag", "bot_command", "url", "email", "phone_number", "bold", "italic",
     "underline", "strikethrough", "spoiler", "blockquote", "expandable_blockquote", "code", "pre",
     "text_link", "text_mention", "custom_emoji"}
)  # fmt: skip
_BUTTON_ACTIONS = frozenset(
    {"url", "callback_data", "web_app", "login_url", "switch_inline_query", "copy_text", "pay",
     "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "callback_game"}
)  # fmt: skip


def text_fields(
    p: Params, name: str, entities_name: str, limit: int, empty: str | None, too_long: str
) -> Json:
    """Validate a text or caption; parse its markup (or take its entities) as Telegram does."""
    value = P.text(p, name)
    if not value or not value.strip():
        if empty is not None:
            raise bad_request(empty)
        return {}
    parse_mode = P.text(p, "parse_mode")
    if parse_mode and parse_mode.lower() not in _PARSE_MODES:
        raise bad_request(f"unsupported parse_mode {parse_mode!r}")
    given = P.json_value(p, entities_name, list)
    entities: list[Json] = []
    if given is not None:  # explicit entities win over parse_mode, as on Telegram
        entities = checked_entities(given, value)
    elif parse_mode:
        try:
            value, entities = _PARSERS[parse_mode.lower()](value)
        except ParseError as err:
            raise bad_request(f"can't parse entities: {err}") from None
    if not value.strip():
        if empty is not None:
            raise bad_request(empty)
        return {}
    if utf16_len(value) > limit:
        raise bad_request(too_long)
    entities = merge(entities, detect(value))
    fields: Json = {name: value}
    if entities:
        fields[entities_name] = entities
    return fields


def checked_entities(given: list[Any], text: str) -> list[Json]:
    """Validate explicit MessageEntity objects against ``text`` (UTF-16 offsets)."""
    size, out = utf16_len(text), []
    for item in given:
        if not isinstance(item, dict) or not isinstance(item.get("offset"), int) \
                or not isinstance(item.get("length"), int):
            raise bad_request("can't parse entities JSON object")
        kind = item.get("type")
        if kind not in ENTITY_TYPES:
            raise bad_request(f"can't parse entities: unsupported entity type {kind!r}")
        if kind == "text_link" and normalise_url(str(item.get("url", ""))) is None:
            raise bad_request("can't parse entities: wrong HTTP URL")
        if item["offset"] < 0 or item["length"] <= 0 or item["offset"] >= size:
            continue  # Telegram drops entities outside the text
        out.append({**item, "length": min(item["length"], size - item["offset"])})
    return sorted(out, key=lambda e: (e["offset"], -e["length"]))


def merge(entities: list[Json], detected: list[Json]) -> list[Json]:
    """Add the detected URLs, mentions and commands that no code, link or such entity already covers."""
    if not detected:
        return entities
    blocked = [(e["offset"], e["offset"] + e["length"]) for e in entities if e["type"] in _OPAQUE]
    extra = [d for d in detected
             if not any(d["offset"] < end and start < d["offset"] + d["length"] for start, end in blocked)]
    return sorted(entities + extra, key=lambda e: (e["offset"], -e["length"]))


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
