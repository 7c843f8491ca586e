"""An app whose own import fails: the registry must show this error, not 'not found'."""
import scaletg_missing_dependency  # noqa: F401


def process(update):
    return None
