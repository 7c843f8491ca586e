"""What the bot visibly did, as the emulator reports it: sends, edits, deletions, button answers."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

Event = dict[str, Any]

_KINDS = ("send", "edit", "delete", "answer_callback")


@dataclass(frozen=True)
class CallbackAnswer:
    """The bot's answer to a button press (answerCallbackQuery)."""

    text: str | None  # the notification text, None for a silent answer
    show_alert: bool = False
    url: str | None = None


class ActionLog:
    """Every visible action of the bot, in order; exchanges read the slice made while they ran."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._events: list[Event] = []

    def record(self, event: Event) -> None:
        """Keep ``event`` if it is one a test can assert (called on the emulator's thread)."""
        if event.get("kind") in _KINDS:
            with self._lock:
                self._events.append(event)

    def mark(self) -> int:
        """Return a position to read from later with ``since``."""
        with self._lock:
            return len(self._events)

    def since(self, mark: int, chat_id: int) -> tuple[Event, ...]:
        """Return the actions in chat ``chat_id`` recorded after ``mark``."""
        with self._lock:
            return tuple(event for event in self._events[mark:] if event.get("chat_id") == chat_id)


def shown(text: str | None, longest: int = 200) -> str:
    """Return ``repr(text)``, shortened when long so that a failure stays readable."""
    if text is None or len(text) <= longest:
        return repr(text)
    return f"{text[:60]!r}… ({len(text)} characters)"


def text_of(message: Event) -> str | None:
    """Return a message's text, or its caption."""
    text = message.get("text")
    return text if text is not None else message.get("caption")


def describe(event: Event) -> str:
    """Say what one action did, for failure messages."""
    kind = event["kind"]
    if kind == "send":
        return f"sent {shown(text_of(event['message']))}"
    if kind == "edit":
        return f"edited message {event['message']['message_id']} to {shown(text_of(event['message']))}"
    if kind == "delete":
        return f"deleted message {event['message_id']}"
    text = event.get("text")
    alert = " as an alert" if event.get("show_alert") else ""
    return f"answered the button press with {shown(text)}{alert}" if text else "answered the button press (no text)"
