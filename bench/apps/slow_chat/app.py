"""Bench app: take 2 s per message in the chat named by $BENCH_SLOW_CHAT_ID, echo others at once."""

import os
import time

from scaletg_ptb import Update

SLOW_CHAT_ID = int(os.environ.get("BENCH_SLOW_CHAT_ID", "0"))
DELAY = float(os.environ.get("BENCH_SLOW_SECONDS", "2"))


def process(update: Update) -> str | None:
    """Echo the text, after blocking for DELAY seconds in the slow chat."""
    if update.type != "message" or update.message.text is None:
        return None
    if update.message.chat.id == SLOW_CHAT_ID:
        time.sleep(DELAY)
    return update.message.text
