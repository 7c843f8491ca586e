"""How the sandbox chat looks: who said what, keyboards, button answers and notices, as lines."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, TextIO

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


def content(message: Json) -> str:
    """Return the message as one text: its text, or its media in brackets and the caption."""
    if message.get("text") is not None:
        return str(message["text"])
    for key, name in _MEDIA.items():
        if key in message:
            detail = _detail(key, message[key])
            shown = f"[{name}: {detail}]" if detail else f"[{name}]"
            caption = message.get("caption")
            return f"{shown} {caption}" if caption else shown
    return "[a kind of message the sandbox cannot show]"


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

    def said(self, name: str, tag: str, text: str, *, edited: bool = False) -> list[str]:
        """Show a user's message (or its edit)."""
        return self._block(self._label(name, tag, " (edited)" if edited else "", Style.USER), text)

    def message(self, message: Json, tag: str, *, edited: bool = False) -> list[str]:
        """Show a bot message with its inline keyboard, one numbered button each."""
        width, label = self._label(self.bot_name, tag, " (edited)" if edited else "", Style.BOT)
        lines = self._block((width, label), content(message))
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
