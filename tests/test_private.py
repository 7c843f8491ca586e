"""The state folder and its files are private (0700 / 0600) whatever the umask; shared ones get a warning."""

import asyncio
import os
import signal
import stat
import subprocess
import sys

import pytest

from scaletg_ptb.inbox.sqlite import SqliteInbox
from scaletg_ptb.private import private_file, private_folder

from .project import ROOT
from .reliability.conftest import TOKEN, make_project

MESSAGE = {"update_id": 1, "message": {"message_id": 1, "date": 0, "chat": {"id": 7, "type": "private"},
                                        "text": "a private message"}}


def modes(folder):
    return {path.name: stat.S_IMODE(path.stat().st_mode) for path in [folder, *folder.iterdir()]}


@pytest.fixture
def open_umask():
    previous = os.umask(0o022)  # the usual umask: new files readable by everyone
    yield
    os.umask(previous)


def test_the_inbox_s_folder_and_files_are_private_under_a_0022_umask(tmp_path, open_umask):
    state = tmp_path / "state"

    async def run():
        inbox = SqliteInbox(state)
        await inbox.open()
        await inbox.store([MESSAGE])
        try:
            return modes(state)  # while open: the WAL files exist (closing checkpoints them away)
        finally:
            await inbox.close()

    assert asyncio.run(run()) == {"state": 0o700, "inbox.lock": 0o600, "inbox.sqlite3": 0o600,
                                  "inbox.sqlite3-wal": 0o600, "inbox.sqlite3-shm": 0o600}


def test_a_shared_folder_or_file_gets_one_warning_with_the_fix(tmp_path, caplog):
    folder, file = tmp_path / "state", tmp_path / "state" / "inbox.sqlite3"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    file.write_text("")
    os.chmod(file, 0o644)
    private_folder(folder)
    private_file(file)
    assert caplog.messages == [
        f"{folder} is readable by other users (mode 755) and holds people's messages. Fix: chmod 700 {folder}",
        f"{file} is readable by other users (mode 644) and holds people's messages. Fix: chmod 600 {file}",
    ]
    assert stat.S_IMODE(folder.stat().st_mode) == 0o755  # warned, not changed behind the owner's back


def test_after_a_real_run_nothing_under_the_state_folder_is_readable_by_others(tmp_path):
    from scaletg_ptb.emulator import Emulator

    config = make_project(tmp_path, ["echo"])
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    with Emulator(token=TOKEN) as emu:
        env.update(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_BASE_URL=emu.base_url)
        bot = subprocess.Popen([sys.executable, str(ROOT / "bot.py"), "--config", str(config)], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               preexec_fn=lambda: os.umask(0o022))
        try:
            alice = emu.create_user("Alice")
            emu.user_says(alice, emu.private_chat(alice), "hello")
            emu.wait_for_bot_messages(alice["id"], 1, timeout=20)
            bot.send_signal(signal.SIGTERM)
            assert bot.wait(30) == 0
        finally:
            if bot.poll() is None:
                bot.kill()
    shared = {name: oct(mode) for name, mode in modes(tmp_path / "state").items() if mode & 0o077}
    assert shared == {}
