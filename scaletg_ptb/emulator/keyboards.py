"""Reply keyboards, their removal and ForceReply: not part of a Message, but of the chat's screen.

Telegram shows a ReplyKeyboardMarkup under the input field until a ReplyKeyboardRemove (or, with
``one_time_keyboard``, until it is used once); a ForceReply makes the user's next message a reply.
"""

from __future__ import annotations

import threading
from typing import Any

from .params import bad_request

Json = dict[str, Any]

_REQUESTS = ("request_contact", "request_location")


def reply_markup_kind(markup: object) -> str | None:
    """Validate a non-inline reply_markup; return "keyboard", "remove", "force_reply" or None."""
    if not isinstance(markup, dict) or "inline_keyboard" in markup:
        return None
    if "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad_request('field "keyboard" of the ReplyKeyboardMarkup must be an Array of Arrays')
        for row in rows:
            for button in row:
                if not isinstance(button, str) and not (isinstance(button, dict)
                                                        and isinstance(button.get("text"), str)):
                    raise bad_request("can't parse keyboard button: KeyboardButton must be a String or an Object")
        return "keyboard"
    if markup.get("remove_keyboard") is True:
        return "remove"
    if markup.get("force_reply") is True:
        return "force_reply"
    raise bad_request("can't parse reply keyboard markup JSON object")


def button_text(button: str | Json) -> str:
    """Return the label of a KeyboardButton (a plain string is a button too)."""
    return button if isinstance(button, str) else str(button.get("text", ""))


class Keyboards:
    """Per chat: the reply keyboard on screen and the ForceReply waiting for an answer."""

    def __init__(self, lock: threading.RLock | threading.Condition) -> None:
        self._lock = lock
        self._shown: dict[int, Json] = {}  # chat id -> {"markup": ..., "message_id": ...}
        self._force: dict[int, Json] = {}  # chat id -> the bot message to answer

    def apply(self, message: Json, markup: object) -> None:
        """Update the chat's screen after the bot sent ``message`` with this reply_markup."""
        kind = reply_markup_kind(markup)
        chat_id = message["chat"]["id"]
        with self._lock:
            if kind == "keyboard":
                self._shown[chat_id] = {"markup": markup, "message_id": message["message_id"]}
            elif kind == "remove":
                self._shown.pop(chat_id, None)
            elif kind == "force_reply":
                self._force[chat_id] = message

    def shown(self, chat_id: int) -> Json | None:
        """Return the reply keyboard on screen in the chat: its markup and the message that sent it."""
        with self._lock:
            found = self._shown.get(chat_id)
            return dict(found) if found else None

    def forced_reply(self, chat_id: int) -> Json | None:
        """Return (and forget) the bot message a ForceReply asked the next message to answer."""
        with self._lock:
            return self._force.pop(chat_id, None)

    def press(self, chat_id: int, label: str) -> Json:
        """Return the button of the shown keyboard labelled ``label``; a one-time keyboard goes away."""
        with self._lock:
            shown = self._shown.get(chat_id)
            if shown is None:
                raise ValueError(f"there is no reply keyboard in chat {chat_id}")
            rows = shown["markup"]["keyboard"]
            for row in rows:
                for button in row:
                    if button_text(button) == label:
                        if shown["markup"].get("one_time_keyboard"):
                            del self._shown[chat_id]
                        return {"text": button} if isinstance(button, str) else dict(button)
            labels = ", ".join(repr(button_text(b)) for row in rows for b in row)
            raise ValueError(f"no button {label!r} in the reply keyboard of chat {chat_id}; its buttons: {labels}")


def message_for(button: Json, user: Json) -> Json:
    """Return the fields of the message that pressing ``button`` sends: its text, a contact or a location."""
    if button.get("request_contact"):
        phone = f"+1555{user['id'] % 10_000_000:07d}"
        contact = {"phone_number": phone, "first_name": user["first_name"], "user_id": user["id"]}
        if user.get("last_name"):
            contact["last_name"] = user["last_name"]
        return {"contact": contact}
    if button.get("request_location"):
        return {"location": {"latitude": 52.370216, "longitude": 4.895168}}  # Amsterdam
    return {"text": button["text"]}
