"""Command-line parsing and the one-line error exit shared by ``bot.py``'s modes."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from .config import LOG_LEVELS
from .errors import ConfigError
from .logs import Redactor

EXIT_CONFIG_ERROR = 2
EXIT_RUNTIME_ERROR = 1
EPILOG = """modes:
  python bot.py                      run the bot against Telegram (needs a token)
  python bot.py --sandbox            chat with it offline in this terminal (no token)
  python bot.py --sandbox --reload   the same, restarting the bot when you save a file
  python bot.py --check              validate the config, apps and modules, then exit
  python bot.py startapp NAME        create apps/NAME/ with a passing test, then exit
  python bot.py inbox                show the inbox: waiting, in progress and set-aside updates
  python bot.py inbox retry ID|all   put set-aside updates back (after fixing the app)
  python bot.py inbox drop ID|all    delete set-aside updates

environment:
  TELEGRAM_BOT_TOKEN   the bot token (overrides 'token' in the config)
  TELEGRAM_BASE_URL    the Bot API base URL (overrides 'base_url'; default https://api.telegram.org/bot)

exit status: 0 stopped cleanly, 1 runtime failure (token rejected, forced stop), 2 misconfiguration"""


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse ``bot.py``'s command line."""
    parser = argparse.ArgumentParser(
        prog="python bot.py",
        description="Run ScaleTG apps as a Telegram bot on python-telegram-bot long polling.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--config", default="config.yaml", metavar="PATH",
                        help="the config file (default: config.yaml)")
    parser.add_argument("--log-level", type=str.upper, choices=LOG_LEVELS, metavar="LEVEL",
                        help="DEBUG, INFO, WARNING, ERROR or CRITICAL (default: from the config, INFO; "
                             "at least WARNING with --sandbox)")
    parser.add_argument("--sandbox", action="store_true",
                        help="chat with the bot in this terminal, offline: a local Bot API emulator "
                             "stands in for Telegram, no token needed")
    parser.add_argument("--reload", action="store_true",
                        help="restart the bot whenever a .py or .yaml file in apps/, modules/, scaletg_ptb/ "
                             "or the config changes (for development; works with --sandbox)")
    parser.add_argument("--check", action="store_true",
                        help="validate the config, the apps and the modules, then exit (no connection)")
    parser.add_argument("command", nargs="*", metavar="startapp NAME | inbox ...",
                        help="create apps/NAME/ with a working app.py and a passing test, then exit")
    args = parser.parse_args(argv)
    if args.command and args.command[0] != "inbox" and (args.command[0] != "startapp" or len(args.command) != 2):
        parser.error(f"unknown command {' '.join(args.command)!r}; the commands are: startapp NAME, inbox")
    if args.reload and (args.check or args.command):
        parser.error(f"--reload runs the bot; it cannot be combined with {'--check' if args.check else 'startapp'}")
    return args


def startapp(name: str, config: str, interactive: bool) -> int:
    """Create a new app beside the config file and say how to enable it."""
    from .scaffold import create_app, enable_in_config

    config_path = Path(config)
    apps_dir = config_path.resolve().parent / "apps"
    try:
        files = create_app(name, apps_dir)
    except ConfigError as exc:
        return fail(exc, EXIT_CONFIG_ERROR)
    print(f"Created app '{name}':")
    for path in files:
        print(f"  {path.relative_to(apps_dir.parent)}")
    question = f"Enable it now (add '{name}' to 'apps' in {config})? [Y/n] "
    if interactive and config_path.exists() and input(question).strip().lower() in ("", "y", "yes"):
        if enable_in_config(name, config_path):
            print(f"Enabled: '{name}' is the last of 'apps' in {config}.")
            return 0
        print(f"Could not find a block-style 'apps:' list in {config}.")
    print(f"To enable it, add '{name}' to 'apps' in {config}. Then try it: python bot.py --sandbox")
    print(f"Its test: python -m pytest apps/{name}")
    return 0


def fail(message: object, status: int, redactor: Redactor | None = None) -> int:
    """Print ``error: message`` on one line to stderr (token redacted) and return ``status``."""
    text = str(message)
    if redactor is not None:
        text = redactor(text)
    print(f"error: {text}", file=sys.stderr)
    return status


@contextmanager
def sigterm_interrupts() -> Iterator[None]:
    """Make SIGTERM end an interactive mode as Ctrl-C does (in the main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
