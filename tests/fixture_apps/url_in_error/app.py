"""An app whose error carries the inbox URL (as a careless library's would) on 'fail'; silent otherwise."""

import scaletg_ptb


def process(update):
    if update.type == "message" and update.message.text == "fail":
        raise ConnectionError(f"cannot reach {scaletg_ptb.project().inbox}")
    return None
