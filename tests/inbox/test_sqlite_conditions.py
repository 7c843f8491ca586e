"""The SQLite inbox in bad conditions: a damaged file, a second opener, a full or read-only disk."""

from __future__ import annotations

import asyncio
import fcntl
import logging
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from scaletg_ptb.inbox import InboxError, sqlite_file
from scaletg_ptb.inbox import sqlite as sqlite_inbox
from scaletg_ptb.inbox.sqlite import SqliteInbox

from .conftest import message, messages, rows, run


def test_a_damaged_file_is_refused_with_the_fix_and_left_as_it_is(state):
    state.mkdir()
    damaged = state / "inbox.sqlite3"
    garbage = b"this is not a database\n" * 200
    damaged.write_bytes(garbage)
    with pytest.raises(InboxError) as error:
        run(SqliteInbox(state).open())
    assert str(error.value) == (
        f"The inbox {damaged} is damaged (file is not a database). It was left as it is: move it away to start "
        "with an empty inbox (the updates in it are then lost) or restore it from a backup, then start again.")
    assert damaged.read_bytes() == garbage
    damaged.rename(state / "inbox.sqlite3.damaged")  # the fix the message gives
    run(_open_and_close(SqliteInbox(state)))  # and the lock was released


def test_damage_outside_the_updates_table_is_refused_the_same_way(state):
    async def fill():
        inbox = SqliteInbox(state)
        await inbox.open()
        await inbox.store([message(1), {"update_id": 2, "message": {"chat": "not a chat"}}])  # a dead letter
        await inbox.close()

    run(fill())
    path = state / "inbox.sqlite3"
    with sqlite3.connect(path) as db:
        page_size = db.execute("PRAGMA page_size").fetchone()[0]
        root = db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'dead'").fetchone()[0]
    db.close()
    data = bytearray(path.read_bytes())
    data[(root - 1) * page_size:root * page_size] = b"\xff" * page_size  # the dead letters' page
    path.write_bytes(bytes(data))
    with pytest.raises(InboxError) as error:
        run(SqliteInbox(state).open())
    assert str(error.value).startswith(f"The inbox {path} is damaged (database disk image is malformed). It was")
    assert path.read_bytes() == bytes(data)
    with (state / "inbox.lock").open() as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # the refused open released its lock


async def _open_and_close(inbox: SqliteInbox) -> None:
    await inbox.open()
    await inbox.close()


def refusal(state, pid: int) -> str:
    return (f"Another bot process (pid {pid}) is using the state folder {state}. Stop it first, "
            "or give this bot its own 'state_dir' in the config.")


def test_a_second_inbox_on_the_same_folder_in_the_same_process_is_refused(state):
    async def main():
        first = SqliteInbox(state)
        await first.open()
        with pytest.raises(InboxError) as error:
            await SqliteInbox(state).open()
        await first.close()
        await _open_and_close(SqliteInbox(state))  # free again once the first closed
        return str(error.value)

    assert run(main()) == refusal(state, os.getpid())


HOLDER = textwrap.dedent("""
    import asyncio, sys
    from pathlib import Path
    from scaletg_ptb.inbox.sqlite import SqliteInbox
    inbox = SqliteInbox(Path(sys.argv[1]))  # kept referenced: its lock lives as long as it does
    asyncio.run(inbox.open())
    print("open", flush=True)
    sys.stdin.read()
""")


def test_another_process_holding_the_folder_is_named_and_its_kill_frees_it(state):
    with subprocess.Popen([sys.executable, "-c", HOLDER, str(state)], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, text=True) as holder:  # closes its pipes at the end
        try:
            assert holder.stdout.readline() == "open\n"
            with pytest.raises(InboxError) as error:
                run(SqliteInbox(state).open())
            assert str(error.value) == refusal(state, holder.pid)
        finally:
            holder.send_signal(signal.SIGKILL)
            holder.wait(10)
    run(_open_and_close(SqliteInbox(state)))  # kill -9 leaves the lock file, not the lock


def errors(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "scaletg_ptb.inbox" and r.levelno >= logging.WARNING]


