"""The emulated world: users, chats, per-chat message history, callback queries, commands.

All of it is guarded by one re-entrant lock whose Condition is notified on every change,
so the test-side helpers can wait for the bot without sleeping.
"""

from __future__ import annotations

import copy
import itertools
import threading
import time
from typing import Any

from .keyboards import Keyboards

Json = dict[str, Any]


class World:
    """Users, chats and messages; every method is thread-safe."""

    def __init__(self, bot_user: Json) -> None:
        self.cond = threading.Condition(threading.RLock())
        self.bot_user = bot_user
        # messages carry the short User form, without getMe's capability flags
        self.bot_sender: Json = {k: bot_user[k] for k in ("id", "is_bot", "first_name", "username")}
        self.users: dict[int, Json] = {}
        self.chats: dict[int, Json] = {}
        self.commands: dict[tuple[str, str], list[Json]] = {}  # (scope key, language) -> commands
        self.callback_answers: dict[str, Json] = {}
        self._pending_queries: dict[str, Json] = {}
        self._messages: dict[int, dict[int, Json]] = {}
        self._next_message_id: dict[int, int] = {}
        self._next_user_id = 100_000_001
        self._next_group = 1
        self._next_query = 1
        self.keyboards = Keyboards(self.cond)  # reply keyboards and ForceReply, per chat
        self.inline_queries: dict[str, Json] = {}  # id -> the query, and "results" once answered
        self.polls: dict[str, Json] = {}  # poll id -> {"poll", "chat_id", "message_id", "votes"}
        # group id -> user id -> "member" or "left", for those who joined or left (others are just there)
        self.membership: dict[int, dict[int, str]] = {}
        self._counters: dict[str, itertools.count[int]] = {}

    def next_number(self, kind: str) -> int:
        """Return the next number of a kind of id (inline queries, polls, media groups), from 1."""
        with self.cond:
            return next(self._counters.setdefault(kind, itertools.count(1)))

    # -- users and chats -------------------------------------------------------------------

    def create_user(
        self, first_name: str, username: str | None, last_name: str | None, language_code: str | None
    ) -> Json:
        """Create a (non-bot) user with the next free id."""
        with self.cond:
            if self._next_user_id == self.bot_user["id"]:
                self._next_user_id += 1
            user: Json = {"id": self._next_user_id, "is_bot": False, "first_name": first_name}
            self._next_user_id += 1
            if last_name:
                user["last_name"] = last_name
            if username:
                user["username"] = username
            if language_code:
                user["language_code"] = language_code
            self.users[user["id"]] = user
            return dict(user)

    def private_chat(self, user: Json) -> Json:
        """Return the private chat with ``user`` (its id is the user's), creating it once."""
        with self.cond:
            chat = self.chats.get(user["id"])
            if chat is None:
                chat = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
                for key in ("last_name", "username"):
                    if key in user:
                        chat[key] = user[key]
                self._add_chat(chat)
            return dict(chat)

    def create_group(self, title: str, supergroup: bool, username: str | None) -> Json:
        """Create a group (or supergroup) chat with a negative id."""
        with self.cond:
            n = self._next_group
            self._next_group += 1
            if supergroup:
                chat: Json = {"id": -1_002_000_000_000 - n, "type": "supergroup", "title": title}
                if username:
                    chat["username"] = username
            else:
                chat = {"id": -4_000_000_000 - n, "type": "group", "title": title}
            self._add_chat(chat)
            return dict(chat)

    def _add_chat(self, chat: Json) -> None:
        self.chats[chat["id"]] = chat
        self._messages[chat["id"]] = {}
        self._next_message_id[chat["id"]] = 1

    def find_chat(self, ref: int | str) -> Json | None:
        """Return the chat with this id or ``@username``, or None."""
        with self.cond:
            if isinstance(ref, int):
                return self.chats.get(ref)
            name = ref.removeprefix("@").lower()
            if ref.startswith("@"):
                for chat in self.chats.values():
                    if str(chat.get("username", "")).lower() == name:
                        return chat
            return None

    # -- messages --------------------------------------------------------------------------

    def add_message(self, chat: Json, sender: Json, fields: Json) -> Json:
        """Store a new message from ``sender`` in ``chat``; ``fields`` add to or override defaults."""
        with self.cond:
            chat_id = chat["id"]
            if chat_id not in self._messages:
                raise ValueError(f"unknown chat {chat_id}: create it with the emulator first")
            message_id = self._next_message_id[chat_id]
            self._next_message_id[chat_id] = message_id + 1
            message: Json = {
                "message_id": message_id,
                "from": sender,
                "chat": self.chats[chat_id],
                "date": int(time.time()),
            }
            message.update(fields)
            self._messages[chat_id][message_id] = message
            self.cond.notify_all()
            return message

    def message(self, chat_id: int, message_id: int) -> Json | None:
        """Return the stored message (not a copy: treat it as read-only), or None."""
        with self.cond:
            return self._messages.get(chat_id, {}).get(message_id)

    def replace_message(self, message: Json) -> None:
        """Store a new version of an existing message (edits build a new dict)."""
        with self.cond:
            self._messages[message["chat"]["id"]][message["message_id"]] = message
            self.cond.notify_all()

    def remove_message(self, chat_id: int, message_id: int) -> bool:
        """Delete a message; return whether it existed."""
        with self.cond:
            found = self._messages.get(chat_id, {}).pop(message_id, None) is not None
            self.cond.notify_all()
            return found

    def history(self, chat_id: int) -> list[Json]:
        """Return copies of the chat's messages in order, edits applied and deletions removed."""
        with self.cond:
            return copy.deepcopy(list(self._messages.get(chat_id, {}).values()))

    def bot_messages(self, chat_id: int) -> list[Json]:
        """Return copies of the bot's messages in the chat, in order."""
        with self.cond:
            return copy.deepcopy(self._bot_messages(chat_id))

    def _bot_messages(self, chat_id: int) -> list[Json]:
        bot_id = self.bot_user["id"]
        return [m for m in self._messages.get(chat_id, {}).values() if m["from"]["id"] == bot_id]

    def wait_for_bot_messages(self, chat_id: int, count: int, timeout: float) -> list[Json]:
        """Block until the chat holds ``count`` bot messages; return all of them."""
        with self.cond:
            if not self.cond.wait_for(lambda: len(self._bot_messages(chat_id)) >= count, timeout):
                texts = [m.get("text", m.get("caption")) for m in self._bot_messages(chat_id)]
                raise AssertionError(
                    f"expected {count} bot message(s) in chat {chat_id} within {timeout}s, "
                    f"{len(texts)} arrived: {texts!r}"
                )
            return copy.deepcopy(self._bot_messages(chat_id))

    # -- callback queries ------------------------------------------------------------------

    def new_callback_query(self, user: Json, message: Json, data: str) -> Json:
        """Create a callback query awaiting answerCallbackQuery."""
        with self.cond:
            query_id = str(4_000_000_000_000_000 + self._next_query)
            self._next_query += 1
            chat_id = message["chat"]["id"]
            query = {
                "id": query_id,
                "from": user,
                "message": message,
                "chat_instance": str(abs(chat_id * 7_919 + self.bot_user["id"]) % 10**19),
                "data": data,
            }
            self._pending_queries[query_id] = query
            return query

    def answer_callback_query(self, query_id: str, answer: Json) -> Json | None:
        """Record the answer of a pending query; return the query, None if unknown or answered."""
        with self.cond:
            query = self._pending_queries.pop(query_id, None)
            if query is not None:
                self.callback_answers[query_id] = answer
                self.cond.notify_all()
            return query
