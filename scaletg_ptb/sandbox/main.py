"""``python bot.py --sandbox``: start the emulator and the bot, chat in the terminal, stop cleanly."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import NamedTuple, TextIO

from ..cli import EXIT_CONFIG_ERROR, EXIT_RUNTIME_ERROR, fail, sigterm_interrupts
from ..config import LOG_LEVELS, load_config
from ..errors import ConfigError
from ..logs import Redactor, configure_logging
from ..registry import Registry
from .commands import parse_line
from .console import Console
from .logfilter import quiet_libraries
from .render import Renderer, Style, use_colour
from .runner import BotRunner, SandboxRunner
from .session import Session

EXIT_FORCED = 1
QUIET_LEVEL = "WARNING"  # app errors show; the per-update INFO lines would drown the chat



class Lineup(NamedTuple):
    """What the banner names: the enabled apps, the bot's commands, and notes on how it runs."""

    apps: Sequence[str]
    commands: Sequence[str]
    notes: Sequence[str] = ()


Starter = Callable[[argparse.Namespace, Console, Redactor], "tuple[BotRunner, Lineup] | int"]
"""Start the bot of the chat (or return the exit status); Ctrl-C meanwhile leaves nothing running."""


def run_sandbox(args: argparse.Namespace, stdin: TextIO | None = None, stdout: TextIO | None = None,
                stderr: TextIO | None = None, *, start: Starter | None = None) -> int:
    """Chat with the bot of ``args.config`` on an emulator until end of input; return the exit status.

    ``start`` starts the bot; by default it runs in this process (``--reload`` runs it in a child).
    """
    stdin, stdout, stderr = stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr
    for stream in (stdout, stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")  # emoji on a terminal that cannot show them
    console = Console(stdout, stderr, stdin, interactive=_is_terminal(stdin))
    redactor = Redactor()
    with sigterm_interrupts():
        try:
            started = (start or _start)(args, console, redactor)
        except KeyboardInterrupt:  # Ctrl-C while starting: whatever started is stopped already
            return 0
        if isinstance(started, int):
            return started
        runner, lineup = started
        renderer = Renderer(runner.bot_username, Style(use_colour(stdout)))
        session: Session | None = None
        try:
            session = Session(runner, console, renderer, _default_user_name(),
                              wait=30.0 if console.interactive else 120.0)
            console.show(*banner(lineup, renderer, session))
            for line in console.read_lines(session.prompt):
                action = parse_line(line)
                if action is not None and not session.run(action):
                    break
        except KeyboardInterrupt:  # Ctrl-C, or SIGTERM
            console.end_interrupted_line()
        finally:
            # The chat keeps showing what the bot does while the updates in hand finish.
            _stop(runner, console, renderer, busy=session is not None and session.busy)
            if session is not None:
                session.close()
    console.show(renderer.notice("Bye: the bot and the emulator are stopped."))
    return 0


def _stop(runner: BotRunner, console: Console, renderer: Renderer, *, busy: bool) -> None:
    """Stop the bot gracefully; a second Ctrl-C, or the stop timeout, ends the process at once."""
    timeout = runner.config.processing.stop_timeout
    if busy:
        console.show(renderer.notice(f"Stopping: the bot first finishes what it is doing (up to {timeout:g} s; "
                                     "Ctrl-C again stops at once)."))
    try:
        runner.stop(timeout)
    except (KeyboardInterrupt, TimeoutError):
        console.end_interrupted_line()
        console.show(renderer.problem("Stopped at once: what the bot was doing is abandoned."))
        for stream in (console.out, console.err):
            stream.flush()
        os._exit(EXIT_FORCED)  # app threads that hang cannot be joined


def _start(args: argparse.Namespace, console: Console,
           redactor: Redactor) -> tuple[SandboxRunner, Lineup] | int:
    """Load the config and the apps, start the emulator and the bot; or return the exit status."""
    try:
        config = load_config(args.config, require_token=False)
        redactor.add_config(config)
        handler = configure_logging(args.log_level or _quieter(config.log_level), redactor, console.log_stream())
        quiet_libraries(handler)
        registry = Registry(config.root, config_name=args.config)
        registry.populate(config.apps, config.modules)
        runner = SandboxRunner(config, registry)
        redactor.add(runner.emulator.token)
        return runner.start(), Lineup([app.name for app in registry.apps], list(registry.commands()))
    except ConfigError as exc:
        return fail(exc, EXIT_CONFIG_ERROR, redactor)
    except Exception as exc:  # noqa: BLE001 - e.g. no free port: one line, not a traceback
        return fail(f"the sandbox could not start: {type(exc).__name__}: {exc}", EXIT_RUNTIME_ERROR, redactor)


def banner(lineup: Lineup, renderer: Renderer, session: Session) -> list[str]:
    """Return the lines that greet the user: the bot, its apps, and how to get help or leave."""
    apps = ", ".join(lineup.apps) or "none (enable some under 'apps:' in the config)"
    commands = ", ".join(f"/{name}" for name in lineup.commands)
    paint = renderer.style.paint
    return [
        paint(f"ScaleTG sandbox: @{session.runner.bot_username} runs offline on a Bot API emulator, "
              "no token needed.", "1"),
        renderer.notice(f"Apps: {apps}." + (f" Commands: {commands}." if commands else "")),
        *(renderer.notice(note) for note in lineup.notes),
        renderer.notice(f"Chatting as {session.user['first_name']} in a private chat. "
                        ":help lists sandbox commands; :quit leaves."),
    ]


def _quieter(level: str) -> str:
    """Return ``level``, raised to WARNING at least."""
    return max(level, QUIET_LEVEL, key=LOG_LEVELS.index)


def _default_user_name() -> str:
    """Name the first user after the login name ($USER), or "You"."""
    login = os.environ.get("USER", "").strip()
    return login[:1].upper() + login[1:] if login else "You"


def _is_terminal(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


