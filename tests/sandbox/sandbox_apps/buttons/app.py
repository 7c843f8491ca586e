"""A sandbox fixture: buttons that answer, edit and alert; a message sent later, then deleted."""

import contextvars
import threading
import time

from modules.commands import match
from scaletg_ptb import Reply, Update, send

COMMANDS = {"buttons": "Show buttons", "later": "Answer later", "boom": "Crash", "slow": "Hang for a minute"}
KEYBOARD = {"inline_keyboard": [
    [{"text": "Save", "callback_data": "save"}, {"text": "Alert", "callback_data": "alert"}],
    [{"text": "Docs", "url": "https://example.org"}],
]}
release = threading.Event()  # the test sets it to let the late message go


def process(update: Update) -> Reply | str | None:
    """Answer the commands above and presses of their buttons."""
    if update.type == "callback_query":
        query = update.callback_query
        if query.data == "save":
            send(query.answer("Saved!"))
            return query.message.edit_text("Saved ✓")
        if query.data == "alert":
            return query.answer("Careful!", show_alert=True)
        return None
    if match(update, "buttons"):
        return update.message.respond("Pick one", reply=False, reply_markup=KEYBOARD)
    if match(update, "slow"):
        send(update.message.respond("Working on it", reply=False))  # tells the test the update is in hand
        time.sleep(60)
        return "done"
    if match(update, "boom"):
        raise RuntimeError("kaboom")
    if match(update, "later"):
        chat_id = update.message.chat.id
        delay = float(match(update, "later").args or 0)  # no delay given: wait for the test's release

        def later() -> None:
            if delay:
                time.sleep(delay)
            else:
                release.wait(10)
            sent = send(Reply("sendMessage", chat_id=chat_id, text="I'm late!"))
            send(Reply("deleteMessage", chat_id=chat_id, message_id=sent.message_id))

        threading.Thread(target=contextvars.copy_context().run, args=(later,), daemon=True).start()
        return "wait for it"
    return None
