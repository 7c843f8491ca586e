"""Echo any text that is not a command, exactly as it came.

The sample apps never block, so they are ``async def``: they run on the event loop, with no
hop to a worker thread. An app that waits on I/O with blocking calls stays a plain ``def``.
"""

from modules.commands import is_command
from scaletg_ptb import Update


async def process(update: Update) -> str | None:
    """Return the message's text unchanged (sent with no parse mode)."""
    if update.type != "message":
        return None
    text = update.message.text
    if text is None or is_command(text):
        return None
    return text
