"""bot.py as a real process: config errors, a conversation over HTTP, clean stops, no leaked token."""

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from scaletg_ptb.emulator import Emulator

from .project import FIXTURE_CONFIG, FIXTURE_PROJECT, ROOT

FIXTURES = ROOT / "tests"
PROJECT = ("--config", str(FIXTURE_CONFIG))  # the tests' own project, never the user's config.yaml
TOKEN = "987654:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
SECRET = TOKEN.split(":")[1]


def bot_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    env.update(PYTHONUNBUFFERED="1", **extra)
    return env


def project_copy(tmp_path: Path) -> str:
    """Return the config of a copy of the fixture project, beside a state folder of its own.

    A running bot opens its inbox in the state folder: a shared one would outlive each emulator
    (whose update ids start at 1 again) and be locked by another bot.
    """
    (tmp_path / "config.yaml").write_text(FIXTURE_CONFIG.read_text())
    (tmp_path / "apps").symlink_to(FIXTURE_PROJECT / "apps")
    (tmp_path / "modules").symlink_to(ROOT / "modules")
    return str(tmp_path / "config.yaml")


def run_bot(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "bot.py", *args], cwd=ROOT, env=bot_env(**env),
                          capture_output=True, text=True, timeout=60)


def write_config(tmp_path: Path, text: str) -> str:
    path = tmp_path / "config.yaml"
    path.write_text(text)
    return str(path)


def make_project(folder: Path, config: str, apps: tuple[str, ...] = ("greeter",)) -> Path:
    """Write a project of its own: bot.py, the framework, fixture apps and modules, and ``config``."""
    shutil.copy(ROOT / "bot.py", folder / "bot.py")
    (folder / "scaletg_ptb").symlink_to(ROOT / "scaletg_ptb")
    (folder / "modules").symlink_to(FIXTURES / "fixture_modules")
    (folder / "apps").mkdir()
    for name in apps:
        (folder / "apps" / name).symlink_to(FIXTURES / "fixture_apps" / name)
    (folder / "config.yaml").write_text(config)
    return folder


def run_in(cwd: Path, *args: str, stdin: str = "", **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=cwd, env=bot_env(**env), input=stdin,
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("config, message", [
    ("apps: []", "error: config.yaml: 'token' is not set."),
    ("apps: [echo\n", "error: config.yaml: YAML syntax error at line 2, column 1:"),
    ("apps: []\nverbose: true", "error: config.yaml, line 2: unknown key 'verbose'."),
    ("polling: {timeout: soon}",
     "error: config.yaml, line 1: 'polling.timeout' must be a number, got string 'soon'."),
])
def test_config_errors_are_one_line_with_exit_status_2(tmp_path, config, message):
    env = {} if "token" in message else {"TELEGRAM_BOT_TOKEN": TOKEN}
    result = run_bot("--config", write_config(tmp_path, config), **env)
    assert result.returncode == 2
    assert result.stderr.startswith(message)
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_an_unknown_app_is_a_config_error(tmp_path):
    result = run_bot("--config", write_config(tmp_path, "apps: [ecko]"), TELEGRAM_BOT_TOKEN=TOKEN)
    assert result.returncode == 2
    assert result.stderr == (f"error: App 'ecko' is enabled in {tmp_path / 'config.yaml'} but apps/ecko/app.py "
                             "does not exist. Create it (python bot.py startapp ecko) or remove it from 'apps'.\n")


def test_check_without_a_token_says_where_to_set_it_and_exits_0(tmp_path):
    project = make_project(tmp_path, "apps: [greeter]\nmodules: {picky: {}}\n")
    result = run_in(project, "bot.py", "--check", TELEGRAM_BASE_URL="http://127.0.0.1:9/nothing-listens-here")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == (
        "config.yaml is valid: apps greeter; modules picky. (Nothing was sent to Telegram.)\n"
        "The bot token is still to be set: put it in TELEGRAM_BOT_TOKEN or in 'token' in config.yaml "
        "before you run python bot.py (python bot.py --sandbox needs none).\n")


def test_check_reports_every_mistake_each_on_its_own_line(tmp_path):
    project = make_project(tmp_path, (
        "apps:\n"
        "  - greeterr\n"
        "  - help - echo\n"
        "polling: {timout: 3}\n"
        "processing:\n"
        "  workers: many\n"
        "modules:\n"
        "  picky: {volume: 3}\n"
        "  nope: {}\n"))
    result = run_in(project, "bot.py", "--check")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "error: config.yaml, line 3: App name 'help - echo' is not a valid Python package name (one item per "
        "line, each '- name'). Use letters, digits and underscores.",
        "error: config.yaml, line 4: unknown key 'polling.timout'. Remove it or use one of: allowed_updates, "
        "drop_pending_updates, timeout.",
        "error: config.yaml, line 6: 'processing.workers' must be an integer, got string 'many'.",
        "error: config.yaml: 'modules.picky' is invalid: unknown setting 'volume'; use 'level'. Fix it in config.yaml.",
        "error: Module 'nope' is configured under 'modules' in config.yaml but modules/nope/ does not exist. "
        "Create it or remove it from 'modules'.",
        "error: App 'greeterr' is enabled in config.yaml but apps/greeterr/app.py does not exist: did you mean "
        "'greeter'? Otherwise create it (python bot.py startapp greeterr) or remove it from 'apps'.",
    ]


