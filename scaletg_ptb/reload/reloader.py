"""The reload loop: run the bot as a child process and restart it whenever a watched file changes."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Mapping, Sequence

from .link import Report
from .process import BotProcess
from .watch import Watcher

EXIT_FAILED = 1  # forced stop, or the loop itself failed
KILL_AFTER = 10.0  # seconds past the bot's own stop timeout before it is killed outright


class Reloader:
    """Keep ``command`` running; on a change stop it gracefully and start it again.

    A child that exits by itself (a syntax error, a bad config) is reported once; the next
    change starts it again. Every method is thread-safe.
    """

    def __init__(self, command: Callable[[], Sequence[str]], env: Callable[[], Mapping[str, str]], watcher: Watcher,
                 say: Callable[[str], None], *, stop_timeout: Callable[[], float],
                 on_report: Callable[[Report], None] = lambda report: None,
                 on_output: Callable[[str], None] | None = None) -> None:
        self.command = command  # both asked at every start: the config may have changed
        self.env = env
        self.watcher = watcher
        self.say = say
        self.stop_timeout = stop_timeout
        self.on_report = on_report
        self.on_output = on_output
        self.cond = threading.Condition()
        self.state = "starting"  # starting, ready, failed or stopped
        self.starts = 0
        # Waited on instead of joining the thread: a Ctrl-C that interrupts Thread.join() makes
        # is_alive() wrongly say False (CPython 3.11).
        self.done = threading.Event()
        self.status: int | None = None  # the exit status to end with, once done
        self._child: BotProcess | None = None
        self._forced = False

    @property
    def up(self) -> bool:
        """Tell whether a bot is running or on its way (not failed, not stopped for good)."""
        with self.cond:
            return self.state in ("starting", "ready")

    def run(self, stop: threading.Event) -> int:
        """Run until ``stop`` is set, then stop the bot; return the exit status to end with."""
        clean = False
        try:
            self._start()
            for names in self.watcher.batches(stop):
                self.say(f"Reloading: {', '.join(names)} changed")
                self._stop_child()
                if stop.is_set():
                    break
                self._start()
            stop.wait()  # the watchers ended early (an error was logged): keep the bot until asked
            clean = True
        finally:
            try:
                status = self._stop_child()
                # Killed by our SIGTERM: it was still starting, before the runner took the signal over.
                clean = clean and not self._forced and status in (0, None, -signal.SIGTERM)
                self.status = 0 if clean else EXIT_FAILED
            finally:
                self._set("stopped")
                self.done.set()
        return self.status

    def force(self) -> None:
        """Stop the bot at once (a second Ctrl-C): its unfinished updates are saved for the next start."""
        with self.cond:
            child, self._forced = self._child, True
        if child is not None:
            child.force()

    def _start(self) -> None:
        with self.cond:
            self.state = "starting"
            self.starts += 1
            self.cond.notify_all()
        child = BotProcess(self.command(), self.env(), on_report=self._report, on_exit=self._exited,
                           on_output=self.on_output)
        try:
            child.start()
        except OSError as exc:
            self.say(f"Cannot start the bot ({exc}); it starts again when a watched file changes.")
            self._set("failed")
            return
        with self.cond:
            self._child = child

    def _stop_child(self) -> int | None:
        """Stop the current child gracefully; return its exit status (None if none was running)."""
        with self.cond:
            child, self._child = self._child, None
        if child is None:
            return None
        if not child.alive:
            child.wait()  # its exit is reported before the next child starts
            return None  # it had failed already and said so
        child.terminate()
        status = child.wait(self.stop_timeout() + KILL_AFTER)
        if status is None:
            self.say("The bot did not stop in time; killing it.")
            child.kill()
            status = child.wait()
        return status

    def _report(self, report: Report) -> None:
        if report.get("event") == "ready":
            self._set("ready")
        self.on_report(report)

    def _exited(self, child: BotProcess, status: int) -> None:
        if child.stopping:
            return
        # Said before the state changes, so that it shows before anything waiting on the state.
        self.say(f"The bot stopped (exit status {status}); it starts again when a watched file changes.")
        self._set("failed")

    def _set(self, state: str) -> None:
        with self.cond:
            self.state = state
            self.cond.notify_all()
