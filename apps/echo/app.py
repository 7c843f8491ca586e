"""Echo any text that is not a command, exactly as it came."""

from modules.commands import is_command
from scaletg_ptb import Update


def process(update: Update) -> str | None:
    """Return the message's text unchanged (sent with no parse mode)."""
    if update.type != "message":
        return None
    text = update.message.text
    if text is None or is_command(text):
        return None
    return text
