"""List the commands that the enabled apps declare, on /help or the "help" button."""

from modules.commands import match
from scaletg_ptb import Update, enabled_commands, send_async

COMMANDS = {"help": "List the commands"}


async def process(update: Update) -> str | None:
    """Answer /help, or a press of a button whose data is "help", with the command list."""
    if update.type == "callback_query" and update.callback_query.data == "help":
        await send_async(update.callback_query.answer())  # stop the button's spinner first
        return commands_text()
    if match(update, "help"):
        return commands_text()
    return None


def commands_text() -> str:
    """Return one line per command, generated from the enabled apps' COMMANDS."""
    lines = [f"/{command} - {description}" for command, description in enabled_commands().items()]
    return "Commands:\n" + "\n".join(lines)
