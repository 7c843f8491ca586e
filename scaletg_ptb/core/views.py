"""Typed views: User, Chat, Message, CallbackQuery, with helpers that build Replies.

Helpers do no I/O: they return a Reply for the app to return (or pass to send()).
Their names are not Bot API field names, so they never shadow a field.
"""

from __future__ import annotations

from typing import Any

from .objects import TelegramObject
from .replies import Reply


class User(TelegramObject):
    """A Telegram user or bot."""

    __slots__ = ()
    _api_types = ("User",)

    @property
    def full_name(self) -> str:
        """Return the first name, followed by the last name if there is one."""
        first, last = self.first_name or "", self.last_name
        return f"{first} {last}" if last else first


class Chat(TelegramObject):
    """A chat (private, group, supergroup or channel)."""

    __slots__ = ()
    _api_types = ("Chat", "ChatFullInfo")

    def send(self, text: str, **params: Any) -> Reply:
        """Return a sendMessage of `text` to this chat."""
        return Reply("sendMessage", **{"chat_id": self.id, "text": text, **params})


class Message(TelegramObject):
    """A message; also the view of callback queries' (maybe inaccessible) messages."""

    __slots__ = ()
    _api_types = ("Message", "MaybeInaccessibleMessage", "InaccessibleMessage")

    def respond(self, text: str, reply: bool = True, **params: Any) -> Reply:
        """Return a sendMessage of `text` to this chat (as a reply to this message by default)."""
        return self._send("sendMessage", {"text": text}, reply, params)

    def respond_photo(
        self, photo: Any, caption: str | None = None, reply: bool = False, **params: Any
    ) -> Reply:
        """Return a sendPhoto to this chat (photo: file_id, URL, Path, bytes or binary file)."""
        return self._send("sendPhoto", _media("photo", photo, caption), reply, params)

    def respond_document(
        self, document: Any, caption: str | None = None, reply: bool = False, **params: Any
    ) -> Reply:
        """Return a sendDocument to this chat (file_id, URL, Path, bytes or binary file)."""
        return self._send("sendDocument", _media("document", document, caption), reply, params)

    def edit_text(self, text: str, **params: Any) -> Reply:
        """Return an editMessageText replacing this message's text."""
        call = {"chat_id": self.chat.id, "message_id": self.message_id, "text": text}
        if self.business_connection_id is not None:  # business messages are edited through it
            call["business_connection_id"] = self.business_connection_id
        return Reply("editMessageText", **{**call, **params})

    def delete(self) -> Reply:
        """Return a deleteMessage of this message."""
        return Reply("deleteMessage", chat_id=self.chat.id, message_id=self.message_id)

    def _send(
        self, method: str, content: dict[str, Any], reply: bool, params: dict[str, Any]
    ) -> Reply:
        """Return a send call of `content` to where this message is; `params` override."""
        call = {"chat_id": self.chat.id, **content}
        if self.is_topic_message:  # stay in the forum topic the message came from
            call["message_thread_id"] = self.message_thread_id
        if self.business_connection_id is not None:  # business chats are reached through it
            call["business_connection_id"] = self.business_connection_id
        if reply:
            call["reply_parameters"] = {
                "message_id": self.message_id,
                "allow_sending_without_reply": True,
            }
        return Reply(method, **{**call, **params})


def _media(field: str, file: Any, caption: str | None) -> dict[str, Any]:
    """Return the content params of a media message."""
    return {field: file} if caption is None else {field: file, "caption": caption}


class CallbackQuery(TelegramObject):
    """A press of an inline keyboard button."""

    __slots__ = ()
    _api_types = ("CallbackQuery",)

    def answer(self, text: str | None = None, show_alert: bool = False, **params: Any) -> Reply:
        """Return an answerCallbackQuery (stops the button's loading spinner)."""
        call: dict[str, Any] = {"callback_query_id": self.id}
        if text is not None:
            call["text"] = text
        if show_alert:
            call["show_alert"] = True
        return Reply("answerCallbackQuery", **{**call, **params})
