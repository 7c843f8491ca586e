"""Set-aside updates (people's messages) are deleted after inbox.dead_letter_days; nothing else is kept."""

import json
import logging
import subprocess
import sys
import time

from scaletg_ptb.config import load_config
from scaletg_ptb.inbox import sqlite_file
from scaletg_ptb.inbox.redis import RedisInbox
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


def bad(update_id: int) -> dict:
    """An update the inbox sets aside as it stores it (its chat has no numeric id)."""
    return {"update_id": update_id, "message": {"message_id": 1, "date": 0, "chat": "not a chat", "text": "x"}}


def age_on_redis(client, update_id: int, age_days: float) -> None:
    """Make a set-aside update look ``age_days`` old to the retention (its index entry and its JSON)."""
    at = time.time() - age_days * DAY
    client.zadd("scaletg:{default}:deadat", {str(update_id): at})


def test_on_redis_opening_and_the_inbox_command_delete_set_aside_updates_older_than_the_retention(
        redis_url, tmp_path, caplog):
    import redis

    caplog.set_level(logging.INFO, "scaletg_ptb.inbox")
    client = redis.Redis.from_url(redis_url, decode_responses=True)

    async def set_aside(*ids: int) -> None:
        inbox = RedisInbox(redis_url)
        await inbox.open()
        await inbox.store([bad(update_id) for update_id in ids])
        await inbox.close()

    async def reopen(days: float) -> list[int]:
        inbox = RedisInbox(redis_url, dead_letter_days=days)
        await inbox.open()
        try:
            return [letter.update_id for letter in await inbox.dead_letters()]
        finally:
            await inbox.close()

    run(set_aside(1, 2, 3, 4))
    age_on_redis(client, 1, age_days=3)
    age_on_redis(client, 2, age_days=0.6)  # older than a half-day retention
    assert run(reopen(days=1)) == [2, 3, 4]
    assert "Deleted 1 set-aside update(s) older than 1 days (inbox.dead_letter_days)." in caplog.messages
    assert run(reopen(days=0.5)) == [3, 4]
    assert client.zrange("scaletg:{default}:deadat", 0, -1) == ["3", "4"]  # the index follows
    age_on_redis(client, 3, age_days=5)
    config = tmp_path / "config.yaml"
    config.write_text(f"inbox:\n  url: {redis_url}\n  dead_letter_days: 2\n")
    shown = subprocess.run([sys.executable, str(ROOT / "bot.py"), "--config", str(config), "inbox"],
                           capture_output=True, text=True, timeout=30)
    assert "  set aside         1\n" in shown.stdout and "id=4 " in shown.stdout and "id=3 " not in shown.stdout
    assert client.hkeys("scaletg:{default}:dead") == ["4"]
    client.close()


def test_on_redis_a_dropped_or_retried_update_leaves_the_retention_index(redis_url):
    import redis

    client = redis.Redis.from_url(redis_url, decode_responses=True)

    index = "scaletg:{default}:deadat"

    async def main() -> list[list[str]]:
        inbox = RedisInbox(redis_url)
        await inbox.open()
        await inbox.store([bad(5), bad(6), bad(7)])
        seen = [client.zrange(index, 0, -1)]
        await inbox.drop([5])
        seen.append(client.zrange(index, 0, -1))
        letter = {"update_id": 6, "chat": "chat:1", "reason": "its app was fixed since", "at": time.time(),
                  "raw": message(6)}
        client.hset("scaletg:{default}:dead", "6", json.dumps(letter))  # now a good update, set aside
        await inbox.retry([6])  # back among the updates: no longer set aside
        seen.append(client.zrange(index, 0, -1))
        await inbox.drop(None)
        await inbox.close()
        return seen

    assert run(main()) == [["5", "6", "7"], ["6", "7"], ["7"]]
    assert client.exists("scaletg:{default}:dead", index) == 0
    client.close()
