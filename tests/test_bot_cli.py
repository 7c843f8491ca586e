"""bot.py as a real process: config errors, a conversation over HTTP, clean stops, no leaked token."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from scaletg_ptb.emulator import Emulator

ROOT = Path(__file__).parent.parent
TOKEN = "987654:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
SECRET = TOKEN.split(":")[1]


def bot_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    env.update(PYTHONUNBUFFERED="1", **extra)
    return env


def run_bot(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "bot.py", *args], cwd=ROOT, env=bot_env(**env),
                          capture_output=True, text=True, timeout=60)


def project_copy(tmp_path: Path) -> str:
    """Return the config of the project's config and apps beside a state folder of their own.

    A running bot opens its inbox in the state folder: the project's own would outlive each
    emulator (whose update ids start at 1 again) and be locked by a bot running from this checkout.
    """
    (tmp_path / "config.yaml").write_text((ROOT / "config.yaml").read_text())
    for folder in ("apps", "modules"):
        (tmp_path / folder).symlink_to(ROOT / folder)
    return str(tmp_path / "config.yaml")


def write_config(tmp_path: Path, text: str) -> str:
    path = tmp_path / "config.yaml"
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize("config, message", [
    ("apps: [echo]", "error: config.yaml: 'token' is not set."),
    ("apps: [echo\n", "error: config.yaml: YAML syntax error at line 2, column 1:"),
    ("apps: [echo]\nverbose: true", "error: config.yaml: unknown key 'verbose'."),
    ("polling: {timeout: soon}", "error: config.yaml: 'polling.timeout' must be a number, got string 'soon'."),
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
                             "does not exist. Create it or remove it from 'apps'.\n")


def test_a_rejected_token_exits_non_zero_without_showing_it(tmp_path):
    with Emulator(token=TOKEN) as emu:
        emu.revoke_token()
        result = run_bot("--log-level", "DEBUG", "--config", project_copy(tmp_path), TELEGRAM_BOT_TOKEN=TOKEN,
                         TELEGRAM_BASE_URL=emu.base_url)
    assert result.returncode == 1
    assert "error: Telegram rejected the bot token (401 Unauthorized)." in result.stderr
    assert SECRET not in result.stdout + result.stderr


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_conversation_then_clean_stop_with_exit_0_and_no_token_in_debug_logs(tmp_path, stop_signal):
    with Emulator(token=TOKEN) as emu:
        process = subprocess.Popen([sys.executable, "bot.py", "--log-level", "DEBUG", "--config",
                                    project_copy(tmp_path)], cwd=ROOT,
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
    result = run_bot("--check", TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_BASE_URL="http://127.0.0.1:9/nothing-listens-here")
    assert result.returncode == 0
    assert result.stdout == ("config.yaml is valid: apps start, help, echo; modules access_control. "
                             "(Nothing was sent to Telegram.)\n")


def test_check_reports_a_broken_app(tmp_path):
    (tmp_path / "apps" / "broken").mkdir(parents=True)
    (tmp_path / "apps" / "broken" / "app.py").write_text("import nothing_like_this\n")
    result = run_bot("--check", "--config", write_config(tmp_path, "apps: [broken]"), TELEGRAM_BOT_TOKEN=TOKEN)
    assert result.returncode == 2
    assert result.stderr.startswith("error: App 'broken' failed to import: ModuleNotFoundError: "
                                    "No module named 'nothing_like_this' (apps/broken/app.py, line 1).")
