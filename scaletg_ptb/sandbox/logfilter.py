"""Which log lines reach the chat: DEBUG detail of the project, not of every library under it."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping

ALL_ENV = "SCALETG_DEBUG_ALL"  # set to 1 to let third-party DEBUG lines (httpx, httpcore, …) through
PROJECT = ("scaletg_ptb", "telegram", "apps", "modules", "__main__")


class ProjectDebugOnly(logging.Filter):
    """Let DEBUG lines through only from the project's loggers (and python-telegram-bot's)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Tell whether ``record`` is shown."""
        if record.levelno > logging.DEBUG:
            return True
        top = record.name.partition(".")[0]
        return top in PROJECT or record.name == "root"


def quiet_libraries(handler: logging.Handler, environ: Mapping[str, str] | None = None) -> None:
    """Keep other libraries' DEBUG lines off ``handler`` unless SCALETG_DEBUG_ALL asks for them."""
    environ = os.environ if environ is None else environ
    if environ.get(ALL_ENV, "").strip().lower() not in ("1", "true", "yes", "on"):
        handler.addFilter(ProjectDebugOnly())
