"""A plain app that blocks: 'sleep 2.5' sleeps that long, then says so; other text is ignored."""
import time


def process(update):
    text = update.message.text if update.type == "message" else None
    if not text or not text.startswith("sleep "):
        return None
    seconds = float(text.split()[1])
    time.sleep(seconds)
    return f"slept {seconds:g}"
