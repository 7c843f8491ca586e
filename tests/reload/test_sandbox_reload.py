"""``python bot.py --sandbox --reload``: the chat stays in this process while the bot restarts as a child."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable

import pytest

from .conftest import ROOT

TMUX = shutil.which("tmux") or ""
WATCHING = ("» --reload: the bot restarts when config.yaml or a .py or .yaml file in apps/, modules/ or "
            "scaletg_ptb/ changes.")
STOPPED = "» The bot stopped (exit status 2); it starts again when a watched file changes."


def test_piped_chat_through_a_bot_in_a_child_process(project, start_bot):
    bot = start_bot("--sandbox", "--reload", "--config", str(project.config), stdin=subprocess.PIPE)
    bot.type("hello\n:user Bob\nhi\n")
    assert bot.finish() == 0
    assert bot.lines == [
        "ScaleTG sandbox: @ScaleTGBot runs offline on a Bot API emulator, no token needed.",
        "» Apps: echo.",
        WATCHING,
        "» Chatting as You in a private chat. :help lists sandbox commands; :quit leaves.",
        "You › hello",
        "ScaleTGBot › v1: hello",
        "» Now chatting as Bob (a new user), in a private chat with @ScaleTGBot.",
        "Bob › hi",
        "ScaleTGBot › v1: hi",
        "» Bye: the bot and the emulator are stopped.",
    ]


def test_piped_chat_with_a_bot_that_cannot_start_says_so_and_exits_0(project, start_bot):
    project.app.write_text("def process(update)\n")
    bot = start_bot("--sandbox", "--reload", "--config", str(project.config), stdin=subprocess.PIPE)
    bot.type("hello\n")
    assert bot.finish() == 0
    error, stopped, *chat = bot.lines  # the error comes on stderr, here merged with stdout
    assert error.startswith("error: App 'echo' failed to import: SyntaxError: expected ':'")
    assert (stopped, chat[-3:]) == (STOPPED, [
        "You › hello",
        "» The bot is not running: fix the error shown above and save; it gets this when it starts.",
        "» Bye: the bot and the emulator are stopped.",
    ])


class Pane:
    """A detached tmux session on its own server, running a command and then printing EXIT=<status>."""

    def __init__(self, command: str) -> None:
        self.socket = f"scaletg-reload-{uuid.uuid4().hex[:12]}"
        self.env = {k: v for k, v in os.environ.items() if k not in ("USER", "NO_COLOR", "TMUX")
                    and not k.startswith(("TELEGRAM_", "SCALETG_"))}
        self.env["LANG"] = "C.UTF-8"
        self.tmux("new-session", "-d", "-x", "160", "-y", "60", f"{command}; echo EXIT=$?; sleep 600")

    def tmux(self, *args: str) -> str:
        return subprocess.run([TMUX, "-u", "-L", self.socket, "-f", "/dev/null", *args], env=self.env,
                              check=True, capture_output=True, text=True, timeout=10).stdout

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-l", text)
        self.tmux("send-keys", "Enter")

    def lines(self) -> list[str]:
        return [line.rstrip() for line in self.tmux("capture-pane", "-p", "-J").splitlines() if line.strip()]

    def wait_for(self, text: str, count: int = 1, timeout: float = 20.0) -> list[str]:
        """Poll the screen until ``count`` lines show ``text``; return the lines."""
        return self.wait_until(lambda lines: sum(text in line for line in lines) >= count,
                               f"{count} x {text!r}", timeout)

    def wait_until(self, check: Callable[[list[str]], bool], what: str, timeout: float = 20.0) -> list[str]:
        """Poll the screen until ``check(lines)``; return the lines."""
        deadline = time.monotonic() + timeout
        while True:
            lines = self.lines()
            if check(lines):
                return lines
            if time.monotonic() > deadline:
                raise AssertionError(f"{what} did not show within {timeout} s; the screen:\n" + "\n".join(lines))
            time.sleep(0.05)

    def close(self) -> None:
        subprocess.run([TMUX, "-L", self.socket, "kill-server"], env=self.env, capture_output=True,
                       check=False, timeout=10)


@pytest.mark.skipif(not TMUX, reason="tmux is not installed (apt-get install -y tmux); this test needs a terminal")
def test_the_terminal_session_survives_reloads_and_a_syntax_error(project):
    command = (f"cd {shlex.quote(str(ROOT))} && {shlex.quote(sys.executable)} bot.py --sandbox --reload "
               f"--config {shlex.quote(str(project.config))}")
    pane = Pane(command)
    try:
        pane.wait_for("quit leaves.")
        pane.type("hello")
        pane.wait_for("ScaleTGBot › v1: hello")

        project.write_app("v2", "text.upper()")
        pane.wait_for("» Restarted: the bot runs the changed code.")
        pane.type("again")
        pane.wait_for("ScaleTGBot › AGAIN")
        lines = pane.wait_until(lambda lines: lines[-1] == "You ›", "the next prompt")
        assert lines[lines.index(WATCHING):] == [
            WATCHING,
            "» Chatting as You in a private chat. :help lists sandbox commands; :quit leaves.",
            "You › hello",
            "ScaleTGBot › v1: hello",
            "» Reloading: apps/echo/app.py changed",
            "» Restarted: the bot runs the changed code.",
            "You › again",
            "ScaleTGBot › AGAIN",
            "You ›",
        ]

        project.app.write_text("def process(update)\n")
        pane.wait_for(STOPPED)
        assert any(line.startswith("error: App 'echo' failed to import: SyntaxError") for line in pane.lines())
        project.write_app("v3")
        pane.wait_for("» Restarted: the bot runs the changed code.", count=2)
        pane.type("fixed")
        pane.wait_for("ScaleTGBot › v3: fixed")
        assert "ScaleTGBot › v1: hello" in pane.lines()  # the whole conversation is still on screen

        pane.tmux("send-keys", "C-c")
        lines = pane.wait_for("EXIT=")
        assert lines[-2:] == ["» Bye: the bot and the emulator are stopped.", "EXIT=0"]
        assert not any("Traceback" in line for line in lines)
    finally:
        pane.close()
