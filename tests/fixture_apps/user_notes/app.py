"""A plain app that keeps each user's notes with user_data; "note slow" holds its block until released."""

import threading

from modules.storage import user_data
from scaletg_ptb import Update

entered = threading.Event()  # the slow block has loaded its data
release = threading.Event()  # the test lets the slow block go on


def process(update: Update) -> str | None:
    """Append the text after "note " to the user's notes."""
    text = update.message.text if update.type == "message" else None
    if not text or not text.startswith("note "):
        return None
    with user_data(update) as data:
        if text == "note slow":
            entered.set()
            release.wait(5)
        data.setdefault("notes", []).append(text.removeprefix("note "))
    return f"noted {text.removeprefix('note ')}"
