"""An app that kills its own process (as an OOM kill or a segfault would) on 'poison'; it echoes other text."""
import os
import signal


def process(update):
    text = update.message.text if update.type == "message" else None
    if text == "poison":
        os.kill(os.getpid(), signal.SIGKILL)
    return text
