"""What every group of Bot API methods shares: the world, finding chats and messages, announcing."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from . import params as P
from .calls import EventBus
from .content import inline_markup
from .forms import Upload
from .keyboards import reply_markup_kind
from .media import FileStore
from .params import bad_request
from .state import World
from .updates import UpdateQueue

Json = dict[str, Any]
Params = dict[str, Any]
Handler = Callable[[Params, dict[str, Upload]], Any]


class ApiBase:
    """The state the methods act on, and the helpers they share; subclasses list their METHODS."""

    METHODS: tuple[str, ...] = ()

    def __init__(self, world: World, updates: UpdateQueue, files: FileStore, events: EventBus) -> None:
        self.world, self.updates, self.files, self.events = world, updates, files, events

    def _chat(self, p: Params, name: str = "chat_id") -> Json:
        chat = self.world.find_chat(P.chat_ref(p, name))
        if chat is None:
            raise bad_request("chat not found")
        return chat

    def _bot_message(self, p: Params, action: str) -> Json:
        if p.get("inline_message_id"):
            raise bad_request("inline messages are not supported by the emulator")
        chat = self._chat(p)
        message_id = P.integer(p, "message_id")
        if message_id is None:
            raise bad_request("message_id is required")
        message = self.world.message(chat["id"], message_id)
        if message is None:
            raise bad_request(f"message to {action} not found")
        if message["from"]["id"] != self.world.bot_user["id"]:
            raise bad_request(f"message can't be {action}ed")
        return message

    def _new_message(self, p: Params, chat: Json, fields: Json) -> Json:
        """Add reply and keyboard fields, store the bot's message and announce it."""
        reply_to = P.json_value(p, "reply_parameters", dict, {}).get(
            "message_id", p.get("reply_to_message_id")
        )
        if reply_to is not None:
            target = self.world.message(chat["id"], reply_to)
            if target is not None:
                fields["reply_to_message"] = {k: v for k, v in target.items() if k != "reply_to_message"}
            elif not P.json_value(p, "reply_parameters", dict, {}).get("allow_sending_without_reply"):
                raise bad_request("message to be replied not found")
        markup = inline_markup(p)
        if markup is not None:
            fields["reply_markup"] = markup
        reply_markup_kind(p.get("reply_markup"))  # refuse a malformed keyboard before anything is stored
        message = self.world.add_message(chat, self.world.bot_sender, fields)
        self.world.keyboards.apply(message, p.get("reply_markup"))
        self._emit("send", chat["id"], message=message, **_screen(p.get("reply_markup")))
        return message

    def _emit(self, kind: str, chat_id: int | None, **fields: Any) -> None:
        """Tell subscribers what the bot did."""
        if self.events.active:  # copying is only worth it when someone listens
            self.events.emit({"kind": kind, "chat_id": chat_id, **copy.deepcopy(fields)})


def _screen(markup: object) -> Json:
    """Return what a message's non-inline reply_markup adds to its event (for the sandbox to show)."""
    if isinstance(markup, dict) and "inline_keyboard" not in markup:
        return {"reply_keyboard": markup}
    return {}