def test_check_blames_a_malformed_token_on_its_variable_and_trims_spaces(tmp_path):
    project = make_project(tmp_path, "apps: [greeter]\n")
    malformed = run_in(project, "bot.py", "--check", TELEGRAM_BOT_TOKEN="abc")
    assert (malformed.returncode, malformed.stderr) == (2, (
        "error: TELEGRAM_BOT_TOKEN does not look like a bot token (expected '<digits>:<secret>' as @BotFather "
        "gives it). Fix the environment variable.\n"))
    spaced = run_in(project, "bot.py", "--check", TELEGRAM_BOT_TOKEN=f"  {TOKEN}\n")
    assert (spaced.returncode, spaced.stderr) == (0, "")
    assert spaced.stdout == "config.yaml is valid: apps greeter; modules none. (Nothing was sent to Telegram.)\n"


def test_check_with_sandbox_validates_for_the_sandbox_and_exits(tmp_path):
    project = make_project(tmp_path, "apps: [greeter]\n")
    result = run_in(project, "bot.py", "--check", "--sandbox", TELEGRAM_BOT_TOKEN="abc")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == ("config.yaml is valid for the sandbox: apps greeter; modules none. "
                             "(Nothing was sent to Telegram.)\n")


def test_the_config_beside_bot_py_is_found_from_any_folder(tmp_path):
    project = make_project(tmp_path, "apps: [greeterr]\n")
    result = run_in(project / "apps", "../bot.py", "--check")
    assert result.returncode == 2
    assert result.stderr == (
        "error: App 'greeterr' is enabled in ../config.yaml but apps/greeterr/app.py does not exist: did you "
        "mean 'greeter'? Otherwise create it (python bot.py startapp greeterr) or remove it from 'apps'.\n")
    (project / "other.yaml").write_text("apps: []\n")
    explicit = run_in(project / "apps", "../bot.py", "--check", "--config", "../other.yaml", TELEGRAM_BOT_TOKEN=TOKEN)
    assert (explicit.returncode, explicit.stdout) == (
        0, "../other.yaml is valid: apps none; modules none. (Nothing was sent to Telegram.)\n")


def test_reload_without_a_token_fails_at_once(tmp_path):
    project = make_project(tmp_path, "apps: [greeter]\n")
    result = run_in(project, "bot.py", "--reload")
    assert result.returncode == 2
    assert result.stderr == (
        "error: config.yaml: 'token' is not set. Put your bot token from @BotFather in 'token' or in the "
        "TELEGRAM_BOT_TOKEN environment variable (or try: python bot.py --sandbox).\n")


def test_a_rejected_token_is_one_line_without_a_traceback_and_exit_1(tmp_path):
    project = make_project(tmp_path, "apps: [greeter]\n")
    with Emulator(token=TOKEN) as emu:
        emu.revoke_token()
        result = run_in(project, "bot.py", TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_BASE_URL=emu.base_url)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == ("error: Telegram rejected the bot token (401 Unauthorized). Check TELEGRAM_BOT_TOKEN: "
                             "@BotFather shows the current token (/mybots, API Token).\n")


