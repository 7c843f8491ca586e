"""How the sandbox chat looks: who said what, formatting, keyboards, albums, button answers and notices."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, TextIO

from .styling import styled

Json = dict[str, Any]

ARROW = "›"
_RESET = "\x1b[0m"
# What a message holds when it has no text, and how to name it.
_MEDIA = {
    "photo": "photo", "document": "document", "video": "video", "animation": "GIF", "audio": "audio",
    "voice": "voice message", "video_note": "video message", "sticker": "sticker", "dice": "dice",
    "location": "location", "venue": "venue", "contact": "contact", "poll": "poll",
}  # fmt: skip


def use_colour(stream: TextIO, environ: Mapping[str, str] | None = None) -> bool:
    """Tell whether to colour ``stream``: a terminal, NO_COLOR unset, TERM not dumb."""
    environ = os.environ if environ is None else environ
    if environ.get("NO_COLOR") or environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class Style:
    """Paint text with ANSI colours, or leave it plain."""

    USER, BOT, TAG, BUTTON, NOTICE, PROBLEM = "1;32", "1;36", "35", "33", "2", "31"

    def __init__(self, colour: bool) -> None:
        self.colour = colour

    def paint(self, text: str, code: str, *, for_readline: bool = False) -> str:
        """Return ``text`` in colour ``code``; ``for_readline`` marks the codes as zero-width."""
        if not self.colour or not text:
            return text
        start, end = f"\x1b[{code}m", _RESET
        if for_readline:
            start, end = f"\001{start}\002", f"\001{end}\002"
        return f"{start}{text}{end}"


def chat_tag(chat: Json, current_chat_id: int | None) -> str:
    """Name the chat in front of a line: groups always, other people's private chats too."""
    if chat.get("type") == "private":
        return "" if chat.get("id") == current_chat_id else f"[private: {chat.get('first_name', '?')}]"
    return f"[{chat.get('title', chat.get('id'))}]"


def content(message: Json, colour: bool = False) -> str:
    """Return the message as one text: its (formatted) text, or its media in brackets and the caption."""
    if message.get("text") is not None:
        return styled(str(message["text"]), message.get("entities"), colour)
    for key, name in _MEDIA.items():
        if key in message:
            detail = _detail(key, message[key])
            shown = f"[{name}: {detail}]" if detail else f"[{name}]"
            caption = message.get("caption")
            if caption:
                shown += " " + styled(str(caption), message.get("caption_entities"), colour)
            if key == "poll":
                shown += "".join(f"\n[{n}] {option['text']} ({option['voter_count']})"
                                 for n, option in enumerate(message["poll"].get("options", []), 1))
            return shown
    for key in ("new_chat_members", "left_chat_member"):
        if key in message:
            return _membership(message, key)
    return "[a kind of message the sandbox cannot show]"


def _membership(message: Json, key: str) -> str:
    actor = message.get("from", {}).get("first_name", "?")
    if key == "left_chat_member":
        return f"[{message[key].get('first_name')} left the group]"
    names = ", ".join(str(m.get("first_name")) for m in message[key])
    return f"[{names} joined the group]" if names == actor else f"[{actor} added {names}]"


def _detail(kind: str, value: Any) -> str:
    if not isinstance(value, dict):
        return ""
    if kind == "document":
        return str(value.get("file_name", ""))
    if kind in ("sticker", "dice"):
        return " ".join(str(value[k]) for k in ("emoji", "value") if k in value)
    if kind == "poll":
        return str(value.get("question", ""))
    if kind in ("location", "venue"):
        where = value.get("location", value)
        return f"{where.get('latitude')}, {where.get('longitude')}"
    if kind == "contact":
        return f"{value.get('first_name', '')} {value.get('phone_number', '')}".strip()
    return ""


def buttons(message: Json) -> list[Json]:
    """Return the message's inline buttons, row by row, as numbered on screen from 1."""
    rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    return [button for row in rows for button in row]


