"""A well-formed sync app with commands."""
COMMANDS = {"hello": "Say hello", "start": "Start"}


def process(update):
    return "hello"
