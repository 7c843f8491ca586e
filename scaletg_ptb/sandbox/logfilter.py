"""Which log lines reach the chat: the project's detail, not every library's request log."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping

ALL_ENV = "SCALETG_DEBUG_ALL"  # set to 1 to let other libraries' DEBUG and INFO lines (httpx, httpcore) through
PROJECT = ("scaletg_ptb", "telegram", "apps", "modules", "__main__")
_DETAIL_LINE = re.compile(r"^\S+ \S+ (?:DEBUG|INFO)\s+([\w.]+): ")  # logs.FORMAT, from a --reload child


class ProjectDetailOnly(logging.Filter):
    """Let DEBUG and INFO lines through only from the project's loggers (and python-telegram-bot's)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Tell whether ``record`` is shown: a warning from anyone, detail from the project."""
        if record.levelno >= logging.WARNING:
            return True
        return record.name.partition(".")[0] in PROJECT or record.name == "root"


def wants_all(environ: Mapping[str, str] | None = None) -> bool:
    """Tell whether SCALETG_DEBUG_ALL asks for every library's detail."""
    environ = os.environ if environ is None else environ
    return environ.get(ALL_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def quiet_libraries(handler: logging.Handler, environ: Mapping[str, str] | None = None) -> None:
    """Keep other libraries' DEBUG and INFO lines off ``handler`` unless SCALETG_DEBUG_ALL asks for them."""
    if not wants_all(environ):
        handler.addFilter(ProjectDetailOnly())


def shows_line(line: str, environ: Mapping[str, str] | None = None) -> bool:
    """Tell whether a formatted log line (a --reload child's) reaches the chat, by the same rule."""
    found = _DETAIL_LINE.match(line)
    return found is None or wants_all(environ) or found.group(1).partition(".")[0] in PROJECT
