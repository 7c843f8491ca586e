"""The Redis password never shows: a DEBUG run of a poller and a worker, --check, the inbox command,
an app's traceback and a wrong password, against a real redis-server with requirepass."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from tests.redis_server import RedisServer, require_redis_server

from ..project import ROOT
from .conftest import make_project
from .test_kill import texts, wait_until

PASSWORD = "pw-Zq81xKv-never-shown"
WRONG = "pw-wrong-77qX-never-shown"


@pytest.fixture
def private_redis(tmp_path):
    server = RedisServer(tmp_path / "redis", require_redis_server(), password=PASSWORD)
    server.folder.mkdir()
    yield server.start()
    server.stop()


def project(folder, port: int, password: str):
    """A project whose inbox (db 0) and storage module (db 1) are on the password-protected Redis."""
    folder.mkdir()
    extra = (f"inbox: redis://:{password}@127.0.0.1:{port}/0\n"
             f"modules:\n  storage:\n    url: redis://:{password}@127.0.0.1:{port}/1\n")
    return make_project(folder, ["sequence_keeper", "url_in_error"], extra)


def bot(config, *words: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "SCALETG_"))}
    return subprocess.run([sys.executable, str(ROOT / "bot.py"), "--config", str(config), *words],
                          env=env, capture_output=True, text=True, timeout=60)


def test_a_debug_run_check_and_the_inbox_command_never_show_the_password(tmp_path, emu, start_bot, private_redis):
    config = project(tmp_path / "project", private_redis.port, PASSWORD)
    shown = f"redis://***@127.0.0.1:{private_redis.port}/0"
    checked = bot(config, "--check")
    assert checked.returncode == 0, checked.stderr
    worker = start_bot(config, emu.base_url, "work")
    poller = start_bot(config, emu.base_url, "poll")
    user = emu.create_user("Ann")
    chat = emu.private_chat(user)
    for text in ("1", "2", "fail", "3"):
        emu.user_says(user, chat, text)
    wait_until(lambda: "ok 3" in texts(emu, chat["id"]), 30, "the worker's answer to 3")
    worker.wait_for_output("Traceback")  # the app's ConnectionError, logged with its traceback
    status = bot(config, "inbox")
    for process in (poller, worker):
        process.signal(signal.SIGTERM)
        assert process.wait() == 0
    assert texts(emu, chat["id"]) == ["ok 1", "ok 2", "ok 3"]  # the storage module's Redis worked too
    assert f"is polling {emu.base_url.removesuffix('/bot')} into the inbox {shown}" in poller.output
    assert f"working on the inbox {shown}" in worker.output
    assert f"ConnectionError: cannot reach {shown}" in worker.output
    assert status.returncode == 0 and f"Inbox {shown}\n" in status.stdout
    everything = checked.stdout + checked.stderr + poller.output + worker.output + status.stdout + status.stderr
    assert "DEBUG" in worker.output and "DEBUG" in poller.output
    assert everything.count(PASSWORD) == 0


@pytest.mark.parametrize("words", [["work"], ["poll"], ["inbox"]])
def test_a_wrong_password_names_the_host_says_it_was_refused_and_exits_1(tmp_path, emu, private_redis, words):
    config = project(tmp_path / "project", private_redis.port, WRONG)
    env = {"TELEGRAM_BOT_TOKEN": "424242:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw", "TELEGRAM_BASE_URL": emu.base_url}
    result = subprocess.run([sys.executable, str(ROOT / "bot.py"), "--config", str(config), "--log-level", "DEBUG",
                             *words], env={**os.environ, **env}, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        f"error: Redis redis://***@127.0.0.1:{private_redis.port}/0 refused the password in the inbox URL. Put "
        "the right one in the URL (redis://:PASSWORD@host:6379/0), in 'inbox' in the config or SCALETG_INBOX.")
    assert (result.stdout + result.stderr).count(WRONG) == 0
    assert "Traceback" not in result.stderr


def test_no_password_at_all_says_redis_asks_for_one(tmp_path, private_redis):
    config = project(tmp_path / "project", private_redis.port, PASSWORD)
    config.write_text(config.read_text().replace(f":{PASSWORD}@", ""))
    result = bot(config, "inbox")
    assert result.returncode == 1
    assert result.stderr == (
        f"error: Redis redis://127.0.0.1:{private_redis.port}/0 asks for a password and the inbox URL has none. "
        "Put it in the URL (redis://:PASSWORD@host:6379/0), in 'inbox' in the config or SCALETG_INBOX.\n")
