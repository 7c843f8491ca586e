"""An app that forgot to define process()."""


def handle(update):
    return None
