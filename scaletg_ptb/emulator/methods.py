"""The Bot API methods the emulator implements, answering as Telegram does."""

from __future__ import annotations

import re
import time
from collections.abc import Coroutine
from typing import Any

from . import params as P
from .apibase import Handler, Json, Params
from .calls import EventBus
from .content import inline_markup, text_fields
from .files import FileMethods
from .forms import Upload
from .inline import InlineMethods
from .media import FileStore
from .menu_api import CommandMethods
from .params import ApiError, bad_request
from .polls import PollMethods
from .state import World
from .updates import Conflict, UpdateQueue

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


class RawResult(bytes):
    """A result that is already JSON (getUpdates joins pre-serialised updates)."""


class BotApi(CommandMethods, FileMethods, InlineMethods, PollMethods):
    """Method name -> handler; a handler returns the result, a coroutine of it, or raises ApiError."""

    METHODS = (
        "getMe", "logOut", "close", "deleteWebhook", "getWebhookInfo", "getUpdates", "sendMessage",
        "editMessageText", "editMessageReplyMarkup", "deleteMessage", "answerCallbackQuery", "sendChatAction",
        "getChat",
    )  # fmt: skip

    def __init__(self, world: World, updates: UpdateQueue, files: FileStore, events: EventBus) -> None:
        super().__init__(world, updates, files, events)
        self._handlers: dict[str, Handler] = {
            name.lower(): getattr(self, "_" + re.sub(r"([A-Z])", r"_\1", name).lower()) for name in self.methods()
        }

    @classmethod
    def methods(cls) -> list[str]:
        """Return the name of every Bot API method the emulator implements."""
        return [name for klass in cls.__mro__ for name in vars(klass).get("METHODS", ())]

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

    def _send_message(self, p: Params, files: dict[str, Upload]) -> Json:
        chat = self._chat(p)
        fields = text_fields(p, "text", "entities", 4096, "message text is empty", "message is too long")
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
