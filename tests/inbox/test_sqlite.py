"""The SQLite inbox: what survives a restart or a crash, poison updates, changes from another process."""

from __future__ import annotations

import asyncio
import time

from scaletg_ptb.inbox import pacing, sqlite_file
from scaletg_ptb.inbox import sqlite as sqlite_inbox
from scaletg_ptb.inbox.sqlite import SqliteInbox

from .conftest import burn, crash, message, messages, rows, run, take_ids


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


def test_with_cpu_to_spare_a_mark_is_committed_at_the_next_loop_turn_even_right_after_a_commit(state):
    async def main():
        inbox = SqliteInbox(state)
        await inbox.open()
        await inbox.store(messages(1))  # a commit just now
        begin = asyncio.create_task(inbox.begin((await inbox.take()).id))
        turns = 0
        while not begin.done():
            await asyncio.sleep(0)
            turns += 1
        await inbox.close()
        return turns

    assert run(main()) <= 3


def test_while_the_loop_is_busy_commits_are_at_least_the_interval_apart(state, mocker):
    real = sqlite_file.transaction
    commits: list[float] = []

    def counting(db):
        commits.append(time.monotonic())
        return real(db)

    async def chat(inbox, offset):
        await asyncio.sleep(offset)  # like replies arriving one by one
        update_id = (await inbox.take()).id
        await inbox.begin(update_id)
        burn(0.0004)  # the update's own work
        inbox.done(update_id)

    async def main():
        inbox = SqliteInbox(state)
        await inbox.open()
        await inbox.store([message(n, chat=n) for n in range(1, 601)])
        mocker.patch.object(sqlite_file, "transaction", counting)
        started = time.monotonic()
        await asyncio.gather(*(chat(inbox, n * 0.0005) for n in range(600)))
        inbox.flush_now()
        await inbox.close()
        return started

    started = run(main())
    paced = [at for at in commits[:-1] if at > started + pacing.WINDOW * 1.5]  # once measured busy; not flush_now's
    gaps = [later - earlier for earlier, later in zip(paced, paced[1:], strict=False)]
    assert len(gaps) >= 5
    assert min(gaps) >= pacing.INTERVAL * 0.99
