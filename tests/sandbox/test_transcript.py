"""``python bot.py --sandbox`` as a process with piped input: the exact transcript, and its exits."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ..project import FIXTURE_PROJECT

ROOT = Path(__file__).parents[2]
TOKEN = "987654:AAHdqTcvCH1vGWJxfSeo"  # given, but never used: the sandbox talks to its emulator

BANNER = [
    "ScaleTG sandbox: @ScaleTGBot runs offline on a Bot API emulator, no token needed.",
    "» Apps: start, help, echo. Commands: /start, /help.",
    "» Chatting as You in a private chat. :help lists sandbox commands; :quit leaves.",
]
GREETING = "Hello, {}! I'm a ScaleTG bot: send me any text and I'll echo it. /help lists my commands."


def project(tmp_path: Path, config: str) -> Path:
    """Write ``config`` next to links to the fixture project's apps and the shipped modules; return its path."""
    (tmp_path / "apps").symlink_to(FIXTURE_PROJECT / "apps", target_is_directory=True)
    (tmp_path / "modules").symlink_to(ROOT / "modules", target_is_directory=True)
    path = tmp_path / "config.yaml"
    path.write_text(config)
    return path


def start(*args: str, script: str = "", **env: str) -> tuple[subprocess.Popen[str], str]:
    """Start ``python bot.py ARGS``, without $USER, colours or a token unless ``env`` gives them."""
    environ = {k: v for k, v in os.environ.items() if k not in ("USER", "NO_COLOR", "TERM")
               and not k.startswith("TELEGRAM_")}
    environ.update(env)
    process = subprocess.Popen([sys.executable, "bot.py", *args], cwd=ROOT, env=environ, text=True,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return process, script


def finish(*started: tuple[subprocess.Popen[str], str]) -> list[subprocess.CompletedProcess[str]]:
    """Pipe each script in and wait for every process (they run side by side, to keep tests fast)."""
    results = []
    for process, script in started:
        stdout, stderr = process.communicate(script, timeout=60)
        results.append(subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr))
    return results


def sandbox(*args: str, script: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``python bot.py --sandbox ARGS`` with ``script`` piped in."""
    return finish(start("--sandbox", *args, script=script, **env))[0]


def test_a_scripted_conversation(tmp_path):
    config = project(tmp_path, "apps: [start, help, echo]\n")
    lines = ["/start", ":help", "", ":press 1", "hello", ":xyz", ":user Bob", ":group", "/start@ScaleTGBot",
             ":user You", "hi Bob", ":private", ":quit", "never sent"]
    script = "".join(f"{line}\n" for line in lines)
    result = sandbox("--config", str(config), script=script)
    assert (result.returncode, result.stderr) == (0, "")
    assert not (tmp_path / "state").exists()  # the real bot's state folder is left alone
    assert result.stdout.splitlines() == BANNER + [
        "You › /start",
        f"ScaleTGBot › {GREETING.format('You')}",
        "             [1] Show commands",
        "» Type a message for the bot (/commands too), or a sandbox command:",
        "  :help                     list these commands",
        "  :press N|TEXT             press button N (or the one labelled TEXT) of the latest keyboard",
        "  :inline QUERY             ask the bot inline (@bot QUERY): it lists its results",
        "  :choose N                 post result N of the bot's latest inline answer here",
        "  :user NAME                become another user, created on first use (no NAME: list the users)",
        "  :group [TITLE]            talk in a group chat that every user shares",
        "  :private                  go back to your private chat with the bot",
        "  :join NAME                have user NAME (or @bot) join this group",
        "  :leave NAME               have user NAME (or @bot) leave this group",
        "  :edit TEXT                edit your last message in this chat",
        "  :photo [PATH] [CAPTION]   send a photo (the file PATH, if given)",
        "  :document PATH [CAPTION]  send the file PATH",
        "  :vote N                   vote for option N of the latest poll",
        "  :quit                     leave the sandbox (Ctrl-D and Ctrl-C too)",
        "  Start a line with :: to send text that begins with ':'.",
        "You pressed [Show commands]",
        "ScaleTGBot › Commands:",
        "             /start - Greet the user",
        "             /help - List the commands",
        "You › hello",
        "ScaleTGBot › hello",
        "» Unknown sandbox command :xyz. Type :help for the list, or ::xyz to send it to the bot as text.",
        "» Now chatting as Bob (a new user), in a private chat with @ScaleTGBot.",
        ('» Now chatting as Bob, in the group "Sandbox group": every user can talk here. '
         "Commands work as /start or /start@ScaleTGBot."),
        "[Sandbox group] Bob › /start@ScaleTGBot",
        f"[Sandbox group] ScaleTGBot › {GREETING.format('Bob')}",
        "                             [1] Show commands",
        '» Now chatting as You, in the group "Sandbox group".',
        "[Sandbox group] You › hi Bob",
        "[Sandbox group] ScaleTGBot › hi Bob",
        "» Now chatting as You, in a private chat with @ScaleTGBot.",
        "» Bye: the bot and the emulator are stopped.",
    ]


def test_the_first_user_is_named_after_the_login_and_needs_no_token(tmp_path):
    config = project(tmp_path, "token: ''\napps: [start]\nbase_url: https://unreachable.invalid/bot\n")
    result = sandbox("--config", str(config), script="/start", USER="ada", TELEGRAM_BOT_TOKEN=TOKEN,
                     TELEGRAM_BASE_URL="https://unreachable.invalid/bot")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines()[2:] == [
        "» Chatting as Ada in a private chat. :help lists sandbox commands; :quit leaves.",
        "Ada › /start",
        f"ScaleTGBot › {GREETING.format('Ada')}",
        "             [1] Show commands",
        "» Bye: the bot and the emulator are stopped.",
    ]


def test_log_lines_go_to_stderr_warning_by_default_info_on_request(tmp_path):
    config = project(tmp_path, "apps: [echo]\nlogging: {level: DEBUG}\n")
    quiet, chatty = finish(start("--sandbox", "--config", str(config), script="hi\n"),
                           start("--sandbox", "--config", str(config), "--log-level", "info", script="hi\n"))
    assert (quiet.returncode, quiet.stderr) == (0, "")
    assert chatty.returncode == 0
    assert "@ScaleTGBot is running, long polling http://127.0.0.1:" in chatty.stderr
    assert "Apps: echo. Modules: none." in chatty.stderr
    assert "type=message answered by 'echo' (sendMessage)" in chatty.stderr
    assert "Traceback" not in chatty.stderr
    assert chatty.stdout == quiet.stdout


def test_config_errors_are_the_same_one_line_exit_2_as_without_sandbox(tmp_path):
    configs = []
    for n, text in enumerate(["apps: [ecko]\n", "apps: [echo]\nverbose: true\n"]):
        (tmp_path / str(n)).mkdir()
        configs.append(str(project(tmp_path / str(n), text)))
    results = finish(*(start(*mode, "--config", path, TELEGRAM_BOT_TOKEN=TOKEN)
                       for path in configs for mode in [("--sandbox",), ()]))
    for sandboxed, normal in zip(results[::2], results[1::2], strict=True):
        assert (sandboxed.returncode, sandboxed.stdout) == (2, "")
        assert (sandboxed.stderr, normal.returncode) == (normal.stderr, 2)
        assert sandboxed.stderr.startswith("error: ") and sandboxed.stderr.count("\n") == 1
    assert "App 'ecko' is enabled in" in results[0].stderr
    assert "unknown key 'verbose'" in results[2].stderr
