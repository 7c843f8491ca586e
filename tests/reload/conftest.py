"""A throw-away project for ``--reload`` tests, and ``bot.py`` as a process whose output is followed."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
TOKEN = "123456:TEST-TOKEN"
RUNNING_LINE = "is running, long polling"  # the runner's INFO line once it polls

# An echo-like app; VERSION marks which code answered. Rewritten by the tests to change the answer.
APP = '''"""Answer "{version}: <text>"; for "wait", first wait until the file named in it exists."""

import time
from pathlib import Path

from scaletg_ptb import Update


def process(update: Update) -> str | None:
    """Echo with a version tag."""
    if update.type != "message" or update.message.text is None:
        return None
    text = update.message.text
    if text.startswith("wait "):
        go = Path(text.removeprefix("wait "))
        while not go.exists():  # the test creates it once it has seen the reload begin
            time.sleep(0.02)
        return "{version} finished: wait"
    return {expression}
'''


class Project:
    """A config, an apps/ folder with one app ``echo`` and a link to the real modules/."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.app = root / "apps" / "echo" / "app.py"
        self.app.parent.mkdir(parents=True)
        (root / "modules").symlink_to(ROOT / "modules", target_is_directory=True)
        self.config = root / "config.yaml"
        self.config.write_text("apps: [echo]\n")
        self.write_app("v1")

    def write_app(self, version: str, expression: str = 'f"{version}: {text}"') -> None:
        """Make the app answer with ``expression`` (Python, over ``text``)."""
        self.app.write_text(APP.format(version=version, expression=expression.replace("{version}", version)))


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path)


class Output:
    """Collect a process's output lines in a thread so that tests can wait for them."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self.lines: list[str] = []
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self._cond:
                self.lines.append(line.rstrip("\n"))
                self._cond.notify_all()

    def count(self, text: str) -> int:
        with self._cond:
            return sum(text in line for line in self.lines)

    def wait_for(self, text: str, count: int = 1, timeout: float = 20.0) -> None:
        """Wait until ``count`` lines contain ``text``."""
        with self._cond:
            if not self._cond.wait_for(lambda: self.count(text) >= count, timeout):
                raise AssertionError(f"{count} x {text!r} not seen within {timeout} s; output:\n" + self.text())

    def type(self, script: str) -> None:
        """Pipe ``script`` in and close the input (not communicate(): the thread reads the output)."""
        assert self.process.stdin is not None
        self.process.stdin.write(script)
        self.process.stdin.close()

    def text(self) -> str:
        with self._cond:
            return "\n".join(self.lines)

    def close(self) -> None:
        """Kill the process if it still runs and close its pipes (the output's once all of it is read)."""
        if self.process.poll() is None:
            self.process.kill()  # its bot child stops by itself: its lifeline to this process breaks
        self.process.wait()
        if self.process.stdin is not None:
            self.process.stdin.close()
        self._thread.join(5)
        if not self._thread.is_alive() and self.process.stdout is not None:
            self.process.stdout.close()

    def finish(self, timeout: float = 30.0) -> int:
        """Wait for the exit; return the status once all output is in."""
        status = self.process.wait(timeout)
        self._thread.join(timeout)
        return status


def bot_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "SCALETG_"))
           and k not in ("USER", "NO_COLOR", "TERM")}
    env.update(PYTHONUNBUFFERED="1", **extra)
    return env


@pytest.fixture
def start_bot() -> Iterator[Callable[..., Output]]:
    """Return ``start(*args, **env)``: run ``python bot.py ARGS``, output followed; killed at the end."""
    started: list[Output] = []

    def start(*args: str, stdin: int | None = subprocess.DEVNULL, **env: str) -> Output:
        process = subprocess.Popen([sys.executable, "bot.py", *args], cwd=ROOT, env=bot_env(**env), text=True,
                                   stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        started.append(Output(process))
        return started[-1]

    yield start
    for output in started:
        output.close()


def wait_until(check: Callable[[], bool], timeout: float = 20.0, what: str = "condition") -> None:
    """Poll ``check`` until it is true (for state outside any process's output)."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not reached within {timeout} s")
        time.sleep(0.02)
