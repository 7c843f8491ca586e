"""The sandbox commands for the everyday Bot API: buttons of both keyboards, inline mode, files, members, polls."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core import Update
from ..emulator import Emulator
from .console import Console
from .render import Renderer, buttons, content
from .runner import BotRunner

Json = dict[str, Any]


class Everyday:
    """Sandbox commands that act on what the bot showed: keyboards, inline results, polls; and files, members."""

    emulator: Emulator
    console: Console
    renderer: Renderer
    runner: BotRunner
    user: Json
    chat: Json
    _inline: Json | None = None  # the latest inline query: its id and the chat it was typed in

    if TYPE_CHECKING:  # provided by Session
        tag: str

        def _send(self, kind: str, what: str, act: Callable[[], Json]) -> None: ...
        def _follow(self, kind: str, what: str, matches: Callable[[Update], bool]) -> None: ...
        def _user(self, name: str) -> Json: ...

    def _show_said(self, text: str, via: str = "") -> None:
        self.console.show(*self.renderer.said(self.user["first_name"], self.tag, text, via=via))

    def _problem(self, text: str) -> None:
        self.console.show(self.renderer.problem(text))

    def _aside(self, text: str) -> None:
        self.console.show((f"{self.tag} " if self.tag else "") + self.renderer.aside(text))

    # -- keyboards -------------------------------------------------------------------------

    def _on_press(self, reference: str) -> None:
        message = next((m for m in reversed(self.emulator.bot_messages(self.chat["id"])) if buttons(m)), None)
        screen = self.emulator.reply_keyboard(self.chat["id"])
        if screen is not None and (message is None or screen["message_id"] > message["message_id"]):
            return self._press_reply(screen["markup"], reference)
        if message is None:
            return self._problem("The bot has sent no buttons in this chat yet.")
        found = _find_button(buttons(message), reference)
        if isinstance(found, str):
            return self._problem(found)
        self.console.show(self.renderer.pressed(self.user["first_name"], self.tag, found))
        self._send("callback_query", f"the press of [{found.get('text', '')}]", lambda: self.emulator.press_button(
            self.user, message, found["callback_data"], text=found.get("text")))

    def _press_reply(self, markup: Json, reference: str) -> None:
        options = [b if isinstance(b, dict) else {"text": b} for row in markup.get("keyboard", []) for b in row]
        found = _pick(options, reference, "keyboard")
        if isinstance(found, str):
            return self._problem(found)
        if found.get("request_contact") or found.get("request_location"):
            self.console.show(self.renderer.pressed(self.user["first_name"], self.tag, found))
        else:
            self._show_said(found["text"])
        self._send("message", f"[{found['text']}]",
                   lambda: self.emulator.press_reply_button(self.user, self.chat, found["text"]))

    # -- inline mode -----------------------------------------------------------------------

    def _on_inline(self, query: str) -> None:
        self._show_said(f"@{self.runner.bot_username} {query}")
        chat = self.chat
        def act() -> Json:
            found = self.emulator.user_inline_query(self.user, query, chat)
            self._inline = {"id": found["id"], "query": query}
            return found
        self._send("inline_query", f'the inline query "{query}"', act)

    def _on_choose(self, reference: str) -> None:
        results = self.emulator.inline_answer(self._inline["id"], timeout=0) if self._inline else None
        if not results:
            return self._problem("The bot has offered no inline results yet: type :inline QUERY first.")
        found = _pick([{**r, "text": str(r.get("title") or r.get("id"))} for r in results], reference, "results")
        if isinstance(found, str):
            return self._problem(found)
        query_id = self._inline["id"]  # type: ignore[index]
        try:
            message, chosen = self.emulator.user_chooses_inline_result(self.user, self.chat, query_id, found["id"])
        except ValueError as exc:
            return self._problem(str(exc))
        self._show_said(content(message, self.renderer.style.colour), via=self.runner.bot_username)
        chat_id, message_id, user_id = self.chat["id"], message["message_id"], self.user["id"]
        self._follow("message", "the chosen result", lambda u: u.type == "message"
                     and u.message.chat.id == chat_id and u.message.message_id == message_id)
        self._follow("chosen_inline_result", "the chosen result", lambda u: u.type == "chosen_inline_result"
                     and u.chosen_inline_result.result_id == chosen["result_id"]
                     and u.chosen_inline_result.from_user.id == user_id)

    # -- files -----------------------------------------------------------------------------

    def _on_photo(self, argument: str) -> None:
        path, caption = _path_and_caption(argument)
        if path is None and argument and Path(argument.split()[0]).suffix.lower() in (".jpg", ".jpeg", ".png"):
            return self._problem(f"No file {argument.split()[0]}: give the path of a photo to send.")
        data = path.read_bytes() if path else None
        self._show_said(f"[photo] {caption}" if caption else "[photo]")
        self._send("message", "the photo",
                   lambda: self.emulator.user_sends_photo(self.user, self.chat, caption or None, data))

    def _on_document(self, argument: str) -> None:
        path, caption = _path_and_caption(argument)
        if path is None:
            return self._problem(f"No file {argument.split()[0]}: give the path of a file to send.")
        data = path.read_bytes()
        self._show_said(f"[document: {path.name}] {caption}" if caption else f"[document: {path.name}]")
        self._send("message", f"the file {path.name}",
                   lambda: self.emulator.user_sends_document(self.user, self.chat, path.name, data, caption or None))

    # -- groups and polls ------------------------------------------------------------------

    def _on_join(self, name: str) -> None:
        self._membership(name, leaving=False)

    def _on_leave(self, name: str) -> None:
        self._membership(name, leaving=True)

    def _membership(self, name: str, leaving: bool) -> None:
        if self.chat["type"] == "private":
            return self._problem("Members join and leave groups: switch to one first (:group).")
        bot = self.runner.bot_username
        try:
            if name.removeprefix("@").casefold() == bot.casefold():
                updates = self.emulator.bot_added(self.user, self.chat, removed=leaving)
                said = f"{self.user['first_name']} {'removed' if leaving else 'added'} @{bot}"
            else:
                member = self._user(name)
                updates = self.emulator.user_joins(member, self.chat, leaves=leaving)
                said = f"{member['first_name']} {'left' if leaving else 'joined'} the group"
        except ValueError as exc:
            return self._problem(str(exc))
        self._aside(said)
        for update in updates:
            kind = next(k for k in update if k != "update_id")
            self._follow(kind, said, lambda u, uid=update["update_id"]: u.id == uid)

    def _on_vote(self, reference: str) -> None:
        message = next((m for m in reversed(self.emulator.bot_messages(self.chat["id"])) if "poll" in m), None)
        if message is None:
            return self._problem("The bot has sent no poll in this chat yet.")
        options = message["poll"]["options"]
        found = _pick(options, reference, "poll")
        if isinstance(found, str):
            return self._problem(found)
        try:
            made = self.emulator.user_votes(self.user, message, [options.index(found)])
        except ValueError as exc:
            return self._problem(str(exc))
        self._aside(f"{self.user['first_name']} voted [{found['text']}]")
        poll_id = message["poll"]["id"]
        self._follow("poll", "the vote", lambda u: u.type == "poll" and u.poll.id == poll_id)
        if "poll_id" in made:
            user_id = self.user["id"]
            self._follow("poll_answer", "the vote", lambda u: u.type == "poll_answer"
                         and u.poll_answer.poll_id == poll_id and u.poll_answer.user.id == user_id)


def _path_and_caption(argument: str) -> tuple[Path | None, str]:
    """Split ``PATH [CAPTION]``: the whole argument, or its first word, when that is a file."""
    if argument and Path(argument).expanduser().is_file():
        return Path(argument).expanduser(), ""
    first, _, rest = argument.partition(" ")
    if first and Path(first).expanduser().is_file():
        return Path(first).expanduser(), rest.strip()
    return None, argument


def _pick(options: list[Json], reference: str, what: str) -> Json | str:
    """Return the option that ``reference`` (a number from 1, or a label) means, or what is wrong."""
    listed = ", ".join(f"[{n}] {o.get('text', '')}" for n, o in enumerate(options, 1))
    latest = {"keyboard": "the keyboard has", "results": "the results are", "poll": "the poll has"}[what]
    if reference.isdigit():
        if not 1 <= int(reference) <= len(options):
            return f"There is no {'option' if what == 'poll' else 'button' if what == 'keyboard' else 'result'} " \
                   f"{reference}; {latest} {listed}."
        return options[int(reference) - 1]
    matching = [o for o in options if o.get("text") == reference] or \
        [o for o in options if str(o.get("text", "")).casefold() == reference.casefold()]
    return matching[0] if matching else f'Nothing is labelled "{reference}"; {latest} {listed}.'


def _find_button(options: list[Json], reference: str) -> Json | str:
    """Return the inline button that ``reference`` (a number from 1, or a label) means, or what is wrong."""
    listed = ", ".join(f"[{n}] {b.get('text', '')}" for n, b in enumerate(options, 1))
    if reference.isdigit():
        number = int(reference)
        if not 1 <= number <= len(options):
            return f"There is no button {number}; the latest keyboard has {listed}."
        button = options[number - 1]
    else:
        wanted = reference.casefold()
        matching = [b for b in options if b.get("text") == reference] or \
            [b for b in options if str(b.get("text", "")).casefold() == wanted]
        if not matching:
            return f"No button is labelled \"{reference}\"; the latest keyboard has {listed}."
        button = matching[0]
    if "callback_data" not in button:
        target = button.get("url")
        kind = f"opens {target}" if target else f"is a {next((k for k in button if k != 'text'), '?')} button"
        return f"Button \"{button.get('text', '')}\" {kind}; the sandbox can only press callback buttons."
    return button
