#!/usr/bin/env python
"""The benchmarks' baseline: a plain python-telegram-bot 22 echo bot, as in PTB's echobot example.

    TELEGRAM_BOT_TOKEN=... TELEGRAM_BASE_URL=http://127.0.0.1:PORT/bot python bench/ptb_echo.py
        [--sleep 0.1] [--slow-chat CHAT_ID --slow-seconds 2]

It processes updates one at a time (PTB's default). ``--sleep`` blocks for that long before
each echo, and ``--slow-chat`` for ``--slow-seconds`` in one chat only, in a worker thread
like the bench apps' ``time.sleep``, so that the event loop keeps polling meanwhile.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import time

from telegram import Update
from telegram.ext import (
    Application,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greet the user on /start."""
    user = update.effective_user
    await update.message.reply_html(rf"Hi {user.mention_html()}!")  # type: ignore[union-attr]


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer /help."""
    await update.message.reply_text("Help!")  # type: ignore[union-attr]


def echo_handler(sleep: float, slow_chat: int | None, slow_seconds: float) -> MessageHandler:  # type: ignore[type-arg]
    """Return the handler that echoes text messages, blocking first if asked to."""

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.message
        assert message is not None and message.text is not None
        delay = slow_seconds if message.chat_id == slow_chat else sleep
        if delay > 0:
            await asyncio.to_thread(time.sleep, delay)
        await message.reply_text(message.text)

    return MessageHandler(filters.TEXT & ~filters.COMMAND, echo)


def main() -> None:
    """Poll until Ctrl-C."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sleep", type=float, default=0.0, help="seconds to block before every echo")
    parser.add_argument("--slow-chat", type=int, default=None, help="the chat whose echoes are slow")
    parser.add_argument("--slow-seconds", type=float, default=2.0, help="seconds to block in the slow chat")
    args = parser.parse_args()
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=logging.WARNING)

    builder = Application.builder().token(os.environ["TELEGRAM_BOT_TOKEN"])
    if os.environ.get("TELEGRAM_BASE_URL"):
        builder = builder.base_url(os.environ["TELEGRAM_BASE_URL"])
    application = builder.build()
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CommandHandler("help", help_command))
    application.add_handler(echo_handler(args.sleep, args.slow_chat, args.slow_seconds))
    application.run_polling(allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main()
