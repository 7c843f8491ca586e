"""An app that takes 30 ms per message, then echoes its text."""
import asyncio


async def process(update):
    if update.type != "message" or not update.message.text:
        return None
    await asyncio.sleep(0.03)
    return update.message.text
