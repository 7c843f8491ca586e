"""What the emulated users do: write, edit, send files, press buttons, ask inline, vote, join; each makes updates."""

from __future__ import annotations

import copy
import mimetypes
import time
from typing import Any

from . import inline, members, polls
from .entities import detect
from .keyboards import message_for
from .media import FileStore
from .state import World
from .updates import UpdateQueue

Json = dict[str, Any]

_USER_PHOTO_BYTES = 54_321  # a plausible size for the photos users "send"


class UserActions:
    """Turn user actions into stored messages and queued updates; thread-safe."""

    def __init__(self, world: World, updates: UpdateQueue, files: FileStore) -> None:
        self.world, self.updates, self.files = world, updates, files

    def _sender(self, user: Json) -> Json:
        stored = self.world.users.get(user.get("id"))  # type: ignore[arg-type]
        if stored is None:
            raise ValueError(f"unknown user {user!r}: create it with create_user()")
        return stored

    def _chat_of(self, sender: Json, chat: Json) -> Json:
        stored = self.world.find_chat(chat.get("id"))  # type: ignore[arg-type]
        if stored is None:
            raise ValueError(f"unknown chat {chat!r}: create it with private_chat() or create_group()")
        if stored["type"] == "private" and stored["id"] != sender["id"]:
            raise ValueError(f"user {sender['id']} cannot write in the private chat of user {stored['id']}")
        return stored

    def _post(self, sender: Json, chat: Json, fields: Json, kind: str = "message") -> Json:
        chat = self._chat_of(sender, chat)
        forced = self.world.keyboards.forced_reply(chat["id"]) if kind == "message" else None
        if forced is not None and "reply_to_message" not in fields:  # the client opened a reply for them
            fields = {**fields, "reply_to_message": forced}
        message = self.world.add_message(chat, sender, fields)
        if chat["type"] == "private" or members.bot_is_in(self.world, chat["id"]):
            self.updates.put({kind: message})
        return copy.deepcopy(message)

    def says(self, user: Json, chat: Json, text: str, extra: Json) -> Json:
        """Send a text message; entities are detected unless ``extra`` gives them."""
        fields: Json = {"text": text}
        entities = detect(text)
        if entities:
            fields["entities"] = entities
        fields.update(extra)
        return self._post(self._sender(user), chat, fields)

    def sends_photo(self, user: Json, chat: Json, caption: str | None, data: bytes | None = None) -> Json:
        """Send a photo (its bytes, or a made-up one: sizes like Telegram's) with an optional caption."""
        photo = self.files.new_photo(len(data), data) if data else self.files.new_photo(_USER_PHOTO_BYTES)
        return self._with_caption(user, chat, {"photo": photo}, caption)

    def sends_document(self, user: Json, chat: Json, name: str, data: bytes, caption: str | None) -> Json:
        """Send a file as a document; getFile and the download URL serve ``data``."""
        mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return self._with_caption(user, chat, {"document": self.files.new_document(name, mime, len(data), data)},
                                  caption)

    def _with_caption(self, user: Json, chat: Json, fields: Json, caption: str | None) -> Json:
        if caption:
            fields["caption"] = caption
            entities = detect(caption)
            if entities:
                fields["caption_entities"] = entities
        return self._post(self._sender(user), chat, fields)

    def presses_reply_button(self, user: Json, chat: Json, label: str) -> Json:
        """Press a button of the chat's reply keyboard: send its text, or a contact or location."""
        sender = self._sender(user)
        button = self.world.keyboards.press(self._chat_of(sender, chat)["id"], label)
        fields = message_for(button, sender)
        if "text" in fields:
            return self.says(user, chat, fields["text"], {})
        return self._post(sender, chat, fields)

    def asks_inline(self, user: Json, query: str, chat: Json | None) -> Json:
        """Type ``@bot query`` in ``chat``; queue an ``inline_query``."""
        found = inline.new_query(self.world, self._sender(user), query, chat)
        self.updates.put({"inline_query": found})
        return found

    def chooses_inline(self, user: Json, chat: Json, query_id: str, result_id: str) -> tuple[Json, Json]:
        """Choose a result of an answered inline query: post its message "via @bot", then queue
        ``chosen_inline_result``; return both."""
        fields, chosen = inline.chosen_message(self.world, query_id, result_id)
        message = self._post(self._sender(user), chat, fields)
        self.updates.put({"chosen_inline_result": chosen})
        return message, chosen

    def votes(self, user: Json, message: Json, option_ids: list[int]) -> Json:
        """Vote in the poll of ``message``; queue ``poll`` and, for a named poll, ``poll_answer``."""
        poll, answer = polls.vote(self.world, self._sender(user), message, option_ids)
        self.updates.put({"poll": poll})
        if answer is not None:
            self.updates.put({"poll_answer": answer})
        return answer or poll

    def joins(self, actor: Json, chat: Json, member: Json, joining: bool = True) -> list[Json]:
        """Have ``member`` (a user or the bot) join (or leave) the group, by ``actor``; return the updates."""
        sender = self._sender(actor)
        fields, extra = members.change(self.world, sender, self._chat_of(sender, chat), member, joining)
        made = []
        heard = members.bot_is_in(self.world, chat["id"])  # a bot outside the group hears nothing of it
        if fields is not None:
            message = self.world.add_message(self._chat_of(sender, chat), sender, fields)
            if heard:
                made.append(self.updates.put({"message": message}))
        if heard or member["id"] == self.world.bot_user["id"]:
            made.extend(self.updates.put(update) for update in extra)
        return copy.deepcopy(made)

    def _current(self, message: Json) -> Json:
        stored = self.world.message(message["chat"]["id"], message["message_id"])
        if stored is None:
            raise ValueError(
                f"message {message['message_id']} of chat {message['chat']['id']} no longer exists"
            )
        return stored

    def edits(self, user: Json, message: Json, new_text: str) -> Json:
        """Edit one of the user's text messages; queue an ``edited_message`` update."""
        sender = self._sender(user)
        with self.world.cond:
            stored = self._current(message)
            if stored["from"]["id"] != sender["id"]:
                raise ValueError(
                    f"user {sender['id']} cannot edit message {stored['message_id']} of someone else"
                )
            edited = {k: v for k, v in stored.items() if k != "entities"}
            edited.update(text=new_text, edit_date=int(time.time()))
            entities = detect(new_text)
            if entities:
                edited["entities"] = entities
            self.world.replace_message(edited)
        self.updates.put({"edited_message": edited})
        return copy.deepcopy(edited)

    def presses(self, user: Json, message: Json, data: str | None, text: str | None) -> Json:
        """Press an inline button (by callback_data and/or text); queue a ``callback_query``."""
        if data is None and text is None:
            raise TypeError("press_button() needs the button's data or its text")
        sender = self._sender(user)
        stored = self._current(message)
        buttons = [b for row in stored.get("reply_markup", {}).get("inline_keyboard", []) for b in row]
        for button in buttons:
            if (data is None or button.get("callback_data") == data) and (
                text is None or button.get("text") == text
            ):
                if "callback_data" not in button:
                    kind = next((k for k in button if k != "text"), "?")
                    raise ValueError(f"button {button['text']!r} is a {kind} button, not a callback button")
                query = self.world.new_callback_query(sender, stored, button["callback_data"])
                self.updates.put({"callback_query": query})
                return copy.deepcopy(query)
        wanted = " and ".join(f"{k}={v!r}" for k, v in (("data", data), ("text", text)) if v is not None)
        listed = ", ".join(f"{b.get('text')!r} (data={b.get('callback_data')!r})" for b in buttons) or "none"
        raise ValueError(
            f"no button with {wanted} in message {stored['message_id']} of chat {stored['chat']['id']}; "
            f"its buttons: {listed}"
        )
