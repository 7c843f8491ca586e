"""The standalone emulator driven from outside: a real bot.py talks to it, a user talks over HTTP."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GREETER = ROOT / "tests" / "fixture_apps" / "greeter"
TOKEN = "42:DRIVE-SECRET"


def call(url: str, body: dict[str, object] | None = None) -> object:
    """GET ``url``, or POST ``body`` as JSON; return the result of the JSON answer."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        answer = json.load(response)
    assert answer["ok"], answer
    return answer["result"]


def stop(process: subprocess.Popen[str]) -> str:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
    try:
        return process.communicate(timeout=20)[1] or ""
    except subprocess.TimeoutExpired:
        process.kill()
        return process.communicate()[1] or ""


def test_a_user_message_over_http_gets_the_real_bots_reply(tmp_path):
    (tmp_path / "apps").mkdir()
    (tmp_path / "apps" / "greeter").symlink_to(GREETER, target_is_directory=True)
    (tmp_path / "config.yaml").write_text("apps: [greeter]\npolling: {timeout: 1}\n")
    emulator = subprocess.Popen([sys.executable, "-m", "scaletg_ptb.emulator", "--port", "0", "--token", TOKEN],
                                cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    bot = None
    try:
        assert emulator.stdout is not None
        base_url = emulator.stdout.readline().rsplit(" ", 1)[-1].strip()
        assert emulator.stdout.readline().strip() == f"token: {TOKEN}"
        users_side = base_url.removesuffix("/bot") + "/_emulator/"
        assert emulator.stdout.readline().strip() == f"users' side: {users_side} (Ctrl-C stops)"
        env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
        bot = subprocess.Popen([sys.executable, "bot.py", "--config", str(tmp_path / "config.yaml")], cwd=ROOT,
                               env={**env, "TELEGRAM_BASE_URL": base_url, "TELEGRAM_BOT_TOKEN": TOKEN},
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        said = call(users_side + "messages", {"user": "Alice", "text": "hi bot"})
        assert isinstance(said, dict)
        chat_id, after = said["chat"]["id"], said["message_id"]
        deadline = time.monotonic() + 30  # the bot starts meanwhile; each read waits up to 5 s
        replies: list = []
        while not replies and time.monotonic() < deadline and bot.poll() is None:
            replies = call(f"{users_side}chats/{chat_id}/messages?after={after}&wait=5")  # type: ignore[assignment]
        assert [(m["from"]["username"], m["text"]) for m in replies] == [("ScaleTGBot", "hello")], stop(bot)
    finally:
        bot_log = stop(bot) if bot is not None else ""
        stop(emulator)
    assert bot is not None and bot.returncode == 0, bot_log
    assert TOKEN.split(":")[1] not in bot_log


def test_every_option_of_the_standalone_emulator_has_help():
    result = subprocess.run([sys.executable, "-m", "scaletg_ptb.emulator", "--help"], cwd=ROOT,
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0
    help_text = " ".join(result.stdout.split())
    assert "``" not in help_text
    assert "--host HOST the address to listen on (default: 127.0.0.1, this machine only)" in help_text
    assert "--port PORT the TCP port (default: 8081; 0 picks a free one)" in help_text
    assert "--token TOKEN the only bot token it accepts, shaped '<bot id>:<secret>' (default: 123456:TEST-TOKEN)" \
        in help_text
    assert "/_emulator/" in help_text
