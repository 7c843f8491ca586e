"""The SQLite inbox: what survives a restart or a crash, poison updates, and the bad conditions."""

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

from .conftest import crash, message, messages, rows, run, take_ids


@pytest.fixture
def state(tmp_path):
    return tmp_path / "state"


def test_a_batch_delivered_again_after_a_restart_is_skipped(state):
    async def main():
        inbox = SqliteInbox(state)
        await inbox.open()
        await inbox.store(messages(1, 2, 3))
        for update_id in await take_ids(inbox, 2):
            await inbox.begin(update_id)
            inbox.done(update_id)
        await inbox.close()  # 1 and 2 done, 3 still stored; Telegram was never told

        again = SqliteInbox(state)
        await again.open()
        new = await again.store(messages(1, 2, 3, 4))
        taken = await take_ids(again, 2)
        await again.close()
        return new, taken

    assert run(main()) == (1, [3, 4])


def test_after_a_crash_the_updates_come_back_in_order_and_the_one_in_progress_counts_an_attempt(state, caplog):
    async def main():
        inbox = SqliteInbox(state)
        await inbox.open()
        await inbox.store([message(1), message(2, chat=2), message(3)])
        await inbox.begin((await inbox.take()).id)
        crash(inbox)

        again = SqliteInbox(state)
        await again.open()
        taken = await take_ids(again, 3)
        await again.close()
        return taken

    assert run(main()) == [1, 2, 3]
    assert rows(state / "inbox.sqlite3") == [(1, 0, 1), (2, 0, 0), (3, 0, 0)]
    assert ("Resuming 3 update(s) stored before the last stop, in order (1 were in progress and run again)."
            in caplog.messages)


def test_a_crash_repeats_at_most_the_update_that_was_in_progress(state):
    async def main():
        inbox = SqliteInbox(state)
        await inbox.open()
        await inbox.store(messages(1, 2, 3))
        for update_id in await take_ids(inbox, 2):
            await inbox.begin(update_id)
            inbox.done(update_id)
        await inbox.begin((await inbox.take()).id)  # the done marks rode along with this write
        inbox.done(3)
        crash(inbox)  # 3's done mark was not written yet

        again = SqliteInbox(state)
        await again.open()
        repeated = await take_ids(again, 1)
        await again.close()
        return repeated

    assert run(main()) == [3]


def test_an_update_that_crashed_the_process_max_attempts_times_is_set_aside(state, caplog):
    async def main():
        for _ in range(2):
            inbox = SqliteInbox(state, max_attempts=2)
            await inbox.open()
            await inbox.store(messages(1, 2))  # Telegram sends them again: no offset was confirmed
            update = await inbox.take()
            await inbox.begin(update.id)
            crash(inbox)
        inbox = SqliteInbox(state, max_attempts=2)
        await inbox.open()
        taken = await take_ids(inbox, 1)
        new = await inbox.store(messages(1, 2))
        letters = await inbox.dead_letters()
        await inbox.close()
        return taken, new, letters

    taken, new, letters = run(main())
    reason = "its processing was cut short 2 times (a crash or a forced stop each time; processing.max_attempts is 2)"
    assert (taken, new) == ([2], 0)
    assert [(letter.update_id, letter.chat, letter.reason, letter.raw) for letter in letters] == [
        (1, "chat:1", reason, message(1))]
    assert f"Update id=1 set aside: {reason}. Fix the app, then: python bot.py inbox retry 1" in caplog.messages


def test_retry_from_another_process_while_running_feeds_the_update_back(state, monkeypatch):
    monkeypatch.setattr(sqlite_inbox, "EXTERNAL_CHECK", 0.02)

    async def main():
        first = SqliteInbox(state, max_attempts=1)
        await first.open()
        await first.store(messages(1))
        await first.begin((await first.take()).id)
        crash(first)
        inbox = SqliteInbox(state, max_attempts=1)
        await inbox.open()
        waiting = asyncio.create_task(inbox.take())
        await asyncio.sleep(0.05)
        idle = not waiting.done()
        # What `python bot.py inbox retry 1` does: its own connection, while the bot runs.
        other = sqlite_file.connect(inbox.path)
        retried = sqlite_file.retry(other, [1])
        other.close()
        async with asyncio.timeout(2):
            update = await waiting
        await inbox.close()
        return idle, retried, update.id

    assert run(main()) == (True, 1, 1)
    assert rows(state / "inbox.sqlite3") == [(1, 0, 0)]


def test_drop_from_another_process_deletes_the_dead_letter(state):
    async def main():
        first = SqliteInbox(state, max_attempts=1)
        await first.open()
        await first.store(messages(1, 2))
        await first.begin((await first.take()).id)
        crash(first)
        inbox = SqliteInbox(state, max_attempts=1)
        await inbox.open()
        before = [letter.update_id for letter in await inbox.dead_letters()]
        other = sqlite_file.connect(inbox.path)
        dropped = sqlite_file.drop(other, None)
        other.close()
        after = await inbox.dead_letters()
        status = await inbox.status()
        await inbox.close()
        return before, dropped, after, status.set_aside

    assert run(main()) == ([1], 1, [], 0)


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
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(state)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
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
