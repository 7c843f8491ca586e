"""``python bot.py --sandbox`` in a real terminal (tmux): typing, buttons, late messages, Ctrl-C, Ctrl-D."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..project import FIXTURE_PROJECT

ROOT = Path(__file__).parents[2]
TMUX = shutil.which("tmux") or ""
CYAN = re.compile(r"\x1b\[[0-9;]*36m")  # the bot's name, as tmux re-encodes it

pytestmark = pytest.mark.skipif(
    not TMUX, reason="tmux is not installed (apt-get install -y tmux); the real-terminal tests need it")


class Pane:
    """A detached tmux session on its own server, running the sandbox and then printing EXIT=<status>."""

    def __init__(self, project: Path, **env: str) -> None:
        self.socket = f"scaletg-sandbox-{uuid.uuid4().hex[:12]}"
        self.env = {k: v for k, v in os.environ.items() if k not in ("USER", "NO_COLOR", "TMUX")
                    and not k.startswith("TELEGRAM_")}
        self.env.update(LANG="C.UTF-8", **env)
        command = (f"cd {shlex.quote(str(ROOT))} && {shlex.quote(sys.executable)} bot.py --sandbox "
                   f"--config {shlex.quote(str(project / 'config.yaml'))}; echo EXIT=$?; sleep 600")
        self.tmux("new-session", "-d", "-x", "150", "-y", "60", command)

    def tmux(self, *args: str) -> str:
        return subprocess.run([TMUX, "-u", "-L", self.socket, "-f", "/dev/null", *args], env=self.env,
                              check=True, capture_output=True, text=True, timeout=10).stdout

    def keys(self, *keys: str) -> None:
        """Type ``keys`` (tmux key names such as Enter, C-c; anything else literally)."""
        for key in keys:
            named = key in ("Enter", "C-c", "C-d")
            self.tmux("send-keys", *([] if named else ["-l"]), key)

    def screen(self, *, escapes: bool = False) -> str:
        return self.tmux("capture-pane", "-p", "-J", *(["-e"] if escapes else []))

    def wait_for(self, text: str, timeout: float = 15.0) -> str:
        """Poll the screen until ``text`` shows on it; return the screen."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if text in screen:
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} did not show within {timeout} s; the screen:\n{screen}")
            time.sleep(0.05)

    def lines(self) -> list[str]:
        return [line for line in self.screen().splitlines() if line.strip()]

    def close(self) -> None:
        subprocess.run([TMUX, "-L", self.socket, "kill-server"], env=self.env, capture_output=True,
                       check=False, timeout=10)


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator:
    """Return ``open(**env)``: a pane running the sandbox with start, buttons, help and echo."""
    apps = tmp_path / "apps"
    apps.mkdir()
    for name in ("start", "help", "echo"):
        (apps / name).symlink_to(FIXTURE_PROJECT / "apps" / name, target_is_directory=True)
    (apps / "buttons").symlink_to(Path(__file__).parent / "sandbox_apps" / "buttons", target_is_directory=True)
    (tmp_path / "modules").symlink_to(ROOT / "modules", target_is_directory=True)
    (tmp_path / "config.yaml").write_text("apps: [start, buttons, help, echo]\n")
    panes: list[Pane] = []

    def open_pane(**env: str) -> Pane:
        panes.append(Pane(tmp_path, **env))
        return panes[-1]

    yield open_pane
    for pane in panes:
        pane.close()


def assert_clean_exit(pane: Pane) -> str:
    screen = pane.wait_for("EXIT=")
    assert "EXIT=0" in screen, screen
    assert "Bye: the bot and the emulator are stopped." in screen
    assert "Traceback" not in screen and "Error" not in screen, screen
    return screen


def test_chat_press_a_button_then_ctrl_c(terminal):
    pane = terminal()
    pane.wait_for("quit leaves.")
    pane.keys("/start", "Enter")
    pane.wait_for("[1] Show commands")
    pane.keys(":press 1", "Enter")
    pane.wait_for("/help - List the commands")
    lines = pane.lines()
    start = lines.index("You › :press 1")
    assert lines[start:start + 4] == [
        "You › :press 1",
        "You pressed [Show commands]",
        "ScaleTGBot › Commands:",
        "             /start - Greet the user",
    ]
    assert CYAN.search(pane.screen(escapes=True))  # colours at a terminal
    pane.keys("half typed", "C-c")
    assert_clean_exit(pane)


def test_a_late_message_leaves_the_half_typed_line_intact_then_ctrl_d(terminal):
    pane = terminal(NO_COLOR="1")
    pane.wait_for("quit leaves.")
    pane.keys("/later 0.5", "Enter")
    pane.wait_for("ScaleTGBot › wait for it")
    pane.keys("half")
    screen = pane.wait_for("deleted a message")
    assert [line for line in screen.splitlines() if line.strip()][-4:] == [
        "ScaleTGBot › wait for it",
        "ScaleTGBot › I'm late!",
        "(ScaleTGBot deleted a message: \"I'm late!\")",
        "You › half",
    ]
    pane.keys(" typed", "Enter")
    pane.wait_for("ScaleTGBot › half typed")
    assert not CYAN.search(pane.screen(escapes=True))  # NO_COLOR
    pane.keys("C-d")
    assert_clean_exit(pane)


def test_ctrl_c_waits_for_the_update_in_hand_and_a_second_one_stops_at_once(terminal):
    pane = terminal()
    pane.wait_for("quit leaves.")
    pane.keys("/slow", "Enter")
    pane.wait_for("Working on it")  # the app runs: Ctrl-C now finds an update in hand
    pane.keys("C-c")
    pane.wait_for("» Stopping: the bot first finishes what it is doing (up to 30 s; Ctrl-C again stops at once).")
    pane.keys("C-c")
    screen = pane.wait_for("EXIT=")
    assert "» Stopped at once: what the bot was doing is abandoned.\nEXIT=1" in screen
    assert "Traceback" not in screen
