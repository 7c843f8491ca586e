"""The sandbox speaks the everyday Bot API: inline mode, reply keyboards, formatting, files, groups, polls."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from scaletg_ptb.config import load_config
from scaletg_ptb.registry import Registry
from scaletg_ptb.sandbox.console import Console
from scaletg_ptb.sandbox.render import Renderer, Style
from scaletg_ptb.sandbox.runner import SandboxRunner
from scaletg_ptb.sandbox.session import Session
from scaletg_ptb.testing import forget_imports

from ..project import FIXTURE_CONFIG, ROOT
from .test_session import Chat
from .test_transcript import sandbox

APPS = Path(__file__).parent / "sandbox_apps"
BANNER = [
    "ScaleTG sandbox: @ScaleTGBot runs offline on a Bot API emulator, no token needed.",
    "» Apps: everyday. Commands: /kb, /bold, /album, /poll, /dice, /force, /remove.",
    "» Chatting as You in a private chat. :help lists sandbox commands; :quit leaves.",
]


def everyday_project(folder: Path) -> Path:
    """Write a project whose one app is the "everyday" fixture; return its config."""
    (folder / "apps").mkdir()
    (folder / "apps" / "everyday").symlink_to(APPS / "everyday", target_is_directory=True)
    (folder / "modules").symlink_to(ROOT / "modules", target_is_directory=True)
    (folder / "config.yaml").write_text("apps: [everyday]\n")
    return folder / "config.yaml"


def test_inline_results_a_chosen_one_a_reply_keyboard_and_html_in_a_pipe(tmp_path: Path) -> None:
    script = ":inline cats\n:choose 1\n/kb\n:press Blue\n/bold\n"
    result = sandbox("--config", str(everyday_project(tmp_path)), script=script)
    assert (result.returncode, result.stderr) == (0, "")
    assert "\x1b" not in result.stdout and "<b>" not in result.stdout  # no control codes, no raw tags
    assert result.stdout.splitlines() == BANNER + [
        "You › @ScaleTGBot cats",
        'ScaleTGBot › 2 results for "cats":',
        "             [1] Cat facts — Cats sleep 16 hours a day",
        "             [2] Meow",
        "You via @ScaleTGBot › Cats sleep 16 hours a day",
        "You › /kb",
        "ScaleTGBot › Pick a colour",
        "             ⌨ [1] Red  [2] Blue",
        "             ⌨ [3] Share my phone (sends your contact)  [4] Where am I (sends your location)",
        "You › Blue",
        "ScaleTGBot › Blue it is.",
        "You › /bold",
        "ScaleTGBot › Bold, italic, code and a link (https://example.org/)",
        "» Bye: the bot and the emulator are stopped.",
    ]


def test_files_albums_polls_and_members_in_a_pipe(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_bytes(b"milk\neggs\n")
    script = (f":document {notes} my list\n:photo {notes}\n/album\n/poll\n:vote 2\n:group Club\n:join Bob\n"
              ":leave Bob\n:leave @ScaleTGBot\nhello?\n:join @ScaleTGBot\n")
    result = sandbox("--config", str(everyday_project(tmp_path)), script=script)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines()[3:] == [
        "You › [document: notes.txt] my list",
        "ScaleTGBot › Got notes.txt: 10 bytes, starting b'milk\\neggs'",
        "You › [photo]",
        "ScaleTGBot › Got a photo of 10 bytes",
        "You › /album",
        "ScaleTGBot › [album of 2]",
        "             [photo] First",
        "             [photo]",
        "You › /poll",
        "ScaleTGBot › [poll: Tea or coffee?]",
        "             [1] Tea (0)",
        "             [2] Coffee (0)",
        "(You voted [Coffee])",
        "ScaleTGBot › You voted 2",
        ('» Now chatting as You, in the group "Club": every user can talk here. '
         "Commands work as /start or /start@ScaleTGBot."),
        "[Club] (Bob joined the group)",
        "[Club] ScaleTGBot › Welcome, Bob!",
        "[Club] (Bob left the group)",
        "[Club] ScaleTGBot › Bye, Bob!",
        "[Club] (You removed @ScaleTGBot)",
        "[Club] You › hello?",
        "» @ScaleTGBot is not in this group: it gets nothing from here (:join @ScaleTGBot adds it).",
        "[Club] (You added @ScaleTGBot)",
        "[Club] ScaleTGBot › Welcome, ScaleTG!",
        "» Bye: the bot and the emulator are stopped.",
    ]


@pytest.fixture
def chat() -> Iterator:
    runners: list[SandboxRunner] = []

    def make(colour: bool = False) -> Chat:
        config = dataclasses.replace(load_config(FIXTURE_CONFIG, {}, require_token=False), apps=("everyday",),
                                     modules={})
        registry = Registry(FIXTURE_CONFIG.parent, apps_dir=APPS)
        forget_imports("apps", "modules")
        registry.populate(("everyday",), {})
        runner = SandboxRunner(config, registry).start()
        runners.append(runner)
        out = io.StringIO()
        console = Console(out, io.StringIO(), io.StringIO(), interactive=False)
        return Chat(Session(runner, console, Renderer(runner.bot_username, Style(colour)), "Ann", wait=10), out)

    yield make
    for runner in runners:
        runner.stop()


def test_request_buttons_force_reply_removal_and_mistakes(chat) -> None:
    ann = chat()
    assert ann.type(":choose 1", ":vote 1") == [
        "» The bot has offered no inline results yet: type :inline QUERY first.",
        "» The bot has sent no poll in this chat yet."]
    assert ann.type("/kb", ":press 3", ":press 9", ":press Green")[4:] == [
        "Ann pressed [Share my phone]",
        "ScaleTGBot › Your phone: +15550000001",
        "» There is no button 9; the keyboard has [1] Red, [2] Blue, [3] Share my phone, [4] Where am I.",
        '» Nothing is labelled "Green"; the keyboard has [1] Red, [2] Blue, [3] Share my phone, [4] Where am I.',
    ]
    assert ann.type(":press where am i", "/force", "Ann") == [
        "Ann pressed [Where am I]",
        "ScaleTGBot › You are somewhere",
        "Ann › /force",
        "ScaleTGBot › What is your name?",
        "             (asks for a reply; your next message answers it)",
        "Ann › Ann",
        "ScaleTGBot › Hello, Ann!",
    ]
    assert ann.type("/remove", ":press 1") == [
        "Ann › /remove",
        "ScaleTGBot › Keyboard gone",
        "             (the keyboard is removed)",
        "» The bot has sent no buttons in this chat yet.",
    ]
    assert ann.type(":inline nothing", ":choose 1", ":join Bob", ":document nope.txt") == [
        "Ann › @ScaleTGBot nothing",
        'ScaleTGBot › no results for "nothing"',
        "» The bot has offered no inline results yet: type :inline QUERY first.",
        "» Members join and leave groups: switch to one first (:group).",
        "» No file nope.txt: give the path of a file to send.",
    ]


def test_formatting_is_painted_at_a_terminal_and_dice_roll(chat) -> None:
    ann = chat(colour=True)
    lines = ann.type("/bold")
    assert lines[1].endswith("\x1b[0m\x1b[1mBold\x1b[0m, \x1b[0m\x1b[3mitalic\x1b[0m, \x1b[0m\x1b[36mcode\x1b[0m "
                             "and \x1b[0m\x1b[4;34ma link\x1b[0m (https://example.org/)")
    [_, rolled] = ann.type("/dice")
    assert rolled.endswith(("[dice: 🎲 1]", "[dice: 🎲 2]", "[dice: 🎲 3]", "[dice: 🎲 4]", "[dice: 🎲 5]",
                            "[dice: 🎲 6]"))
