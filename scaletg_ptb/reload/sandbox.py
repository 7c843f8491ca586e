"""``--sandbox --reload``: the emulator and the chat stay in this process, the bot restarts as a child.

So the conversation, the users and the terminal session survive every reload; the child is
the ordinary runner, pointed at this process's emulator by TELEGRAM_BASE_URL/TOKEN.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from ..cli import EXIT_RUNTIME_ERROR, fail
from ..config import LOG_LEVELS, Config, load_config
from ..core import Reply, Update
from ..dispatch import Outcome
from ..emulator import Emulator
from ..errors import ConfigError
from ..logs import Redactor, configure_logging
from ..sandbox import run_sandbox
from ..sandbox.console import Console
from ..sandbox.logfilter import shows_line
from ..sandbox.main import QUIET_LEVEL, Lineup
from ..sandbox.render import Renderer, Style, use_colour
from ..sandbox.runner import EmulatorBot, Outcomes
from .link import STATE_ENV, Report
from .main import bot_command, child_env, project_watcher
from .reloader import Reloader

FIRST_START = 60.0  # seconds to wait for the first bot before the banner (its commands show there)


class ChildRunner(EmulatorBot):
    """The sandbox's bot, run by a ``Reloader`` as a child process against this process's emulator."""

    def __init__(self, args: argparse.Namespace, script: str, say: Callable[[str], None],
                 relay: Callable[[str], None]) -> None:
        self.args = args
        self.script = script
        self.config = self._load() or Config(path=Path(args.config).resolve(), token="")
        self.emulator = Emulator()
        self.reloader = Reloader(self._command, self._env, project_watcher(Path(args.config)), say,
                                 stop_timeout=lambda: self.config.processing.stop_timeout,
                                 on_report=self._on_report, on_output=relay)
        self._say = say
        # One lock: outcomes and the bot's state wake the same waiters.
        self.outcomes = Outcomes(self.reloader.cond)
        self._cond = self.reloader.cond
        self._state = tempfile.TemporaryDirectory(prefix="scaletg-sandbox-")  # shared by every child
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self.reloader.run, args=(self._stop,),
                                        name="scaletg-reloader", daemon=True)

    @property
    def running(self) -> bool:
        """Tell whether a bot is up or on its way (not waiting for a fix)."""
        return self.reloader.up

    def start(self) -> ChildRunner:
        """Start the emulator and the first bot; return once it polls or has failed."""
        self.emulator.start()
        self._thread.start()
        with self._cond:
            self._cond.wait_for(lambda: self.reloader.state in ("ready", "failed"), FIRST_START)
        return self

    def lineup(self) -> Lineup:
        """Return the enabled apps and the commands the bot registered, for the banner."""
        watcher = self.reloader.watcher
        note = (f"--reload: the bot restarts when {watcher.config.label} or a .py or .yaml file in "
                f"{watcher.folder_names('or')} changes.")
        return Lineup(list(self.config.apps), [command["command"] for command in self.emulator.commands], [note])

    def wait_processed(self, matches: Callable[[Update], bool], timeout: float) -> Outcome | None:
        """Wait until a matching update was processed, or the bot is down; return its outcome or None."""
        return self.outcomes.wait_for(matches, timeout, give_up=lambda: not self.reloader.up)

    def stop(self, timeout: float = 30.0) -> None:
        """Stop the bot gracefully, then the emulator; a Ctrl-C meanwhile stops the bot at once."""
        self._stop.set()
        try:
            # Slack beyond the timeout: the child's own stop timeout ends it first.
            stopped = not self._thread.is_alive() or self.reloader.done.wait(timeout + 5)
        except KeyboardInterrupt:
            self.reloader.force()
            raise
        if not stopped:
            self.reloader.force()
            raise TimeoutError(f"the bot did not stop within {timeout} s")
        self.emulator.stop()
        self._state.cleanup()

    def _load(self) -> Config | None:
        try:
            return load_config(self.args.config, require_token=False)
        except ConfigError:
            return None  # the child says what is wrong, and a save starts it again

    def _command(self) -> list[str]:
        self.config = self._load() or self.config  # the bot's allowed updates and stop timeout follow it
        level = self.args.log_level or max(self.config.log_level, QUIET_LEVEL, key=LOG_LEVELS.index)
        return bot_command(self.script, self.args.config, level)

    def _env(self) -> dict[str, str]:
        # Unbuffered: app prints reach the chat as they happen, through the pipe.
        return child_env(TELEGRAM_BASE_URL=self.emulator.base_url, TELEGRAM_BOT_TOKEN=self.emulator.token,
                         PYTHONUNBUFFERED="1", **{STATE_ENV: self._state.name})

    def _on_report(self, report: Report) -> None:
        if report.get("event") == "ready" and self.reloader.starts > 1:
            self._say("Restarted: the bot runs the changed code.")
        if report.get("event") != "processed":
            return
        update = Update(report["update"])
        method = report.get("method")
        outcome = Outcome(update.id, update.type, app=report.get("app"), sent=bool(report.get("sent")),
                          reply=Reply(method) if method else None, dropped_by=report.get("dropped_by"))
        self.outcomes.record(update, outcome)


def run_sandbox_reload(args: argparse.Namespace, script: str) -> int:
    """Chat in the terminal with a bot that restarts when a watched file changes."""
    def start(args: argparse.Namespace, console: Console, redactor: Redactor) -> tuple[ChildRunner, Lineup] | int:
        notices = Renderer("", Style(use_colour(console.out)))  # only its notice() is used
        configure_logging(QUIET_LEVEL, redactor, console.log_stream())  # the emulator's own warnings
        runner = ChildRunner(args, script, say=lambda text: console.show(notices.notice(text)),
                             relay=lambda line: console.show_log(redactor(line) + "\n") if shows_line(line) else None)
        redactor.add(runner.emulator.token)
        try:
            return runner.start(), runner.lineup()
        except Exception as exc:  # noqa: BLE001 - e.g. no free port: one line, not a traceback
            runner.stop()
            return fail(f"the sandbox could not start: {type(exc).__name__}: {exc}", EXIT_RUNTIME_ERROR, redactor)
        except BaseException:  # Ctrl-C while the first bot starts: leave nothing running
            runner.stop()
            raise

    return run_sandbox(args, start=start)
