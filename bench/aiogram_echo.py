#!/usr/bin/env python
"""The benchmarks' peer: aiogram 3's echo bot, as in aiogram's echo_bot example.

    TELEGRAM_BOT_TOKEN=... TELEGRAM_BASE_URL=http://127.0.0.1:PORT/bot python bench/aiogram_echo.py
        [--sleep 0.1] [--slow-chat CHAT_ID --slow-seconds 2]

aiogram is a benchmark-only dependency (bench/requirements.txt). With its defaults,
``start_polling`` runs every update as a task of its own, all at once: fast, but replies of
one chat may overtake each other. ``--sleep`` and ``--slow-chat`` block like ptb_echo.py's,
in a worker thread.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import time

from aiogram import Bot, Dispatcher, F
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.filters import Command, CommandStart
from aiogram.types import Message


def api_server(base_url: str) -> TelegramAPIServer:
    """Return aiogram's server description for a PTB-style base URL ``http://host:port/bot``."""
    return TelegramAPIServer(base=f"{base_url}{{token}}/{{method}}", file=f"{base_url}{{token}}/{{path}}")


def dispatcher(sleep: float, slow_chat: int | None, slow_seconds: float) -> Dispatcher:
    """Return a dispatcher with /start, /help and the echo of every other text."""
    dp = Dispatcher()

    @dp.message(CommandStart())
    async def start(message: Message) -> None:
        await message.answer(f"Hi {message.from_user.full_name}!")  # type: ignore[union-attr]

    @dp.message(Command("help"))
    async def help_command(message: Message) -> None:
        await message.answer("Help!")

    @dp.message(F.text)
    async def echo(message: Message) -> None:
        delay = slow_seconds if message.chat.id == slow_chat else sleep
        if delay > 0:
            await asyncio.to_thread(time.sleep, delay)
        await message.answer(message.text or "")

    return dp


async def run(args: argparse.Namespace) -> None:
    """Poll until Ctrl-C."""
    base_url = os.environ.get("TELEGRAM_BASE_URL")
    session = AiohttpSession(api=api_server(base_url)) if base_url else AiohttpSession()
    bot = Bot(os.environ["TELEGRAM_BOT_TOKEN"], session=session)
    dp = dispatcher(args.sleep, args.slow_chat, args.slow_seconds)
    await dp.start_polling(bot)


def main() -> None:
    """Parse the options and poll."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sleep", type=float, default=0.0, help="seconds to block before every echo")
    parser.add_argument("--slow-chat", type=int, default=None, help="the chat whose echoes are slow")
    parser.add_argument("--slow-seconds", type=float, default=2.0, help="seconds to block in the slow chat")
    args = parser.parse_args()
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=logging.WARNING)
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
