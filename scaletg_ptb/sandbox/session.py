"""The sandbox's side of the chat: who is typing where, and what they do."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ..core import Update
from .commands import Action, Problem, Say, help_lines
from .console import Console
from .events import BotActions
from .everyday import Everyday
from .inhand import InHand, describe
from .render import Renderer, chat_tag
from .runner import BotRunner

Json = dict[str, Any]

DEFAULT_GROUP = "Sandbox group"


class Session(Everyday):
    """Act as one of the sandbox users in one chat, and follow what the bot makes of each action.

    With ``background`` (the default at a terminal) the next line can be typed while the bot works;
    otherwise (piped input) each action waits until the bot has processed it.
    """

    def __init__(self, runner: BotRunner, console: Console, renderer: Renderer, user_name: str,
                 *, wait: float = 30.0, background: bool | None = None) -> None:
        self.runner = runner
        self.emulator = runner.emulator
        self.console = console
        self.renderer = renderer
        self.wait = wait
        self.users: dict[str, Json] = {}  # by case-folded first name
        self.groups: dict[str, Json] = {}  # by case-folded title
        self._sent = 0  # updates made by the users' actions
        self.actions = BotActions(self.emulator, console, renderer, lambda: self.chat)
        self.user = self._user(user_name)
        self.chat = self.emulator.private_chat(self.user)
        self.background = console.interactive if background is None else background
        self.in_hand = InHand(runner, console, renderer, lambda: self.chat, wait)

    @property
    def tag(self) -> str:
        """Return the current chat's tag ("" for the private chat)."""
        return chat_tag(self.chat, self.chat["id"])

    def prompt(self) -> str:
        """Return the prompt for the next line."""
        return self.renderer.prompt(self.user["first_name"], self.tag, for_readline=self.console.line_editing)

    @property
    def busy(self) -> bool:
        """Tell whether the bot is still processing something the users did."""
        return self._sent > self.runner.processed and self.runner.running

    def close(self) -> None:
        """Stop showing what the bot does."""
        self.in_hand.close()
        self.actions.close()

    def run(self, action: Action) -> bool:
        """Carry out ``action``; return False when the user asked to quit."""
        if isinstance(action, Problem):
            self.console.show(self.renderer.problem(action.message))
        elif isinstance(action, Say):
            if not self.console.interactive:  # at a terminal the typed line already shows it
                self.console.show(*self.renderer.said(self.user["first_name"], self.tag, action.text))
            self._send("message", _quoted(action.text),
                       lambda: self.emulator.user_says(self.user, self.chat, action.text))
        elif action.name == "quit":
            return False
        else:
            handler: Callable[[str], None] = getattr(self, f"_on_{action.name}")
            handler(action.argument)
        return True

    # -- sandbox commands ------------------------------------------------------------------

    def _on_help(self, argument: str) -> None:
        self.console.show(*self.renderer.notices(help_lines()))

    def _on_edit(self, text: str) -> None:
        mine = [m for m in self.emulator.history(self.chat["id"])
                if m.get("from", {}).get("id") == self.user["id"] and "text" in m]
        if not mine:
            self.console.show(self.renderer.problem("You have sent no text message in this chat to edit."))
            return
        self.console.show(*self.renderer.said(self.user["first_name"], self.tag, text, edited=True))
        self._send("edited_message", f"the edit {_quoted(text)}",
                   lambda: self.emulator.user_edits(self.user, mine[-1], text))

    def _user(self, name: str) -> Json:
        """Return the user called ``name``, creating them on first use."""
        user = self.users.get(name.casefold())
        if user is None:
            username = re.sub(r"\W", "", name).lower()[:32] or None
            user = self.users[name.casefold()] = self.emulator.create_user(name, username=username)
            self.actions.know(self.emulator.private_chat(user))
        return user

    def _on_user(self, name: str) -> None:
        if not name:
            names = ", ".join(user["first_name"] for user in self.users.values())
            self.console.show(self.renderer.notice(f"Users: {names}. Switch with :user NAME."))
            return
        new = name.casefold() not in self.users
        self.user = self._user(name)
        if self.chat["type"] == "private":
            self.chat = self.emulator.private_chat(self.user)
        who = f"{self.user['first_name']} (a new user)" if new else self.user["first_name"]
        self.console.show(self.renderer.notice(f"Now chatting as {who}, {self._where()}."))

    def _on_group(self, title: str) -> None:
        title = title or DEFAULT_GROUP
        group = self.groups.get(title.casefold())
        if group is None:
            group = self.groups[title.casefold()] = self.emulator.create_group(title)
            self.actions.know(group)
        self.chat = group
        bot = self.runner.bot_username
        self.console.show(self.renderer.notice(
            f"Now chatting as {self.user['first_name']}, {self._where()}: every user can talk here. "
            f"Commands work as /start or /start@{bot}."))

    def _on_private(self, argument: str) -> None:
        self.chat = self.emulator.private_chat(self.user)
        self.console.show(self.renderer.notice(f"Now chatting as {self.user['first_name']}, {self._where()}."))

    def _where(self) -> str:
        if self.chat["type"] == "private":
            return f"in a private chat with @{self.runner.bot_username}"
        return f"in the group \"{self.chat['title']}\""

    # -- talking to the bot ----------------------------------------------------------------

    def _send(self, kind: str, what: str, act: Callable[[], Json]) -> None:
        """Do what the user does, then follow the update it makes (``what`` names it)."""
        try:
            payload = act()
        except ValueError as exc:  # e.g. the message with the button was deleted meanwhile
            self.console.show(self.renderer.problem(str(exc)))
            return
        self._follow(kind, what, _matcher(kind, payload))

    def _follow(self, kind: str, what: str, matches: Callable[[Update], bool]) -> None:
        """Follow an update the user made until the bot has processed it (in the background at a terminal)."""
        if kind not in self.runner.allowed_updates:
            self.console.show(self.renderer.notice(
                f"The bot does not receive {kind} updates (see polling.allowed_updates in the config)."))
            return
        if kind in ("message", "edited_message") and not self.emulator.bot_in_chat(self.chat["id"]):
            bot = self.runner.bot_username
            self.console.show(self.renderer.notice(
                f"@{bot} is not in this group: it gets nothing from here (:join @{bot} adds it)."))
            return
        self._sent += 1
        if self.background:
            self.in_hand.follow(matches, self.chat, what)
            return
        note = describe(self.runner.wait_processed(matches, self.wait), self.runner, self.wait)
        if note:
            self.console.show(self.renderer.notice(note))


def _matcher(kind: str, payload: Json) -> Callable[[Update], bool]:
    """Return a test that picks the update the emulator made for ``payload``."""
    if kind in ("callback_query", "inline_query"):
        return lambda update: update.type == kind and update.payload.id == payload["id"]
    chat_id, message_id = payload["chat"]["id"], payload["message_id"]
    return lambda update: (update.type == kind and update.payload.message_id == message_id
                           and update.payload.chat.id == chat_id)


def _quoted(text: str, limit: int = 30) -> str:
    """Quote a message's text for a one-line note, shortened."""
    flat = " ".join(text.split())
    return f'"{flat if len(flat) <= limit else flat[: limit - 1] + "…"}"'
