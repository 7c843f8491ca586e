"""Updates in hand: what to say about each one the users made, and following it off the input thread."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from ..core import Update
from ..dispatch import Outcome
from .console import Console
from .render import Renderer, chat_tag
from .runner import BotRunner

Json = dict[str, Any]
Matcher = Callable[[Update], bool]

MARK_AFTER = 0.5  # seconds before an update in hand gets a "… is working on" line


class InHand:
    """Follow the updates the users made, each in its own thread, so that the input stays free.

    A slow update gets one "…" line; when it is done, what nothing else showed (no app answered, a
    module dropped it, sending failed) is noted, tagged with its chat when that is not the current one.
    """

    def __init__(self, runner: BotRunner, console: Console, renderer: Renderer,
                 current_chat: Callable[[], Json], wait: float) -> None:
        self.runner, self.console, self.renderer = runner, console, renderer
        self.current_chat = current_chat
        self.wait = wait
        self._closed = threading.Event()

    def follow(self, matches: Matcher, chat: Json, what: str) -> None:
        """Wait for the update that ``matches`` (made in ``chat`` by ``what``) in the background."""
        threading.Thread(target=self._follow, args=(matches, chat, what), name="sandbox-in-hand",
                         daemon=True).start()

    def close(self) -> None:
        """Say nothing more."""
        self._closed.set()

    def _follow(self, matches: Matcher, chat: Json, what: str) -> None:
        outcome = self.runner.wait_processed(matches, min(MARK_AFTER, self.wait))
        if outcome is None and self.runner.running and self.wait > MARK_AFTER:
            self._show(chat, self.renderer.aside(f"{self._where(chat)}{self.renderer.bot_name} "
                                                 f"is working on {what}…"))
            outcome = self.runner.wait_processed(matches, self.wait - MARK_AFTER)
        note = describe(outcome, self.runner, self.wait)
        if note:
            where = self._where(chat)
            self._show(chat, self.renderer.notice(f"{where}{note}"))

    def _where(self, chat: Json) -> str:
        tag = chat_tag(chat, self.current_chat().get("id"))
        return f"{tag} " if tag else ""

    def _show(self, chat: Json, line: str) -> None:
        if not self._closed.is_set():
            self.console.show(line)


def describe(outcome: Outcome | None, runner: BotRunner, waited: float) -> str | None:
    """Say what happened to an update when nothing on screen shows it, else None."""
    if outcome is None and not runner.running:  # a --reload bot that failed to start
        return "The bot is not running: fix the error shown above and save; it gets this when it starts."
    if outcome is None:
        return f"The bot is still busy after {waited:g} s; its answer will show when it comes."
    if outcome.dropped_by:
        return f"Module '{outcome.dropped_by}' dropped the update: no app saw it."
    if outcome.app is None:
        return "No app answered."
    if outcome.reply is not None and not outcome.sent:
        return f"App '{outcome.app}' answered, but sending its {outcome.reply.method} failed (see the log)."
    return None
