"""The user side over HTTP, under ``/_emulator/``: send as a user, press a button, read a chat.

So that tools outside the process, in any language, can play the users of a standalone emulator
(``python -m scaletg_ptb.emulator``). Bodies are JSON or form fields; answers are JSON shaped like
the Bot API's (``{"ok": true, "result": ...}`` or ``{"ok": false, "description": ...}``):

``GET /_emulator/`` lists the requests (``ENDPOINTS``).
``user`` is a first name (created on first use), a username or an id; ``chat_id`` defaults to
the user's private chat, ``message_id`` to the bot's latest message with buttons there.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable
from typing import Any

from .forms import FormError, parse_body, parse_query
from .http import Request, Response
from .state import World
from .users import UserActions

PREFIX = "/_emulator/"
ENDPOINTS = (
    "GET /_emulator/users: the users",
    "GET /_emulator/chats: the chats",
    "POST /_emulator/groups title=TITLE: create a group chat",
    "POST /_emulator/messages user=NAME text=TEXT [chat_id=ID]: send a message as the user",
    "POST /_emulator/press user=NAME button=TEXT|data=DATA [chat_id=ID message_id=ID]: press a button "
    "(of a reply keyboard too, when it is the latest)",
    "POST /_emulator/inline user=NAME query=TEXT [chat_id=ID wait=SECONDS]: an inline query; its results",
    "POST /_emulator/choose user=NAME inline_query_id=ID result_id=ID [chat_id=ID]: post a chosen result",
    "GET /_emulator/chats/ID/messages[?after=MESSAGE_ID&wait=SECONDS]: the chat's messages",
)
MAX_WAIT = 60.0  # seconds a chat read may wait for a new message
Json = dict[str, Any]


class ControlError(Exception):
    """A request the control API cannot carry out; answered with ``status`` and the message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _answer(result: object, status: int = 200) -> Response:
    body = {"ok": True, "result": result} if status == 200 else {"ok": False, "error_code": status,
                                                                  "description": result}
    return Response(status, json.dumps(body, ensure_ascii=False).encode())


