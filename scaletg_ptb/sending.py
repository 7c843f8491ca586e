"""Send a Reply through python-telegram-bot's ``Bot.do_api_request``, under the delivery policy."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from telegram import (
    Bot,
    InputFile,
    InputMediaAnimation,
    InputMediaAudio,
    InputMediaDocument,
    InputMediaPhoto,
    InputMediaVideo,
    InputPaidMediaPhoto,
    InputPaidMediaVideo,
    TelegramObject,
)

from .core import Message, Reply

if TYPE_CHECKING:
    from .delivery import Delivery


async def send_reply(bot: Bot, reply: Reply, delivery: Delivery | None = None) -> Any:
    """Call ``reply.method`` with its params; return a Message view (a list for an album) or Telegram's raw result.

    With ``delivery`` the call is retried on Telegram's faults (see ``scaletg_ptb.delivery``);
    without it, it is made once.
    """
    # Files are read once: every attempt uploads the same InputFile bytes.
    params = {name: await (_media_value(reply.method, value) if name == "media" else _api_value(value))
              for name, value in reply.params.items()}
    if delivery is None:
        result = await bot.do_api_request(reply.method, api_kwargs=params)
    else:
        result = await delivery.call(bot, reply.method, params)
    if _is_message(result):
        return Message(result)
    if isinstance(result, list) and result and all(map(_is_message, result)):  # an album
        return [Message(message) for message in result]
    return result


def _is_message(result: Any) -> bool:
    return isinstance(result, dict) and "message_id" in result and "chat" in result


async def _api_value(value: Any, attach: bool = False) -> Any:
    """Turn local files into uploads (named by ``attach://`` when ``attach``); pass everything else on."""
    if isinstance(value, Path):
        # Read off the event loop: a large file would stall every chat.
        content = await asyncio.to_thread(value.read_bytes)
        return InputFile(content, filename=value.name, attach=attach)
    if isinstance(value, bytes | bytearray):
        return InputFile(bytes(value), attach=attach)
    if _is_binary_file(value):
        return InputFile(value, attach=attach)
    return value


# What a media item's "type" builds, per method: python-telegram-bot sends these (and uploads
# their local files as attach:// parts), where a plain dict would fail inside it.
_MEDIA = {"photo": InputMediaPhoto, "video": InputMediaVideo, "audio": InputMediaAudio,
          "document": InputMediaDocument, "animation": InputMediaAnimation}
_PAID_MEDIA = {"photo": InputPaidMediaPhoto, "video": InputPaidMediaVideo}


async def _media_value(method: str, value: Any) -> Any:
    """Turn the dicts of a ``media`` parameter (an album, a paid media list, an edit) into PTB's input media."""
    kinds = _PAID_MEDIA if method == "sendPaidMedia" else _MEDIA
    if isinstance(value, Mapping):
        return await _input_media(method, value, kinds)
    if isinstance(value, list | tuple):
        return [await _input_media(method, item, kinds) if isinstance(item, Mapping) else item for item in value]
    return await _api_value(value)


async def _input_media(method: str, item: Mapping[str, Any], kinds: dict[str, type[TelegramObject]]) -> TelegramObject:
    """Build the input media class that the item's ``type`` names; fields PTB does not know go as they are."""
    kind = item.get("type")
    if kind not in kinds:
        raise ValueError(f"{method}: a media item's 'type' is {kind!r}; it must be one of {', '.join(kinds)}.")
    build = kinds[kind]
    known = set(inspect.signature(build).parameters) - {"api_kwargs"}
    # Files inside an item travel as parts of their own, which the item names by attach:// URI.
    fields = {name: await _api_value(value, attach=True) if name in ("media", "thumbnail", "cover") else value
              for name, value in item.items() if name != "type"}
    return build(**{name: value for name, value in fields.items() if name in known},
                 api_kwargs={name: value for name, value in fields.items() if name not in known} or None)


def _is_binary_file(value: Any) -> bool:
    return hasattr(value, "read") and "b" in getattr(value, "mode", "b") and not isinstance(value, str)

