"""The kit's everyday Bot API: reply keyboards, inline mode, files, group members and polls."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core import Update

if TYPE_CHECKING:
    from .chat import Exchange
    from .kit import SandboxBot

Json = dict[str, Any]


class InlineResults(list[Json]):
    """The results the bot answered an inline query with (InlineQueryResult dicts); ``choose`` posts one."""

    def __init__(self, user: EverydayUser, exchange: Exchange, results: list[Json]) -> None:
        super().__init__(results)
        self.user = user
        self.exchange = exchange  # the processing of the inline query itself

    @property
    def titles(self) -> list[str | None]:
        """Return each result's title."""
        return [result.get("title") for result in self]

    def choose(self, which: int | str = 1) -> Exchange:
        """Choose result ``which`` (a number from 1, or a result id): its message is posted "via @bot"."""
        if isinstance(which, int):
            if not 1 <= which <= len(self):
                raise AssertionError(f"there is no result {which}; the bot offered {len(self)}: {self.titles}")
            result = self[which - 1]
        else:
            result = next((r for r in self if r.get("id") == which), None)
            if result is None:
                raise AssertionError(f"no result with id {which!r}; the ids: {[r.get('id') for r in self]}")
        query_id = self.exchange.sent["id"]
        user = self.user
        return user._exchange(
            f"{user.name} chose the inline result {result.get('title') or result['id']!r}",
            lambda emu: emu.user_chooses_inline_result(user.user, user.chat, query_id, result["id"]),
            "message", lambda made: [_message_matcher(made[0]), _chosen_matcher(made[1])])


class EverydayUser:
    """What a ChatUser does beyond text and inline buttons."""

    bot: SandboxBot
    user: Json
    chat: Json

    if TYPE_CHECKING:
        name: str

        def _exchange(self, action: str, act: Callable[[Any], Any], kind: str,
                      follow: Callable[[Any], list[Callable[[Update], bool]]] | None = None) -> Exchange: ...

    def inline(self, query: str) -> InlineResults:
        """Type ``@bot query`` in this chat; return the results the bot answered with (empty if none)."""
        exchange = self._exchange(f"{self.name} asked inline {query!r}",
                                  lambda emu: emu.user_inline_query(self.user, query, self.chat), "inline_query")
        return InlineResults(self, exchange, self.bot.emulator.inline_answer(exchange.sent["id"], timeout=0) or [])

    def sends_document(self, path: str | Path, data: bytes | None = None, caption: str | None = None) -> Exchange:
        """Send a file: ``path`` read from disk, or named ``path`` holding ``data``."""
        name = Path(path).name
        content = Path(path).read_bytes() if data is None else data
        return self._exchange(f"{self.name} sent the file {name!r}", lambda emu: emu.user_sends_document(
            self.user, self.chat, name, content, caption), "message")

    def votes(self, option: int | str) -> Exchange:
        """Vote in the bot's latest poll in this chat: option number ``option`` (from 1), or the one so labelled."""
        message = next((m for m in reversed(self.bot.emulator.bot_messages(self.chat["id"])) if "poll" in m), None)
        if message is None:
            raise AssertionError(f"the bot has sent no poll to {self.name}")
        texts = [o["text"] for o in message["poll"]["options"]]
        index = option - 1 if isinstance(option, int) else texts.index(option) if option in texts else -1
        if not 0 <= index < len(texts):
            raise AssertionError(f"the poll has no option {option!r}; its options: {texts}")
        poll_id, user_id = message["poll"]["id"], self.user["id"]

        def follow(made: Json) -> list[Callable[[Update], bool]]:
            found = [lambda u: u.type == "poll" and u.poll.id == poll_id]
            if "poll_id" in made:  # a named poll also tells who voted
                found.append(lambda u: u.type == "poll_answer" and u.poll_answer.user.id == user_id)
            return found
        return self._exchange(f"{self.name} voted {texts[index]!r}",
                              lambda emu: emu.user_votes(self.user, message, [index]), "poll", follow)

    def joins(self, group: Json) -> Exchange:
        """Join ``group`` (a new_chat_members message and a chat_member update); return what the bot did there."""
        return self._in_group(group, f"{self.name} joined", lambda emu: emu.user_joins(self.user, group))

    def leaves(self, group: Json) -> Exchange:
        """Leave ``group`` (a left_chat_member message and a chat_member update)."""
        return self._in_group(group, f"{self.name} left", lambda emu: emu.user_joins(self.user, group, leaves=True))

    def adds_bot(self, group: Json) -> Exchange:
        """Add the bot to ``group`` (it gets my_chat_member and the new_chat_members message)."""
        return self._in_group(group, f"{self.name} added the bot", lambda emu: emu.bot_added(self.user, group))

    def removes_bot(self, group: Json) -> Exchange:
        """Remove the bot from ``group`` (it gets my_chat_member, then nothing more from there)."""
        return self._in_group(group, f"{self.name} removed the bot",
                              lambda emu: emu.bot_added(self.user, group, removed=True))

    def _in_group(self, group: Json, action: str, act: Callable[[Any], list[Json]]) -> Exchange:
        from .chat import ChatUser

        there = ChatUser(self.bot, self.user, group)
        return there._exchange(f"{action} {group.get('title')!r}", lambda emu: _first_as_sent(act(emu)), "message",
                               lambda made: [_update_id_matcher(u["update_id"]) for u in made[1]])

    def _reply_keyboard_is_latest(self) -> bool:
        """Tell whether a reply keyboard is shown that came after the last inline keyboard."""
        screen = self.bot.emulator.reply_keyboard(self.chat["id"])
        if screen is None:
            return False
        inline = [m["message_id"] for m in self.bot.emulator.bot_messages(self.chat["id"])
                  if "inline_keyboard" in m.get("reply_markup", {})]
        return not inline or screen["message_id"] > inline[-1]


def _first_as_sent(updates: list[Json]) -> tuple[Json, list[Json]]:
    """Return what an exchange reports as sent (the service message, else the member update), and all."""
    first = updates[0]
    return next(v for k, v in first.items() if k != "update_id"), updates


def _update_id_matcher(update_id: int) -> Callable[[Update], bool]:
    return lambda update: update.id == update_id


def _message_matcher(message: Json) -> Callable[[Update], bool]:
    chat_id, message_id = message["chat"]["id"], message["message_id"]
    return lambda u: u.type == "message" and u.message.chat.id == chat_id and u.message.message_id == message_id


def _chosen_matcher(chosen: Json) -> Callable[[Update], bool]:
    result_id, user_id = chosen["result_id"], chosen["from"]["id"]
    return lambda u: (u.type == "chosen_inline_result" and u.chosen_inline_result.result_id == result_id
                      and u.chosen_inline_result.from_user.id == user_id)
