"""``python bot.py inbox`` on a Redis inbox, run as the user runs it, against a server with a password."""

from __future__ import annotations

import asyncio
import os
import re
import socket
import subprocess
import sys

import pytest

from scaletg_ptb.inbox.command import SET_ASIDE
from scaletg_ptb.inbox.redis import RedisInbox
from tests.project import ROOT, make_project
from tests.redis_server import RedisServer, require_redis_server

from .conftest import message, messages, run, take_ids
from .test_shared import BAD, BAD_REASON

PASSWORD = "cmd-s3cret"


@pytest.fixture
def private_redis(tmp_path):
    server = RedisServer(tmp_path, require_redis_server(), password=PASSWORD).start()
    yield server
    server.stop()


def bot_inbox(config, url, *words):
    """Run python bot.py inbox WORDS with SCALETG_INBOX=url; return the result."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "SCALETG_"))}
    env["SCALETG_INBOX"] = url
    return subprocess.run([sys.executable, str(ROOT / "bot.py"), "--config", str(config), "inbox", *words],
                          env=env, capture_output=True, text=True, timeout=60)


def test_inbox_shows_counts_the_poller_and_the_workers_alive_and_repairs(private_redis, tmp_path):
    config = make_project(tmp_path / "project", [])
    url = private_redis.url
    shown = f"redis://***@127.0.0.1:{private_redis.port}/0"

    async def main():
        poller, worker = RedisInbox(url), RedisInbox(url)
        await poller.open()
        await worker.open()
        await poller.lead_polling()
        await poller.store([*messages(1, 2, chat=1), message(3, chat=2), BAD])
        taken = await take_ids(worker, 2)  # worker holds chat 1, and starts update 1
        await worker.begin(taken[0])
        await asyncio.sleep(0.1)  # its first heartbeat
        status = await asyncio.to_thread(bot_inbox, config, url)
        retried = await asyncio.to_thread(bot_inbox, config, url, "retry", "9")
        dropped = await asyncio.to_thread(bot_inbox, config, url, "drop", "all")
        letters = await worker.dead_letters()
        worker_id, poller_id = worker.id, poller.id
        await worker.close()
        await poller.close()
        after = await asyncio.to_thread(bot_inbox, config, url)
        return status, retried, dropped, letters, after, worker_id, poller_id

    status, retried, dropped, letters, after, worker_id, poller_id = run(main())
    for result in (status, retried, dropped, after):
        assert result.returncode == 0, result.stderr
        assert PASSWORD not in result.stdout + result.stderr
    lines = status.stdout.splitlines()
    assert lines[:4] == [f"Inbox {shown}", "  stored (waiting)  2", "  in progress       1",
                         "  set aside         1"]
    assert re.fullmatch(r"  oldest waiting    \d+ s old \(stored .*\)", lines[4])
    assert lines[5] == SET_ASIDE
    assert re.fullmatch(rf"  id=9  -  message  \S+ \S+  {re.escape(BAD_REASON)}", lines[6])
    assert re.fullmatch(rf"Poller: {re.escape(poller_id)}  \(lease (29|30) s left, fence 1\)", lines[7])
    assert lines[8] == "Workers alive: 1"
    assert re.fullmatch(rf"  {re.escape(worker_id)}  host {re.escape(socket.gethostname())}  pid {os.getpid()}  "
                        r"chats 1  in progress 1  heartbeat \d s ago", lines[9])
    assert len(lines) == 10
    # still misshapen: set aside again, then deleted
    assert retried.stdout == ("Put 1 set-aside update(s) back; a worker processes them next (within a second "
                              "if one runs).\n")
    assert dropped.stdout == "Deleted 1 set-aside update(s).\n"
    assert letters == []
    after_lines = after.stdout.splitlines()
    assert after_lines[1:4] == ["  stored (waiting)  3", "  in progress       0", "  set aside         0"]
    assert after_lines[-2:] == ["Poller: none active (start python bot.py or python bot.py poll)",
                                "Workers alive: none"]


def test_inbox_retry_puts_a_poison_update_back_for_the_workers(private_redis, tmp_path):
    config = make_project(tmp_path / "project", [])
    url = private_redis.url

    async def main():
        inbox = RedisInbox(url, max_attempts=1, lease=0.3)
        await inbox.open()
        await inbox.store(messages(5, chat=3))
        await inbox.begin((await inbox.take()).id)
        inbox.leases.stop()  # as if it died: no heartbeat
        inbox._held.clear()
        inbox._chat_of.clear()
        inbox._queue.clear()
        await asyncio.sleep(0.5)
        with pytest.raises(TimeoutError):
            await take_ids(inbox, 1)  # its claim set the update aside
        retried = await asyncio.to_thread(bot_inbox, config, url, "retry", "all")
        again = await take_ids(inbox, 1)
        await inbox.close()
        return retried, again

    retried, again = run(main())
    assert retried.stdout.startswith("Put 1 set-aside update(s) back")
    assert again == [5]


def test_inbox_shows_the_text_of_set_aside_updates_only_with_show_content(private_redis, tmp_path):
    config = make_project(tmp_path / "project", [])
    url = private_redis.url

    async def main():
        inbox = RedisInbox(url)
        await inbox.open()
        await inbox.store([BAD])
        await inbox.close()
        return (await asyncio.to_thread(bot_inbox, config, url),
                await asyncio.to_thread(bot_inbox, config, url, "--show-content"))

    listing, full = run(main())
    assert listing.returncode == full.returncode == 0
    line = next(line for line in listing.stdout.splitlines() if line.startswith("  id=9  "))
    assert '"x"' not in listing.stdout
    lines = full.stdout.splitlines()
    assert lines[lines.index(line) + 1] == '      content: "x"'
    assert PASSWORD not in listing.stdout + full.stdout + listing.stderr + full.stderr
