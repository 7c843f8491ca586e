"""Count the messages seen, in a module-level variable and in the module 'tally'."""

from modules.tally import bump

seen = 0


def process(update):
    global seen
    seen += 1
    return f"app {seen}, module {bump()}"