def test_a_full_disk_holds_the_batch_logs_once_and_stores_it_when_space_returns(state, caplog, monkeypatch):
    monkeypatch.setattr(sqlite_inbox, "MAX_BACKOFF", 0.02)  # retry fast

    async def main():
        inbox = SqliteInbox(state)
        await inbox.open()
        await inbox.store(messages(1))
        db = inbox._db
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        db.execute(f"PRAGMA max_page_count = {pages}")  # the disk is full: SQLITE_FULL on growth
        storing = asyncio.create_task(inbox.store([message(i, text="x" * 2000) for i in range(2, 40)]))
        while inbox._failures < 4:
            await asyncio.sleep(0.01)
        held = not storing.done()
        db.execute("PRAGMA max_page_count = 1073741823")  # space again
        async with asyncio.timeout(2):
            new = await storing
        await inbox.close()
        return held, new

    assert run(main()) == (True, 38)
    path = state / "inbox.sqlite3"
    assert errors(caplog) == [
        f"Cannot write to the inbox {path} (database or disk is full); not confirming new updates to Telegram "
        "until it works again (retrying every few seconds; nothing is lost: Telegram keeps them).",
        f"The inbox {path} is writable again; confirming updates to Telegram again."]
    assert [row[0] for row in rows(path)] == list(range(1, 40))


def test_a_read_only_disk_holds_the_writes_and_loses_none_when_writable_again(state, caplog, monkeypatch, mocker):
    monkeypatch.setattr(sqlite_inbox, "MAX_BACKOFF", 0.02)
    real = sqlite_file.transaction
    failures = 0

    def read_only_three_times(db):
        nonlocal failures
        if failures < 3:
            failures += 1
            raise sqlite3.OperationalError("attempt to write a readonly database")
        return real(db)

    async def main():
        inbox = SqliteInbox(state)
        await inbox.open()
        await inbox.store(messages(1))
        await inbox.begin((await inbox.take()).id)
        mocker.patch.object(sqlite_file, "transaction", side_effect=read_only_three_times)
        inbox.done(1)
        async with asyncio.timeout(2):
            await inbox.store(messages(2, 3))
        await inbox.close()

    run(main())
    path = state / "inbox.sqlite3"
    assert failures == 3
    assert errors(caplog) == [
        f"Cannot write to the inbox {path} (attempt to write a readonly database); not confirming new updates "
        "to Telegram until it works again (retrying every few seconds; nothing is lost: Telegram keeps them).",
        f"The inbox {path} is writable again; confirming updates to Telegram again."]
    assert rows(path) == [(1, 2, 1), (2, 0, 0), (3, 0, 0)]


def test_closing_while_the_disk_fails_says_what_was_not_saved_and_leaves_no_retry_behind(
        state, caplog, monkeypatch, mocker):
    monkeypatch.setattr(sqlite_inbox, "MAX_BACKOFF", 0.02)
    unexpected = []

    async def main():
        asyncio.get_running_loop().set_exception_handler(lambda loop, context: unexpected.append(context))
        inbox = SqliteInbox(state)
        await inbox.open()
        mocker.patch.object(sqlite_file, "transaction",
                            side_effect=sqlite3.OperationalError("disk I/O error"))
        storing = asyncio.create_task(inbox.store(messages(1, 2)))
        while inbox._failures < 2:
            await asyncio.sleep(0.01)
        storing.cancel()  # the stop cancels the poller
        await inbox.close()
        await asyncio.sleep(0.1)  # several retry periods: none may run on the closed file

    run(main())
    assert unexpected == []
    assert errors(caplog)[-1] == (
        f"The inbox {state / 'inbox.sqlite3'} could not be written at close; 2 mark(s) were not saved, so the "
        "updates they concern are fetched or processed again at the next start.")


def test_a_full_disk_at_start_is_not_called_damage(state, mocker):
    real_connect = sqlite3.connect

    class FullDisk:
        """A connection whose disk is full: every write fails."""

        def __init__(self, *args, **kwargs):
            self.db = real_connect(*args, **kwargs)

        def execute(self, sql, *params):
            if sql.startswith(("PRAGMA journal_mode", "CREATE", "BEGIN")):
                raise sqlite3.OperationalError("database or disk is full")
            return self.db.execute(sql, *params)

        def executescript(self, script):
            raise sqlite3.OperationalError("database or disk is full")

        def close(self):
            self.db.close()

    mocker.patch.object(sqlite_file.sqlite3, "connect", FullDisk)
    with pytest.raises(InboxError) as error:
        run(SqliteInbox(state).open())
    assert str(error.value) == (
        f"Cannot open the inbox {state / 'inbox.sqlite3'} (database or disk is full). Check that the state folder "
        "is writable and its disk has free space, then start again.")
