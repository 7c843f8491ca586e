"""Show what the bot does as it happens: messages, edits, deletions, button and inline answers."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from ..emulator import Emulator, Event
from .console import Console
from .render import Renderer, chat_tag, content

Json = dict[str, Any]


class BotActions:
    """Print every bot action the emulator reports, tagged with its chat unless it is the current one."""

    def __init__(self, emulator: Emulator, console: Console, renderer: Renderer,
                 current_chat: Callable[[], Json]) -> None:
        self.console = console
        self.renderer = renderer
        self.current_chat = current_chat
        self._chats: dict[int, Json] = {}
        self._previews: dict[tuple[int, int], str] = {}  # what deleted messages said
        self._lock = threading.Lock()
        self._unsubscribe = emulator.subscribe(self._on_event)

    def know(self, chat: Json) -> None:
        """Remember ``chat`` so that actions in it can name it."""
        with self._lock:
            self._chats[chat["id"]] = chat

    def close(self) -> None:
        """Stop printing bot actions."""
        self._unsubscribe()

    def _on_event(self, event: Event) -> None:
        lines = self.lines(event)
        if lines:
            self.console.show(*lines)

    def lines(self, event: Event) -> list[str]:
        """Return the lines that show ``event`` (none for chat actions such as typing)."""
        kind = event.get("kind")
        if kind == "answer_callback":
            answer = self.renderer.answered(event)
            return [answer] if answer else []
        if kind == "answer_inline":
            return self.renderer.results(event.get("query", ""), event.get("results") or [])
        chat_id: int = event["chat_id"]
        with self._lock:
            chat = self._chats.get(chat_id, {"id": chat_id, "type": "group", "title": str(chat_id)})
        tag = chat_tag(chat, self.current_chat().get("id"))
        if kind in ("send", "edit"):
            message = event["message"]
            with self._lock:
                self._previews[(chat_id, message["message_id"])] = content(message)
            return self.renderer.message(message, tag, edited=kind == "edit", screen=event.get("reply_keyboard"),
                                         album=event.get("album"))
        if kind == "delete":
            with self._lock:
                preview = self._previews.pop((chat_id, event["message_id"]), None)
            return [self.renderer.deleted(tag, preview)]
        return []
