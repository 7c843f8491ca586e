"""Bench app: block for 100 ms (like a slow database query), then echo the text."""

import time

from scaletg_ptb import Update

DELAY = 0.1


def process(update: Update) -> str | None:
    """Sleep, then return the message's text."""
    if update.type != "message" or update.message.text is None:
        return None
    time.sleep(DELAY)
    return update.message.text
