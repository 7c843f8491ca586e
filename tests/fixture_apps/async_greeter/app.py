"""A well-formed async app that clashes with greeter on /start."""
COMMANDS = {"start": "Start again", "ping": "Ping"}


async def process(update):
    return None
