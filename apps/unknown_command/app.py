"""Answer a command that no enabled app knows: "I don't know /foo. /help lists my commands."

Keep it last in config.yaml's ``apps:``: the first app that answers wins, so this one only
speaks when no other app did. Remove it from ``apps:`` to leave unknown commands unanswered.
"""

from modules.commands import parse
from scaletg_ptb import Update, enabled_commands


async def process(update: Update) -> str | None:
    """Answer an unknown command addressed to this bot; leave everything else alone."""
    command = parse(update)  # None for edits, plain text and commands addressed to other bots
    if command is None or command.name in enabled_commands():
        return None
    if update.message.chat.type != "private" and command.mention is None:
        return None  # "/foo" in a group may be for another bot there; "/foo@ThisBot" is ours
    return f"I don't know /{command.name}. /help lists my commands."
