"""A real terminal (tmux) stays responsive while an app is slow: other chats answer meanwhile."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .test_terminal import TMUX, Pane, assert_clean_exit

SLEEPY = Path(__file__).parents[1] / "fixture_apps" / "sleepy"

pytestmark = pytest.mark.skipif(
    not TMUX, reason="tmux is not installed (apt-get install -y tmux); the real-terminal tests need it")


@pytest.fixture
def sleepy_pane(tmp_path: Path) -> Iterator[Pane]:
    """Return a pane running the sandbox with only the fixture app sleepy ('sleep N' answers after N s)."""
    (tmp_path / "apps").mkdir()
    (tmp_path / "apps" / "sleepy").symlink_to(SLEEPY, target_is_directory=True)
    (tmp_path / "config.yaml").write_text("apps: [sleepy]\n")
    pane = Pane(tmp_path, NO_COLOR="1")
    yield pane
    pane.close()


def test_bob_is_answered_while_the_slow_answer_to_you_is_pending(sleepy_pane):
    pane = sleepy_pane
    pane.wait_for("quit leaves.")
    pane.keys("sleep 4", "Enter")
    pane.wait_for('(ScaleTGBot is working on "sleep 4"…)')
    pane.keys(":user Bob", "Enter", "sleep 0", "Enter")
    screen = pane.wait_for("ScaleTGBot › slept 0")
    assert "slept 4" not in screen  # Bob's answer came first: the chat was not frozen
    screen = pane.wait_for("[private: You] ScaleTGBot › slept 4")
    lines = [line for line in screen.splitlines() if line.strip()]
    start = lines.index("You › sleep 4")
    assert lines[start:start + 6] == [
        "You › sleep 4",
        '(ScaleTGBot is working on "sleep 4"…)',
        "You › :user Bob",
        "» Now chatting as Bob (a new user), in a private chat with @ScaleTGBot.",
        "Bob › sleep 0",
        "ScaleTGBot › slept 0",
    ]
    assert lines[start + 6] == "[private: You] ScaleTGBot › slept 4"
    pane.keys("C-d")
    assert_clean_exit(pane)


def test_ctrl_c_says_stopping_once_and_shows_the_reply_that_finishes_meanwhile(sleepy_pane):
    pane = sleepy_pane
    pane.wait_for("quit leaves.")
    pane.keys("sleep 2", "Enter")
    pane.wait_for('(ScaleTGBot is working on "sleep 2"…)')
    pane.keys("C-c")
    screen = assert_clean_exit(pane)
    assert screen.count("Stopping") == 1, screen
    lines = [line for line in screen.splitlines() if line.strip()]
    stopping = lines.index("» Stopping: the bot first finishes what it is doing (up to 30 s; "
                           "Ctrl-C again stops at once).")
    assert lines[stopping + 1:stopping + 3] == ["ScaleTGBot › slept 2", "» Bye: the bot and the emulator are stopped."]
