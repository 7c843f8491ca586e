"""Command-line parsing and the one-line error exit shared by ``bot.py``'s modes."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .config import LOG_LEVELS
from .logs import Redactor

EXIT_CONFIG_ERROR = 2
EXIT_RUNTIME_ERROR = 1


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse ``bot.py``'s command line."""
    parser = argparse.ArgumentParser(
        prog="python bot.py",
        description="Run ScaleTG apps as a Telegram bot on python-telegram-bot long polling.",
    )
    parser.add_argument("--config", default="config.yaml", metavar="PATH",
                        help="the config file (default: config.yaml)")
    parser.add_argument("--log-level", type=str.upper, choices=LOG_LEVELS, metavar="LEVEL",
                        help="DEBUG, INFO, WARNING, ERROR or CRITICAL (default: from the config, INFO; "
                             "at least WARNING with --sandbox)")
    parser.add_argument("--sandbox", action="store_true",
                        help="chat with the bot in this terminal, offline: a local Bot API emulator "
                             "stands in for Telegram, no token needed")
    parser.add_argument("--check", action="store_true",
                        help="validate the config, the apps and the modules, then exit (no connection)")
    return parser.parse_args(argv)


def fail(message: object, status: int, redactor: Redactor | None = None) -> int:
    """Print ``error: message`` on one line to stderr (token redacted) and return ``status``."""
    text = str(message)
    if redactor is not None:
        text = redactor(text)
    print(f"error: {text}", file=sys.stderr)
    return status
