"""Greet the user by first name on /start."""

from modules.commands import match
from scaletg_ptb import Reply, Update

COMMANDS = {"start": "Greet the user"}


async def process(update: Update) -> Reply | None:
    """Answer /start with a greeting and a button that shows the help."""
    if not match(update, "start"):
        return None
    message = update.message
    name = message.from_user.first_name if message.from_user else "there"
    keyboard = {"inline_keyboard": [[{"text": "Show commands", "callback_data": "help"}]]}
    text = f"Hello, {name}! I'm a ScaleTG bot: send me any text and I'll echo it. /help lists my commands."
    return message.respond(text, reply=False, reply_markup=keyboard)
