COMMANDS = {"Start!": "Greet"}


def process(update):
    return None
