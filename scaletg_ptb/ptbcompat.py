"""Use python-telegram-bot the same way on every 22.x release, without warnings about our choices.

Two of PTB's warnings are about things ScaleTG does on purpose, and would only alarm users:

* every reply goes through ``Bot.do_api_request`` (a ``Reply`` names the Bot API method), which
  PTB answers with "Please use 'Bot.send_message' instead of 'Bot.do_api_request(...)'";
* since v22.2, reading ``RetryAfter.retry_after`` warns that it will become a timedelta, and
  PTB's own ``RetryAfter`` constructor reads it, so every 429 warns.

Each is silenced by one filter, scoped by category, message and the module the warning is
charged to, so the same warnings about anyone else's code still show.
"""

from __future__ import annotations

import warnings
from datetime import timedelta

from telegram.error import RetryAfter
from telegram.warnings import PTBDeprecationWarning, PTBUserWarning

# Charged to the caller of do_api_request: only ScaleTG's own calls are silenced.
DO_API_REQUEST = (r"Please use 'Bot\.\w+' instead of 'Bot\.do_api_request\(", PTBUserWarning,
                  r"scaletg_ptb\.")
# Charged to telegram.error, where the property is: PTB's constructor and our reads alike.
RETRY_AFTER_TYPE = (r"Deprecated since version v22\.2: In a future major version attribute `retry_after`",
                    PTBDeprecationWarning, r"telegram\.error$")


def quiet_ptb_warnings() -> None:
    """Install the filters for PTB's warnings about ScaleTG's deliberate choices (idempotent)."""
    for message, category, module in (DO_API_REQUEST, RETRY_AFTER_TYPE):
        # The same filter added again replaces the old one: the list does not grow.
        warnings.filterwarnings("ignore", message, category, module)


def retry_after_seconds(exc: RetryAfter) -> float:
    """Return the wait a 429 asks for, in seconds, whatever type this PTB release gives it.

    ``retry_after`` is an int up to v22.1; from v22.2 it is an int (with a deprecation warning,
    silenced by ``quiet_ptb_warnings``) or, with ``PTB_TIMEDELTA=1``, a timedelta.
    """
    value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
