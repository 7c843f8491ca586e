"""The sample echo app as a plain ``def``: it runs in a worker thread, as blocking apps do."""

from modules.commands import is_command


def process(update):
    """Return the message's text unchanged."""
    if update.type != "message":
        return None
    text = update.message.text
    if text is None or is_command(text):
        return None
    return text
