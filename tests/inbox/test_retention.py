"""Set-aside updates (people's messages) are deleted after inbox.dead_letter_days; nothing else is kept."""

import logging
import subprocess
import sys
import time

from scaletg_ptb.config import load_config
from scaletg_ptb.inbox import sqlite_file
from scaletg_ptb.inbox.sqlite import SqliteInbox

from ..project import ROOT
from .conftest import message, run

DAY = 86400


def set_aside(path, update_id: int, age_days: float) -> None:
    db = sqlite_file.connect(path)
    with sqlite_file.transaction(db):
        db.execute("INSERT INTO dead (update_id, chat, reason, at, raw) VALUES (?, 'chat:1', 'bad', ?, ?)",
                   (update_id, time.time() - age_days * DAY, sqlite_file.dumps(message(update_id))))
    db.close()


def dead_ids(path) -> list[int]:
    db = sqlite_file.connect(path)
    try:
        return [letter.update_id for letter in sqlite_file.dead_letters(db)]
    finally:
        db.close()


def test_a_bot_starting_deletes_set_aside_updates_older_than_the_retention(tmp_path, caplog):
    caplog.set_level(logging.INFO, "scaletg_ptb.inbox")
    path = tmp_path / sqlite_file.FILENAME
    set_aside(path, 1, age_days=3)
    set_aside(path, 2, age_days=0.5)

    async def start_and_stop():
        inbox = SqliteInbox(tmp_path, dead_letter_days=1)
        await inbox.open()
        await inbox.close()

    run(start_and_stop())
    assert dead_ids(path) == [2]
    assert "Deleted 1 set-aside update(s) older than 1 days (inbox.dead_letter_days)." in caplog.messages


def test_the_inbox_command_never_lists_expired_ones(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text("inbox:\n  url: sqlite\n  dead_letter_days: 2\n")
    path = tmp_path / "state" / sqlite_file.FILENAME
    path.parent.mkdir()
    set_aside(path, 7, age_days=5)
    set_aside(path, 8, age_days=1)
    shown = subprocess.run([sys.executable, str(ROOT / "bot.py"), "--config", str(config), "inbox"],
                           capture_output=True, text=True, timeout=30)
    assert "  set aside         1\n" in shown.stdout and "id=8 " in shown.stdout and "id=7 " not in shown.stdout
    assert dead_ids(path) == [8]


def test_the_retention_setting_is_checked(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text("inbox: {url: memory, dead_letter_days: 0}\n")
    try:
        load_config(config, {}, require_token=False)
    except Exception as exc:  # noqa: BLE001 - the message is what matters
        message = str(exc)
    assert message == "config.yaml, line 1: 'inbox.dead_letter_days' must be more than 0, got 0."
    config.write_text("inbox: {url: memory, dead_letter_days: 7}\n")
    loaded = load_config(config, {}, require_token=False)
    assert (loaded.inbox, loaded.dead_letter_days) == ("memory", 7.0)
