"""Echo any text that is not a command, exactly as it came; a long text comes back in parts.

The sample apps never block, so they are ``async def``: they run on the event loop, with no
hop to a worker thread. An app that waits on I/O with blocking calls stays a plain ``def``.
"""

from modules.commands import is_command
from scaletg_ptb import Update, send_async

LIMIT = 4096  # Telegram's longest message, in UTF-16 code units (as Telegram counts)


async def process(update: Update) -> str | None:
    """Return the message's text unchanged (sent with no parse mode), sending any earlier parts first."""
    if update.type != "message":
        return None
    text = update.message.text
    if text is None or is_command(text):
        return None
    *earlier, last = split_text(text)
    for part in earlier:  # awaited one by one, so the parts arrive in order
        await send_async(update.message.respond(part, reply=False))
    return last


def split_text(text: str, limit: int = LIMIT) -> list[str]:
    """Split ``text`` into parts of at most ``limit`` UTF-16 units, after a line break or space if one is near."""
    parts = []
    while _units(text) > limit:
        cut = _fit(text, limit)
        for separator in ("\n", " "):
            at = text.rfind(separator, 0, cut)
            if at >= cut // 2:  # only when it keeps the part at least half full
                cut = at + 1
                break
        parts.append(text[:cut])
        text = text[cut:]
    parts.append(text)
    return [part for part in parts if part.strip()] or [""]  # Telegram refuses blank messages


def _units(text: str) -> int:
    """Return the length of ``text`` in UTF-16 code units: characters beyond the BMP count twice."""
    return len(text) + sum(ord(char) > 0xFFFF for char in text)


def _fit(text: str, limit: int) -> int:
    """Return the most characters of ``text`` that fit in ``limit`` UTF-16 units."""
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return index
    return len(text)
