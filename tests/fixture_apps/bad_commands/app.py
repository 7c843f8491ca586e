COMMANDS = ["start"]


def process(update):
    return None
