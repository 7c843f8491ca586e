"""The Bot API methods the emulator implements, answering as Telegram does."""

from __future__ import annotations

import copy
import json
import re
import time
from collections.abc import Callable, Coroutine
from typing import Any

from . import params as P
from .calls import EventBus
from .content import inline_markup, text_fields
from .forms import Upload
from .media import FileStore
from .params import ApiError, bad_request
from .state import World
from .updates import Conflict, UpdateQueue

Json = dict[str, Any]
Params = dict[str, Any]
Handler = Callable[[Params, dict[str, Upload]], Any]

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same "
    "as a current content and reply markup of the message"
)
_CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
        "upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note",
    }
)  # fmt: skip
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")


class RawResult(bytes):
    """A result that is already JSON (getUpdates joins pre-serialised updates)."""


class BotApi:
    """Method name -> handler; a handler returns the result, a coroutine of it, or raises ApiError."""

    def __init__(self, world: World, updates: UpdateQueue, files: FileStore, events: EventBus) -> None:
        self.world, self.updates, self.files, self.events = world, updates, files, events
        self._handlers: dict[str, Handler] = {
            name.lower(): getattr(self, "_" + re.sub(r"([A-Z])", r"_\1", name).lower())
            for name in (
                "getMe", "logOut", "close", "deleteWebhook", "getWebhookInfo", "getUpdates",
                "sendMessage", "editMessageText", "editMessageReplyMarkup", "deleteMessage",
                "answerCallbackQuery", "sendChatAction", "setMyCommands", "getMyCommands",
                "deleteMyCommands", "sendPhoto", "sendDocument", "getChat",
            )
        }  # fmt: skip

    def lookup(self, method: str) -> Handler | None:
        """Return the handler of ``method`` (Telegram ignores the case of method names)."""
        return self._handlers.get(method.lower())

    # -- session ---------------------------------------------------------------------------

    def _get_me(self, p: Params, files: dict[str, Upload]) -> Json:
        return self.world.bot_user

    def _log_out(self, p: Params, files: dict[str, Upload]) -> bool:
        return True

    _close = _log_out

    def _delete_webhook(self, p: Params, files: dict[str, Upload]) -> bool:
        if P.flag(p, "drop_pending_updates"):
            self.updates.clear()
        return True

    def _get_webhook_info(self, p: Params, files: dict[str, Upload]) -> Json:
        return {"url": "", "has_custom_certificate": False, "pending_update_count": self.updates.pending()}

    def _get_updates(self, p: Params, files: dict[str, Upload]) -> Coroutine[Any, Any, RawResult]:
        offset = P.integer(p, "offset", 0)
        limit = P.integer(p, "limit", 100)
        timeout = p.get("timeout") or 0
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
            raise bad_request("invalid timeout specified")
        if not 1 <= limit <= 100:  # type: ignore[operator]
            raise bad_request("limit must be between 1 and 100")
        allowed = P.json_value(p, "allowed_updates", list)
        return self._poll(offset, limit, timeout, allowed)  # type: ignore[arg-type]

    async def _poll(self, offset: int, limit: int, timeout: float, allowed: list[str] | None) -> RawResult:
        try:
            batch = await self.updates.poll(offset, limit, timeout, allowed)
        except Conflict:
            raise ApiError(409, P.CONFLICT) from None
        return RawResult(b"[" + b",".join(batch) + b"]")

    # -- messages --------------------------------------------------------------------------

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
        message = self.world.add_message(chat, self.world.bot_sender, fields)
        self._emit("send", chat["id"], message=message)
        return message

    def _emit(self, kind: str, chat_id: int | None, **fields: Any) -> None:
        """Tell subscribers what the bot did."""
        if self.events.active:  # copying is only worth it when someone listens
            self.events.emit({"kind": kind, "chat_id": chat_id, **copy.deepcopy(fields)})

    def _send_message(self, p: Params, files: dict[str, Upload]) -> Json:
        chat = self._chat(p)
        fields = text_fields(p, "text", "entities", 4096, "message text is empty", "message is too long")
        return self._new_message(p, chat, fields)

    def _send_photo(self, p: Params, files: dict[str, Upload]) -> Json:
        return self._send_file(p, files, "photo", self.files.photo)

    def _send_document(self, p: Params, files: dict[str, Upload]) -> Json:
        return self._send_file(p, files, "document", self.files.document)

    def _send_file(self, p: Params, files: dict[str, Upload], field: str,
                   store: Callable[[Any, dict[str, Upload]], Any]) -> Json:
        """Send a message carrying a file (``photo`` sizes or a ``document``) and a caption."""
        chat = self._chat(p)  # an unknown chat fails before anything is stored
        fields: Json = {field: store(p.get(field), files)}
        fields.update(
            text_fields(p, "caption", "caption_entities", 1024, None, "message caption is too long")
        )
        return self._new_message(p, chat, fields)

    def _edit_message_text(self, p: Params, files: dict[str, Upload]) -> Json:
        message = self._bot_message(p, "edit")
        if "text" not in message:
            raise bad_request("there is no text in the message to edit")
        fields = text_fields(p, "text", "entities", 4096, "message text is empty", "message is too long")
        return self._edit(message, fields, inline_markup(p))

    def _edit_message_reply_markup(self, p: Params, files: dict[str, Upload]) -> Json:
        return self._edit(self._bot_message(p, "edit"), {}, inline_markup(p))

    def _edit(self, message: Json, fields: Json, markup: Json | None) -> Json:
        """Store the edited message; as on Telegram, an edit without reply_markup drops the keyboard."""
        if all(message.get(k) == v for k, v in fields.items()) and message.get("reply_markup") == markup:
            raise bad_request(NOT_MODIFIED)
        edited = {k: v for k, v in message.items() if k not in ("entities", "reply_markup")}
        edited.update(fields, edit_date=int(time.time()))
        if markup is not None:
            edited["reply_markup"] = markup
        self.world.replace_message(edited)
        self._emit("edit", message["chat"]["id"], message=edited)
        return edited

    def _delete_message(self, p: Params, files: dict[str, Upload]) -> bool:
        chat = self._chat(p)
        message_id = P.integer(p, "message_id")
        if message_id is None:
            raise bad_request("message_id is required")
        if not self.world.remove_message(chat["id"], message_id):
            raise bad_request("message to delete not found")
        self._emit("delete", chat["id"], message_id=message_id)
        return True

    # -- interaction -----------------------------------------------------------------------

    def _answer_callback_query(self, p: Params, files: dict[str, Upload]) -> bool:
        query_id = P.text(p, "callback_query_id")
        answer = {"text": P.text(p, "text"), "show_alert": P.flag(p, "show_alert"), "url": P.text(p, "url")}
        query = self.world.answer_callback_query(str(query_id), answer) if query_id else None
        if query is None:
            raise bad_request("query is too old and response timeout expired or query ID is invalid")
        chat_id = query["message"]["chat"]["id"] if "message" in query else None
        self._emit("answer_callback", chat_id, callback_query_id=query_id, **answer)
        return True

    def _send_chat_action(self, p: Params, files: dict[str, Upload]) -> bool:
        chat = self._chat(p)
        action = P.text(p, "action")
        if not action:
            raise bad_request("action is required")
        if action not in _CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        self._emit("chat_action", chat["id"], action=action)
        return True

    def _get_chat(self, p: Params, files: dict[str, Upload]) -> Json:
        # ChatFullInfo: PTB 22 requires these two fields
        return {**self._chat(p), "accent_color_id": 0, "max_reaction_count": 11}

    # -- commands --------------------------------------------------------------------------

    def _set_my_commands(self, p: Params, files: dict[str, Upload]) -> bool:
        commands = P.json_value(p, "commands", list)
        if commands is None:
            raise bad_request("commands is required")
        if len(commands) > 100:
            raise bad_request("too many commands")
        clean = []
        for item in commands:
            if not isinstance(item, dict) or not _COMMAND.fullmatch(str(item.get("command", ""))):
                raise bad_request("BOT_COMMAND_INVALID")
            description = item.get("description")
            if not isinstance(description, str) or not 1 <= len(description) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
            clean.append({"command": item["command"], "description": description})
        with self.world.cond:
            self.world.commands[_scope_key(p)] = clean
        return True

    def _get_my_commands(self, p: Params, files: dict[str, Upload]) -> list[Json]:
        with self.world.cond:
            return list(self.world.commands.get(_scope_key(p), []))

    def _delete_my_commands(self, p: Params, files: dict[str, Upload]) -> bool:
        with self.world.cond:
            self.world.commands.pop(_scope_key(p), None)
        return True


def _scope_key(p: Params) -> tuple[str, str]:
    """Key commands by scope and language; an absent scope is the default scope."""
    scope = P.json_value(p, "scope", dict) or {"type": "default"}
    key = "default" if scope == {"type": "default"} else json.dumps(scope, sort_keys=True)
    return key, P.text(p, "language_code") or ""