class Renderer:
    """Turn what happens in the sandbox into labelled, optionally coloured, terminal lines."""

    def __init__(self, bot_name: str, style: Style) -> None:
        self.bot_name = bot_name
        self.style = style

    def prompt(self, name: str, tag: str, *, for_readline: bool = False) -> str:
        """Return the input prompt, which is also the label of the user's lines."""
        return self._label(name, tag, "", Style.USER, for_readline)[1]

    def said(self, name: str, tag: str, text: str, *, edited: bool = False, via: str = "") -> list[str]:
        """Show a user's message (or its edit, or a message sent ``via`` an inline bot)."""
        suffix = " (edited)" if edited else f" via @{via}" if via else ""
        return self._block(self._label(name, tag, suffix, Style.USER), text)

    def message(self, message: Json, tag: str, *, edited: bool = False, screen: Json | None = None,
                album: list[int] | None = None) -> list[str]:
        """Show a bot message with its keyboard: inline buttons, or the reply keyboard it put on ``screen``."""
        width, label = self._label(self.bot_name, tag, " (edited)" if edited else "", Style.BOT)
        text = content(message, self.style.colour)
        if album is not None:  # an album shows as one message: a heading, then one line per item
            if album[0] > 0:
                return [" " * width + line for line in text.split("\n")]
            lines = self._block((width, label), f"[album of {album[1]}]")
            return lines + [" " * width + line for line in text.split("\n")]
        lines = self._block((width, label), text)
        lines += self._screen(screen, width)
        rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
        number = 0
        for row in rows:
            shown = []
            for button in row:
                number += 1
                shown.append(self.style.paint(f"[{number}] {button.get('text', '')}", Style.BUTTON)
                             + _button_kind(button))
            lines.append(" " * width + "  ".join(shown))
        return lines

    def _screen(self, markup: Json | None, width: int) -> list[str]:
        """Show a reply keyboard (numbered, marked ⌨), its removal, or a ForceReply."""
        if not markup:
            return []
        if markup.get("remove_keyboard"):
            return [" " * width + self.aside("the keyboard is removed")]
        if markup.get("force_reply"):
            hint = f": {markup['input_field_placeholder']}" if markup.get("input_field_placeholder") else ""
            return [" " * width + self.aside(f"asks for a reply{hint}; your next message answers it")]
        number, lines = 0, []
        for row in markup.get("keyboard") or []:
            shown = []
            for button in row:
                number += 1
                label = button if isinstance(button, str) else str(button.get("text", ""))
                kind = " (sends your contact)" if isinstance(button, dict) and button.get("request_contact") else \
                    " (sends your location)" if isinstance(button, dict) and button.get("request_location") else ""
                shown.append(self.style.paint(f"[{number}] {label}", Style.BUTTON) + kind)
            lines.append(" " * width + "⌨ " + "  ".join(shown))
        return lines

    def results(self, query: str, results: list[Json]) -> list[str]:
        """Show the bot's answer to an inline query as numbered results (title, description)."""
        width, label = self._label(self.bot_name, "", "", Style.BOT)
        if not results:
            return self._block((width, label), f'no results for "{query}"')
        lines = self._block((width, label), f'{len(results)} result{"s" * (len(results) != 1)} for "{query}":')
        for number, result in enumerate(results, 1):
            title = str(result.get("title") or result.get("id"))
            about = f" — {result['description']}" if result.get("description") else ""
            lines.append(" " * width + self.style.paint(f"[{number}] {title}", Style.BUTTON) + about)
        return lines

    def pressed(self, name: str, tag: str, button: Json) -> str:
        """Show a user pressing a button."""
        who = self.style.paint(f"{tag} {name}" if tag else name, Style.USER)
        return f"{who} pressed " + self.style.paint(f"[{button.get('text', '')}]", Style.BUTTON)

    def answered(self, event: Json) -> str | None:
        """Show the bot's answer to a button press, if it said anything."""
        if event.get("url"):
            return self.aside(f"{self.bot_name} answered the button with a link: {event['url']}")
        if not event.get("text"):
            return None
        how = " with an alert" if event.get("show_alert") else ""
        return self.aside(f"{self.bot_name} answered the button{how}: {event['text']}")

    def deleted(self, tag: str, preview: str | None) -> str:
        """Show that the bot deleted one of its messages."""
        where = f"{tag} " if tag else ""
        what = f': "{_shorten(preview)}"' if preview else ""
        return self.aside(f"{where}{self.bot_name} deleted a message{what}")

    def aside(self, text: str) -> str:
        """Show something the bot did that is not a message, in parentheses."""
        return self.style.paint(f"({text})", Style.NOTICE)

    def notice(self, text: str) -> str:
        """Show a message from the sandbox itself."""
        return self.style.paint(f"» {text}", Style.NOTICE)

    def notices(self, lines: list[str]) -> list[str]:
        """Show several lines from the sandbox, marked once."""
        return [self.notice(lines[0])] + [self.style.paint(f"  {line}", Style.NOTICE) for line in lines[1:]]

    def problem(self, text: str) -> str:
        """Show a mistake in what the user typed."""
        return self.style.paint(f"» {text}", Style.PROBLEM)

    def _label(self, name: str, tag: str, suffix: str, code: str,
               for_readline: bool = False) -> tuple[int, str]:
        plain = f"{tag} {name}{suffix} {ARROW} " if tag else f"{name}{suffix} {ARROW} "
        painted = (self.style.paint(tag, Style.TAG, for_readline=for_readline) + " " if tag else "") + \
            self.style.paint(f"{name}{suffix}", code, for_readline=for_readline) + f" {ARROW} "
        return len(plain), painted

    @staticmethod
    def _block(label: tuple[int, str], text: str) -> list[str]:
        width, painted = label
        first, *rest = text.split("\n") if text else [""]
        return [painted + first] + [" " * width + line if line else "" for line in rest]


def _button_kind(button: Json) -> str:
    if "callback_data" in button:
        return ""
    if "url" in button:
        return f" (link: {button['url']})"
    kind = next((key for key in button if key != "text"), "unknown")
    return f" ({kind} button)"


def _shorten(text: str, limit: int = 40) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
