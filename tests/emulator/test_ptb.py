"""A real python-telegram-bot 22 Application long-polls the emulator and echoes a message."""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

from scaletg_ptb.emulator import Emulator


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(f"echo: {update.message.text}")


async def run_echo_bot(emu: Emulator, user: dict, chat: dict) -> list[dict]:
    app = ApplicationBuilder().token(emu.token).base_url(emu.base_url).build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        emu.user_says(user, chat, "hello bot")
        replies = await asyncio.to_thread(emu.wait_for_bot_messages, chat["id"], 1)
        await app.updater.stop()
        await app.stop()
    return replies


def test_ptb_application_echoes_through_the_emulator(emu: Emulator, user: dict, chat: dict) -> None:
    [reply] = asyncio.run(run_echo_bot(emu, user, chat))
    assert reply["text"] == "echo: hello bot"
    assert reply["chat"]["id"] == chat["id"]
    methods = [call.method for call in emu.calls]
    assert methods[:2] == ["getMe", "deleteWebhook"] and "getUpdates" in methods
    emu.wait_until_confirmed()  # PTB acknowledged the update with its next offset
