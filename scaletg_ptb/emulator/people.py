"""The users' side of the ``Emulator``: create users and groups, and act as them."""

from __future__ import annotations

from typing import Any

from . import inline, members
from .state import World
from .updates import UpdateQueue
from .users import UserActions

Json = dict[str, Any]


class People:
    """What the emulated users do; each action stores what Telegram would and queues the updates."""

    _world: World
    _users: UserActions
    _updates: UpdateQueue

    def create_user(
        self, first_name: str = "Alice", username: str | None = "alice",
        last_name: str | None = None, language_code: str | None = "en",
    ) -> Json:  # fmt: skip
        """Create a user; ids auto-increment."""
        return self._world.create_user(first_name, username, last_name, language_code)

    def private_chat(self, user: Json) -> Json:
        """Return the private chat between ``user`` and the bot (id == user id)."""
        return self._world.private_chat(user)

    def create_group(
        self, title: str = "Test group", supergroup: bool = False, username: str | None = None
    ) -> Json:
        """Create a group or supergroup (negative id)."""
        return self._world.create_group(title, supergroup, username)

    def user_says(self, user: Json, chat: Json, text: str, **extra_message_fields: Any) -> Json:
        """Have ``user`` send ``text`` in ``chat``; return the message."""
        return self._users.says(user, chat, text, extra_message_fields)

    def user_edits(self, user: Json, message: Json, new_text: str) -> Json:
        """Have ``user`` edit one of their messages; return the edited message."""
        return self._users.edits(user, message, new_text)

    def user_sends_photo(self, user: Json, chat: Json, caption: str | None = None,
                         data: bytes | None = None) -> Json:
        """Have ``user`` send a photo (``data``: its bytes, for getFile); return the message."""
        return self._users.sends_photo(user, chat, caption, data)

    def user_sends_document(self, user: Json, chat: Json, name: str, data: bytes,
                            caption: str | None = None) -> Json:
        """Have ``user`` send the file ``name`` holding ``data``; return the message."""
        return self._users.sends_document(user, chat, name, data, caption)

    def reply_keyboard(self, chat_id: int) -> Json | None:
        """Return the reply keyboard shown in the chat (``markup``, ``message_id``), or None."""
        return self._world.keyboards.shown(chat_id)

    def press_reply_button(self, user: Json, chat: Json, text: str) -> Json:
        """Press the reply keyboard button labelled ``text``; return the message it sent."""
        return self._users.presses_reply_button(user, chat, text)

    def user_inline_query(self, user: Json, query: str, chat: Json | None = None) -> Json:
        """Have ``user`` type ``@bot query`` (in ``chat``); return the inline query."""
        return self._users.asks_inline(user, query, chat)

    def inline_answer(self, query_id: str, timeout: float = 5.0) -> list[Json] | None:
        """Wait for the bot's answerInlineQuery results to an inline query; None if it gave none."""
        return inline.answer(self._world, query_id, timeout)

    def user_chooses_inline_result(self, user: Json, chat: Json, query_id: str,
                                   result_id: str) -> tuple[Json, Json]:
        """Choose a result: its message is posted "via @bot"; return it and the chosen_inline_result."""
        return self._users.chooses_inline(user, chat, query_id, result_id)

    def user_votes(self, user: Json, message: Json, option_ids: list[int]) -> Json:
        """Vote in a poll (options counted from 0); return the poll_answer (the poll, if anonymous)."""
        return self._users.votes(user, message, option_ids)

    def user_joins(self, user: Json, group: Json, *, leaves: bool = False) -> list[Json]:
        """Have ``user`` join (or leave) the group; return the updates made."""
        return self._users.joins(user, group, user, not leaves)

    def bot_added(self, by: Json, group: Json, *, removed: bool = False) -> list[Json]:
        """Have user ``by`` add the bot to (or remove it from) the group; return the updates made."""
        return self._users.joins(by, group, self._world.bot_user, not removed)

    def press_button(
        self, user: Json, message: Json, data: str | None = None, *, text: str | None = None
    ) -> Json:
        """Press an inline button of a bot message; return the callback query."""
        return self._users.presses(user, message, data, text)

    def inject_update(self, payload: Json, kind: str = "message") -> Json:
        """Queue ``{kind: payload}`` with the next update_id; return the update."""
        return self._updates.put({kind: payload})

    def inject_raw_update(self, raw: Json) -> Json:
        """Queue ``raw`` as is, assigning update_id only if it lacks one; return it."""
        return self._updates.put(dict(raw))

    def bot_in_chat(self, chat_id: int) -> bool:
        """Tell whether the bot is in the chat (it starts in every group; :leave removes it)."""
        return self._world.find_chat(chat_id) is not None and members.bot_is_in(self._world, chat_id)
