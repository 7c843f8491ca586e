"""Command-line parsing and the one-line error exit shared by ``bot.py``'s modes."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import TextIO

from .bottoken import TOKEN_ENV, token_not_set
from .config import LOG_LEVELS, Config, check_config
from .core._suggest import closest
from .errors import ConfigError
from .logs import Redactor
from .registry import Registry

EXIT_CONFIG_ERROR = 2
EXIT_RUNTIME_ERROR = 1
EPILOG = """modes:
  python bot.py                      run the bot against Telegram (needs a token)
  python bot.py --sandbox            chat with it offline in this terminal (no token)
  python bot.py --reload             run the bot, restarting it when you save a file
  python bot.py --sandbox --reload   the sandbox, restarting the bot when you save a file
  python bot.py --check              validate the config, apps and modules, then exit (no token needed)
  python bot.py --check --sandbox    the same, for the sandbox
  python bot.py startapp NAME        create apps/NAME/ with a passing test, then exit
  python bot.py poll                 only fetch updates into a shared (Redis) inbox; apps run elsewhere
  python bot.py work                 only run the apps on a shared (Redis) inbox; any number, any machine
  python bot.py inbox                show the inbox: waiting, in progress and set-aside updates
  python bot.py inbox --show-content the same, with the text of the set-aside updates
  python bot.py inbox retry ID|all   put set-aside updates back (after fixing the app)
  python bot.py inbox drop ID|all    delete set-aside updates

The config is config.yaml beside bot.py, whatever the current folder, unless --config says otherwise.

environment:
  TELEGRAM_BOT_TOKEN   the bot token (overrides 'token' in the config)
  TELEGRAM_BASE_URL    the Bot API base URL (overrides 'base_url'; default https://api.telegram.org/bot)
  SCALETG_INBOX        the inbox (overrides 'inbox'): sqlite, memory or redis://host:6379/0

exit status: 0 stopped cleanly, 1 runtime failure (token rejected, forced stop), 2 misconfiguration"""
STARTAPP_USAGE = "python bot.py startapp NAME"
ROLES = ("poll", "work")


def parse_args(argv: Sequence[str] | None = None, project: Path | None = None) -> argparse.Namespace:
    """Parse ``bot.py``'s command line; without --config, use config.yaml in ``project`` (else here)."""
    parser = argparse.ArgumentParser(
        prog="python bot.py",
        description="Run ScaleTG apps as a Telegram bot on python-telegram-bot long polling.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--config", metavar="PATH",
                        help="the config file (default: config.yaml beside bot.py; a PATH given here is "
                             "relative to the current folder)")
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
                        help="validate the config, the apps and the modules, report every mistake, then exit "
                             "without connecting (no token needed; with --sandbox: as the sandbox would run)")
    parser.add_argument("--show-content", action="store_true",
                        help="with inbox: also show the text of the set-aside updates (people's messages)")
    parser.add_argument("command", nargs="*", metavar="startapp NAME | poll | work | inbox [retry|drop ID|all]",
                        help="startapp: create apps/NAME/ (beside the config) with a working app.py and a "
                             "passing test, offer to enable it, then exit; poll / work: run one role of a "
                             "bot spread over processes that share a Redis inbox (one poller, any number of "
                             "workers); inbox: show the inbox, or put set-aside updates back (retry) or "
                             "delete them (drop), also while the bot runs")
    args = parser.parse_args(argv)
    if args.config is None:
        args.config = default_config(project)
    _check_combinations(parser, args)
    return args


