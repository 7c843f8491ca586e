"""The sandbox session in-process: what each line does and how the bot's actions show."""

from __future__ import annotations

import dataclasses
import io
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from scaletg_ptb.config import load_config
from scaletg_ptb.registry import Registry
from scaletg_ptb.sandbox.commands import parse_line
from scaletg_ptb.sandbox.console import Console
from scaletg_ptb.sandbox.render import Renderer, Style
from scaletg_ptb.sandbox.runner import SandboxRunner
from scaletg_ptb.sandbox.session import Session
from scaletg_ptb.testing import forget_imports

from ..project import FIXTURE_CONFIG, FIXTURE_PROJECT

APPS = Path(__file__).parent / "sandbox_apps"


class Chat:
    """A session whose output is captured; ``type`` runs lines and returns what they printed."""

    def __init__(self, session: Session, out: io.StringIO) -> None:
        self.session, self.out = session, out

    def type(self, *lines: str) -> list[str]:
        start = len(self.out.getvalue())
        for line in lines:
            action = parse_line(line)
            assert action is not None and self.session.run(action)
        return self.out.getvalue()[start:].splitlines()

    def wait_for(self, text: str) -> list[str]:
        deadline = time.monotonic() + 10
        while text not in self.out.getvalue():
            assert time.monotonic() < deadline, f"{text!r} never showed; got:\n{self.out.getvalue()}"
            time.sleep(0.01)
        return self.out.getvalue().splitlines()


@pytest.fixture
def make_chat() -> Iterator:
    runners: list[SandboxRunner] = []

    def make(apps: tuple[str, ...] = ("buttons",), **config_fields: object) -> Chat:
        """Start the sandbox with ``apps``: the fixture app "buttons", or the fixture project's apps."""
        base = load_config(FIXTURE_CONFIG, {}, require_token=False)
        config = dataclasses.replace(base, apps=apps, modules={}, **config_fields)
        registry = Registry(FIXTURE_PROJECT, apps_dir=APPS if apps == ("buttons",) else None)
        forget_imports("apps", "modules")  # the fixture project's, not another project's of the same name
        registry.populate(apps, {})
        runner = SandboxRunner(config, registry).start()
        runners.append(runner)
        out = io.StringIO()
        console = Console(out, io.StringIO(), io.StringIO(), interactive=False)
        return Chat(Session(runner, console, Renderer(runner.bot_username, Style(False)), "Ann", wait=10), out)

    yield make
    for runner in runners:
        runner.stop()


def test_buttons_answer_edit_and_alert(make_chat):
    chat = make_chat()
    assert chat.type("/buttons", ":press save") == [
        "Ann › /buttons",
        "ScaleTGBot › Pick one",
        "             [1] Save  [2] Alert",
        "             [3] Docs (link: https://example.org)",
        "Ann pressed [Save]",
        "(ScaleTGBot answered the button: Saved!)",
        "ScaleTGBot (edited) › Saved ✓",
    ]
    assert chat.type(":press 1") == ["» The bot has sent no buttons in this chat yet."]
    chat.type("/buttons")
    assert chat.type(":press 2", ":press 3", ":press 4", ":press Nope") == [
        "Ann pressed [Alert]",
        "(ScaleTGBot answered the button with an alert: Careful!)",
        '» Button "Docs" opens https://example.org; the sandbox can only press callback buttons.',
        "» There is no button 4; the latest keyboard has [1] Save, [2] Alert, [3] Docs.",
        '» No button is labelled "Nope"; the latest keyboard has [1] Save, [2] Alert, [3] Docs.',
    ]


def test_messages_sent_later_and_deleted_show_when_they_happen(make_chat):
    from sandbox_apps.buttons import app

    chat = make_chat()
    assert chat.type("/later") == ["Ann › /later", "ScaleTGBot › wait for it"]
    app.release.set()
    lines = chat.wait_for("deleted a message")
    assert lines[-2:] == ["ScaleTGBot › I'm late!", '(ScaleTGBot deleted a message: "I\'m late!")']


def test_unanswered_edits_photos_and_crashes_are_noted(make_chat):
    chat = make_chat()
    assert chat.type(":edit nothing yet") == ["» You have sent no text message in this chat to edit."]
    assert chat.type("/nothing", ":edit /still nothing", ":photo", "/boom") == [
        "Ann › /nothing",
        "» No app answered.",
        "Ann (edited) › /still nothing",
        "» No app answered.",
        "Ann › [photo]",
        "» No app answered.",
        "Ann › /boom",
        "» No app answered.",
    ]


def test_users_and_groups(make_chat):
    chat = make_chat(("start", "echo"))
    assert chat.type(":user Bob", ":group", "hi", ":user ann", "/start@ScaleTGBot", ":user") == [
        "» Now chatting as Bob (a new user), in a private chat with @ScaleTGBot.",
        ('» Now chatting as Bob, in the group "Sandbox group": every user can talk here. '
         "Commands work as /start or /start@ScaleTGBot."),
        "[Sandbox group] Bob › hi",
        "[Sandbox group] ScaleTGBot › hi",
        '» Now chatting as Ann, in the group "Sandbox group".',
        "[Sandbox group] Ann › /start@ScaleTGBot",
        ("[Sandbox group] ScaleTGBot › Hello, Ann! I'm a ScaleTG bot: send me any text and I'll echo it. "
         "/help lists my commands."),
        "                             [1] Show commands",
        "» Users: Ann, Bob. Switch with :user NAME.",
    ]
    assert chat.session.prompt() == "[Sandbox group] Ann › "
    assert chat.type(":group Book club", ":private") == [
        ('» Now chatting as Ann, in the group "Book club": every user can talk here. '
         "Commands work as /start or /start@ScaleTGBot."),
        "» Now chatting as Ann, in a private chat with @ScaleTGBot.",
    ]
    assert chat.session.prompt() == "Ann › "


def test_updates_the_bot_does_not_ask_for_are_not_waited_for(make_chat):
    from scaletg_ptb.config import PollingConfig

    chat = make_chat(("echo",), polling=PollingConfig(timeout=1, allowed_updates=("message",)))
    assert chat.type("hi", ":edit ho") == [
        "Ann › hi",
        "ScaleTGBot › hi",
        "Ann (edited) › ho",
        "» The bot does not receive edited_message updates (see polling.allowed_updates in the config).",
    ]


def test_quit_ends_the_session(make_chat):
    chat = make_chat(("echo",))
    assert chat.session.run(parse_line(":quit")) is False
