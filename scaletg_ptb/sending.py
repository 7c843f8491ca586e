"""Send a Reply through python-telegram-bot's ``Bot.do_api_request``, under the delivery policy."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Any

from telegram import Bot, InputFile

from .core import Message, Reply

if TYPE_CHECKING:
    from .delivery import Delivery


async def send_reply(bot: Bot, reply: Reply, delivery: Delivery | None = None) -> Any:
    """Call ``reply.method`` with its params; return a Message view or Telegram's raw result.

    With ``delivery`` the call is retried on Telegram's faults (see ``scaletg_ptb.delivery``);
    without it, it is made once.
    """
    # Files are read once: every attempt uploads the same InputFile bytes.
    params = {name: await _api_value(value) for name, value in reply.params.items()}
    if delivery is None:
        result = await bot.do_api_request(reply.method, api_kwargs=params)
    else:
        result = await delivery.call(bot, reply.method, params)
    if isinstance(result, dict) and "message_id" in result and "chat" in result:
        return Message(result)
    return result


async def _api_value(value: Any) -> Any:
    """Turn local files into uploads; pass everything else on as Telegram takes it."""
    if isinstance(value, Path):
        # Read off the event loop: a large file would stall every chat.
        content = await asyncio.to_thread(value.read_bytes)
        return InputFile(content, filename=value.name)
    if isinstance(value, bytes | bytearray):
        return InputFile(bytes(value))
    if _is_binary_file(value):
        return InputFile(value)
    return value


def _is_binary_file(value: Any) -> bool:
    return hasattr(value, "read") and "b" in getattr(value, "mode", "b") and not isinstance(value, str)

