"""Keep each chat's last sequence number (the message text) with chat_data; say when one was skipped."""

import time

from modules.storage import chat_data


def process(update):
    if update.type != "message" or not (update.message.text or "").isdigit():
        return None
    number = int(update.message.text)
    with chat_data(update) as data:
        last = data.get("last", 0)
        if number == last:
            verdict = f"again {number}"  # its block was saved, then the process died before it was done
        elif number == last + 1:
            verdict = f"ok {number}"
        else:
            verdict = f"gap: {number} after {last}"
        data["last"] = max(last, number)
    time.sleep(0.02)  # slow enough that a kill lands in the middle of the burst
    return verdict