class Control:
    """Answer ``/_emulator/...`` requests by acting on the emulated world."""

    def __init__(self, world: World, users: UserActions) -> None:
        self.world, self.users = world, users

    def __call__(self, request: Request) -> Response | Awaitable[Response]:
        """Answer one request (a chat read that waits answers later)."""
        route = (request.method, request.path.removeprefix(PREFIX).strip("/"))
        try:
            fields = {**parse_query(request.query), **parse_body(request.headers.get("content-type", ""),
                                                                  request.body)[0]}
            parts = route[1].split("/")
            if route == ("GET", ""):
                return _answer(list(ENDPOINTS))
            if route[0] == "GET" and route[1] in ("users", "chats"):
                with self.world.cond:
                    return _answer(list(getattr(self.world, route[1]).values()))
            if route == ("POST", "groups"):
                return _answer(self.world.create_group(_text(fields, "title"), False, None))
            if route == ("POST", "messages"):
                user = self._user(fields)
                return _answer(self.users.says(user, self._chat(fields, user), _text(fields, "text"), {}))
            if route == ("POST", "press"):
                return _answer(self._press(fields))
            if route == ("POST", "inline"):
                return self._inline(fields)
            if route == ("POST", "choose"):
                user = self._user(fields)
                query_id, result_id = _text(fields, "inline_query_id"), _text(fields, "result_id")
                message, chosen = self.users.chooses_inline(user, self._chat(fields, user), query_id, result_id)
                return _answer({"message": message, "chosen_inline_result": chosen})
            if request.method == "GET" and len(parts) == 3 and parts[0] == "chats" and parts[2] == "messages":
                return self._read(_int(parts[1], "chat id"), fields)
        except FormError as err:
            return _answer(f"Bad Request: {err}", 400)
        except ControlError as err:
            return _answer(str(err), err.status)
        except ValueError as err:  # what the user actions refuse, e.g. a private chat of someone else
            return _answer(str(err), 400)
        return _answer(f"no such request {request.method} {request.path}; GET /_emulator/ lists them", 404)

    def _user(self, fields: Json) -> Json:
        ref = str(fields.get("user", "")).strip()
        if not ref:
            raise ControlError(400, "give 'user': a first name, a username or a user id")
        with self.world.cond:
            for user in self.world.users.values():
                if ref in (str(user["id"]), user["first_name"], user.get("username"), f"@{user.get('username')}"):
                    return user
        if ref.lstrip("@").isdigit() or ref.startswith("@"):
            raise ControlError(404, f"no user {ref!r}; send as a first name to create one")
        return self.world.create_user(ref, ref.lower() if ref.isidentifier() else None, None, "en")

    def _chat(self, fields: Json, user: Json) -> Json:
        if fields.get("chat_id") in (None, ""):
            return self.world.private_chat(user)
        chat = self.world.find_chat(_int(fields["chat_id"], "chat_id"))
        if chat is None:
            raise ControlError(404, f"no chat {fields['chat_id']!r}; GET /_emulator/chats lists them")
        return chat

    def _press(self, fields: Json) -> Json:
        user = self._user(fields)
        chat = self._chat(fields, user)
        label, data = fields.get("button"), fields.get("data")
        if label is None and data is None:
            raise ControlError(400, "give 'button' (the button's text) or 'data' (its callback_data)")
        if fields.get("message_id") not in (None, ""):
            message = self.world.message(chat["id"], _int(fields["message_id"], "message_id"))
        else:
            keyboards = [m for m in self.world.bot_messages(chat["id"]) if m.get("reply_markup")]
            message = keyboards[-1] if keyboards else None
            screen = self.world.keyboards.shown(chat["id"])
            if label is not None and screen and (message is None or screen["message_id"] > message["message_id"]):
                return self.users.presses_reply_button(user, chat, str(label))
        if message is None:
            raise ControlError(404, f"no bot message with buttons in chat {chat['id']}")
        return self.users.presses(user, message, None if data is None else str(data),
                                  None if label is None else str(label))

    async def _inline(self, fields: Json) -> Response:
        """Send an inline query; answer with its id and the bot's results once it answered (or wait ran out)."""
        user = self._user(fields)
        chat = self._chat(fields, user) if fields.get("chat_id") not in (None, "") else None
        query = self.users.asks_inline(user, str(fields.get("query", "")), chat)
        deadline = time.monotonic() + min(float(fields.get("wait", 5)), MAX_WAIT)
        while True:  # polled, as _read: the loop must keep serving the bot's answerInlineQuery
            with self.world.cond:
                results = self.world.inline_queries[query["id"]].get("results")
            if results is not None or time.monotonic() >= deadline:
                return _answer({"inline_query_id": query["id"], "results": results})
            await asyncio.sleep(0.05)

    async def _read(self, chat_id: int, fields: Json) -> Response:
        if self.world.find_chat(chat_id) is None:
            return _answer(f"no chat {chat_id}; GET /_emulator/chats lists them", 404)
        try:
            after = _int(fields.get("after", 0), "after")
            wait = min(float(fields.get("wait", 0)), MAX_WAIT)
        except (ControlError, ValueError):
            return _answer("'after' is a message id and 'wait' a number of seconds", 400)
        deadline = time.monotonic() + wait
        while True:  # polled, not a thread: the server's loop must keep serving the bot meanwhile
            newer = [m for m in self.world.history(chat_id) if m["message_id"] > after]
            if newer or time.monotonic() >= deadline:
                return _answer(newer)
            await asyncio.sleep(0.05)


def _text(fields: Json, name: str) -> str:
    value = fields.get(name)
    if not isinstance(value, str) or not value:
        raise ControlError(400, f"give '{name}' as a non-empty string")
    return value


def _int(value: object, name: str) -> int:
    try:
        return int(str(value))
    except ValueError:
        raise ControlError(400, f"{name} {value!r} is not a whole number") from None