def _check_combinations(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if args.show_content and args.command[:1] != ["inbox"]:
        parser.error("--show-content shows the text of set-aside updates: python bot.py inbox --show-content")
    if args.command and args.command[0] in ROLES:
        role = args.command[0]
        if len(args.command) > 1:
            parser.error(f"{role} takes no arguments: python bot.py {role}")
        options = [option for option, on in (("--sandbox", args.sandbox), ("--reload", args.reload),
                                             ("--check", args.check)) if on]
        if options:
            parser.error(f"{role} runs one role of the bot; it cannot be combined with {' or '.join(options)}.")
    elif args.command and args.command[0] == "inbox":
        options = [option for option, on in (("--sandbox", args.sandbox), ("--reload", args.reload),
                                             ("--check", args.check)) if on]
        if options:
            parser.error(f"inbox only reads or repairs the inbox; it cannot be combined with {' or '.join(options)}.")
    elif args.command:
        if args.command[0] != "startapp":
            suggestion = closest(args.command[0], ["startapp", "inbox", *ROLES])
            guess = f" (did you mean {suggestion!r}?)" if suggestion else ""
            parser.error(f"unknown command {' '.join(args.command)!r}{guess}; the commands are: "
                         f"{STARTAPP_USAGE}, python bot.py poll, python bot.py work, python bot.py inbox")
        if len(args.command) != 2:
            parser.error(f"startapp needs a name: {STARTAPP_USAGE}" if len(args.command) == 1
                         else f"startapp takes one name: {STARTAPP_USAGE}")
        options = [option for option, on in (("--sandbox", args.sandbox), ("--reload", args.reload),
                                             ("--check", args.check)) if on]
        if options:
            parser.error(f"startapp only creates an app; it cannot be combined with {' or '.join(options)}. "
                         f"Run {STARTAPP_USAGE} first, then python bot.py {options[0]}.")
    if args.reload and args.check:
        parser.error("--reload runs the bot; it cannot be combined with --check")


def default_config(project: Path | None) -> str:
    """Return config.yaml of ``project`` as the user would write it from the current folder."""
    if project is None:
        return "config.yaml"
    path = Path(project).resolve() / "config.yaml"
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


def startapp(name: str, config: str, answers: TextIO | None = None) -> int:
    """Create a new app beside the config file and offer to enable it.

    The answer comes from ``answers`` (stdin): typed at a terminal, or the first line of piped
    input; the end of input means no.
    """
    from .scaffold import create_app, enable_in_config

    answers = sys.stdin if answers is None else answers
    config_path = Path(config)
    apps_dir = config_path.resolve().parent / "apps"
    try:
        files = create_app(name, apps_dir)
    except ConfigError as exc:
        return fail(exc, EXIT_CONFIG_ERROR)
    print(f"Created app '{name}':")
    for path in files:
        print(f"  {_shown(path)}")
    if config_path.exists() and _ask(f"Enable it now (add '{name}' to 'apps' in {config})? [Y/n] ", answers):
        if enable_in_config(name, config_path):
            print(f"Enabled: '{name}' is added to 'apps' in {config}.")
            return 0
        print(f"Could not find a block-style 'apps:' list in {config}.")
    print(f"To enable it, add '{name}' to 'apps' in {config}. Then try it: python bot.py --sandbox")
    print(f"Its test: python -m pytest {_shown(apps_dir / name)}")
    return 0


def _ask(question: str, answers: TextIO) -> bool:
    """Ask a yes/no question (Enter means yes); a closed or empty input means no."""
    print(question, end="", flush=True)
    try:
        line = answers.readline()
    except KeyboardInterrupt:
        line = ""
    if not _is_terminal(answers):
        print(line.strip() if line else "(no answer: end of input)")  # keep a transcript readable
    return bool(line) and line.strip().lower() in ("", "y", "yes")


def _is_terminal(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _shown(path: Path) -> str:
    """Return ``path`` relative to the current folder when it is inside it, else as is."""
    try:
        return str(path.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def check(config_path: str, *, sandbox: bool = False) -> int:
    """Validate the config, apps and modules, printing every mistake (exit 2) or what is ready (exit 0)."""
    redactor = Redactor()
    try:
        # The token is checked when set, but need not be set yet: --check is for before you have one.
        config, checker = check_config(config_path, require_token=False, validate_token=not sandbox)
        redactor.add_config(config)
        registry = load_registry(config, config_path, checker.errors)
    except ConfigError as exc:
        return fail(exc, EXIT_CONFIG_ERROR, redactor)
    apps = ", ".join(app.name for app in registry.apps) or "none"
    modules = ", ".join(module.name for module in registry.modules) or "none"
    target = " for the sandbox" if sandbox else ""
    print(f"{config_path} is valid{target}: apps {apps}; modules {modules}. (Nothing was sent to Telegram.)")
    if not sandbox and not config.token:
        print(f"The bot token is still to be set: put it in {TOKEN_ENV} or in 'token' in {config_path} "
              "before you run python bot.py (python bot.py --sandbox needs none).")
    return 0


def load_registry(config: Config, config_path: str, errors: Sequence[str] = ()) -> Registry:
    """Load the config's modules and apps; raise one ConfigError with ``errors`` and theirs, if any."""
    registry = Registry(config.root, config_name=config_path)
    found = list(errors)
    try:
        registry.populate(config.apps, config.modules)
    except ConfigError as exc:
        found.extend(exc.messages)
    if found:
        raise ConfigError(*found)
    return registry


def token_missing(config_path: str) -> str | None:
    """Say that no token is set (neither the environment nor the config has one), or return None."""
    try:
        config, _ = check_config(config_path, require_token=False, validate_token=False)
    except ConfigError:
        return None  # unreadable config: --reload reports it and waits for a fix
    return None if config.token else f"{Path(config_path).name}: {token_not_set()}"


def fail(message: object, status: int, redactor: Redactor | None = None) -> int:
    """Print ``error: message`` to stderr, one line per mistake (token redacted); return ``status``."""
    lines = message.messages if isinstance(message, ConfigError) else (str(message),)
    for line in lines:
        print(f"error: {redactor(line) if redactor is not None else line}", file=sys.stderr)
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