def test_a_rejected_token_shows_the_whole_story_at_debug_without_the_token(tmp_path):
    project = make_project(tmp_path, "apps: [greeter]\n")
    with Emulator(token=TOKEN) as emu:
        emu.revoke_token()
        result = run_in(project, "bot.py", "--log-level", "DEBUG", TELEGRAM_BOT_TOKEN=TOKEN,
                        TELEGRAM_BASE_URL=emu.base_url)
    assert result.returncode == 1
    assert "DEBUG   scaletg_ptb: getMe was refused: The token `987654:***` was rejected by the server." in result.stderr
    assert "Traceback" in result.stderr
    assert "Network Retry Loop" not in result.stderr.replace("Network Retry Loop (Bootstrap Initialize "
                                                             "Application): Starting", "")
    assert result.stderr.endswith("error: Telegram rejected the bot token (401 Unauthorized). Check "
                                  "TELEGRAM_BOT_TOKEN: @BotFather shows the current token (/mybots, API Token).\n")
    assert SECRET not in result.stdout + result.stderr


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_conversation_then_clean_stop_with_exit_0_and_no_token_in_debug_logs(tmp_path, stop_signal):
    with Emulator(token=TOKEN) as emu:
        process = subprocess.Popen([sys.executable, "bot.py", "--config", project_copy(tmp_path), "--log-level",
                                    "DEBUG"], cwd=ROOT,
                                   env=bot_env(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_BASE_URL=emu.base_url),
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            alice = emu.create_user("Alice")
            chat = emu.private_chat(alice)
            emu.user_says(alice, chat, "/start")
            emu.user_says(alice, chat, "hello there")
            replies = emu.wait_for_bot_messages(chat["id"], 2, timeout=30)
            emu.wait_for_long_poll(timeout=10)
            process.send_signal(stop_signal)
            output, _ = process.communicate(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()
    assert [m["text"] for m in replies][1] == "hello there"
    assert process.returncode == 0, output
    assert "Traceback" not in output
    assert SECRET not in output
    assert "987654:***" in output  # httpx's request lines are there at DEBUG, redacted
    assert "type=message answered by 'echo' (sendMessage)" in output


def test_check_validates_config_and_apps_without_connecting():
    result = run_bot("--check", *PROJECT, TELEGRAM_BOT_TOKEN=TOKEN,
                     TELEGRAM_BASE_URL="http://127.0.0.1:9/nothing-listens-here")
    assert result.returncode == 0
    assert result.stdout == (f"{FIXTURE_CONFIG} is valid: apps start, help, echo; modules none. "
                             "(Nothing was sent to Telegram.)\n")


def test_check_reports_a_broken_app(tmp_path):
    (tmp_path / "apps" / "broken").mkdir(parents=True)
    (tmp_path / "apps" / "broken" / "app.py").write_text("import nothing_like_this\n")
    result = run_bot("--check", "--config", write_config(tmp_path, "apps: [broken]"), TELEGRAM_BOT_TOKEN=TOKEN)
    assert result.returncode == 2
    assert result.stderr.startswith("error: App 'broken' failed to import: ModuleNotFoundError: "
                                    "No module named 'nothing_like_this' (apps/broken/app.py, line 1).")


def test_help_explains_every_option_and_mode(tmp_path):
    result = run_in(make_project(tmp_path, "apps: []\n"), "bot.py", "--help")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    for option in ("startapp NAME", "--config PATH", "--log-level LEVEL", "--sandbox", "--reload", "--check"):
        [line] = [line for line in lines if line.startswith(f"  {option} ")]
        assert len(line.split(maxsplit=len(option.split()))[-1]) > 20, f"{option} has no help text"
    for mode in ("--check --sandbox", "--sandbox --reload", "startapp NAME", "--reload "):
        assert any(line.startswith(f"  python bot.py {mode}") for line in lines), mode
    assert "The config is config.yaml beside bot.py, whatever the current folder" in result.stdout


@pytest.mark.parametrize("role", ["poll", "work"])
def test_a_role_needs_a_shared_inbox(tmp_path, role):
    project = make_project(tmp_path, "apps: [greeter]\n")
    result = run_in(project, "bot.py", role, TELEGRAM_BOT_TOKEN=TOKEN)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"error: python bot.py {role} runs one role of a bot spread over several processes, which share their "
        "inbox in Redis: set 'inbox' in the config (inbox: redis://host:6379/0) or SCALETG_INBOX. For one "
        "process, run python bot.py.\n")


@pytest.mark.parametrize("argv, problem", [
    (["work", "now"], "work takes no arguments: python bot.py work"),
    (["poll", "--sandbox"], "poll runs one role of the bot; it cannot be combined with --sandbox."),
    (["wrok"], "unknown command 'wrok' (did you mean 'work'?); the commands are: python bot.py startapp NAME, "
               "python bot.py poll, python bot.py work, python bot.py inbox"),
])
def test_role_usage_errors(tmp_path, argv, problem):
    result = run_in(make_project(tmp_path, "apps: [greeter]\n"), "bot.py", *argv)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == f"python bot.py: error: {problem}"


def test_a_malformed_inbox_from_the_environment_is_blamed_on_it_without_its_password(tmp_path):
    result = run_in(make_project(tmp_path, "apps: [greeter]\n"), "bot.py", "--check",
                    SCALETG_INBOX="http://admin:hunter2@db.example:6379/0")
    assert result.returncode == 2
    assert result.stderr == ("error: SCALETG_INBOX must be sqlite, memory or a Redis URL (redis://host:6379/0, "
                             "rediss://…), got 'http://***@db.example:6379/0'. Fix the environment variable.\n")
