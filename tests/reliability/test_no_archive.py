"""No archive of people's messages builds up: after a run, neither the SQLite inbox nor Redis holds
the text of the updates that were processed."""

from __future__ import annotations

import signal
import sqlite3

import redis

from scaletg_ptb.inbox import sqlite_file

from .conftest import make_project

SAID = [f"private words {n}" for n in range(20)]


def converse(emu) -> int:
    """Have a user send SAID; wait for every echo; return the chat id."""
    user = emu.create_user("Ann")
    chat = emu.private_chat(user)
    for text in SAID:
        emu.user_says(user, chat, text)
    answers = emu.wait_for_bot_messages(chat["id"], len(SAID), timeout=30)
    assert [m["text"] for m in answers] == SAID
    emu.wait_until_confirmed(timeout=20)
    return chat["id"]


def test_the_sqlite_inbox_keeps_no_processed_message(tmp_path, emu, start_bot):
    config = make_project(tmp_path, ["echo"])
    bot = start_bot(config, emu.base_url)
    converse(emu)
    bot.signal(signal.SIGTERM)
    assert bot.wait() == 0
    with sqlite3.connect(tmp_path / "state" / sqlite_file.FILENAME) as db:
        kept = db.execute("SELECT raw FROM updates UNION ALL SELECT raw FROM dead").fetchall()
    assert kept == []


def dump(client: redis.Redis) -> str:
    """Return every key of Redis and everything each holds, as one text."""
    parts = []
    for key in client.scan_iter():
        kind = client.type(key)
        value = {"string": client.get, "hash": client.hgetall, "list": lambda k: client.lrange(k, 0, -1),
                 "set": client.smembers, "zset": lambda k: client.zrange(k, 0, -1, withscores=True)}[kind](key)
        parts.append(f"{key} {kind} {value}")
    return "\n".join(parts)


def test_redis_keeps_no_processed_message(tmp_path, emu, start_bot, redis_url):
    config = make_project(tmp_path, ["slow_echo"], f"inbox: {redis_url}\n")
    worker = start_bot(config, emu.base_url, "work")
    poller = start_bot(config, emu.base_url, "poll")
    converse(emu)
    for process in (poller, worker):
        process.signal(signal.SIGTERM)
        assert process.wait() == 0
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    try:
        held = dump(client)
        assert "scaletg:{default}:offset" in held  # the inbox was here
        assert "private words" not in held
    finally:
        client.close()
