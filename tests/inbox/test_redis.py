"""The Redis inbox against a real redis-server: order across workers, leases, poison, memory, the poller lease."""

from __future__ import annotations

import asyncio
import logging
import random

import pytest

from scaletg_ptb.inbox.redis import RedisInbox

from .conftest import message, messages, run, take_ids
from .redis_helpers import Record, die, timed, work

PER_UPDATE_KEYS = ("updates", "stored", "attempts", "running", "done", "ready", "leases", "owner", "chats", "q:")


def test_two_workers_run_each_chat_one_update_at_a_time_in_order(redis_url):
    async def app(view):
        await asyncio.sleep(random.uniform(0, 0.01))

    async def main():
        poller, a, b = RedisInbox(redis_url), RedisInbox(redis_url, concurrency=3), RedisInbox(redis_url,
                                                                                              concurrency=3)
        for inbox in (poller, a, b):
            await inbox.open()
        record = Record()
        workers = [asyncio.create_task(work(a, "a", record, app)), asyncio.create_task(work(b, "b", record, app))]
        for start in range(1, 121, 10):  # 120 updates, 6 chats, interleaved, in batches as polling does
            assert await poller.store([message(i, chat=i % 6) for i in range(start, start + 10)]) == 10
            await asyncio.sleep(0.01)
        await record.wait_for(120, 20)
        for task in workers:
            task.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
        for inbox in (poller, a, b):
            await inbox.close()
        return record

    record = run(main())
    assert record.overlaps == []
    for chat in range(6):
        assert record.ids_of(f"chat:{chat}") == [i for i in range(1, 121) if i % 6 == chat]
    assert {name for name, _, _ in record.runs} == {"a", "b"}  # both took part


def test_a_slow_chat_delays_only_itself_another_worker_takes_the_others(redis_url):
    async def main():
        gate = asyncio.Event()

        async def app(view):
            if view.id == 1:
                await gate.wait()  # chat 1's first update hangs until the others are through

        poller = RedisInbox(redis_url)
        a, b = RedisInbox(redis_url, concurrency=1), RedisInbox(redis_url, concurrency=1)
        for inbox in (poller, a, b):
            await inbox.open()
        record = Record()
        await poller.store(messages(1, 2, chat=1))
        workers = [asyncio.create_task(work(a, "a", record, app))]
        while record.running.get("chat:1") != "a":
            await asyncio.sleep(0.01)
        workers.append(asyncio.create_task(work(b, "b", record, app)))
        await poller.store([message(3, chat=2), message(4, chat=3), message(5, chat=2)])
        await record.wait_for(3, 5)
        while_stuck = list(record.runs)
        gate.set()
        await record.wait_for(5, 5)
        for task in workers:
            task.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
        for inbox in (poller, a, b):
            await inbox.close()
        return while_stuck, record.runs

    while_stuck, runs = run(main())
    assert sorted(while_stuck) == [("b", "chat:2", 3), ("b", "chat:2", 5), ("b", "chat:3", 4)]
    assert runs[3:] == [("a", "chat:1", 1), ("a", "chat:1", 2)]


def test_a_dead_workers_chat_goes_to_another_after_the_lease_with_the_same_updates(redis_url):
    async def main():
        a, b = RedisInbox(redis_url, lease=1.0), RedisInbox(redis_url, lease=1.0)
        await a.open()
        await b.open()
        await a.store(messages(1, 2, chat=7))
        first = await take_ids(a, 1)
        await a.begin(first[0])
        await die(a)
        view, waited = await timed(b.take(), 5)
        rest = await take_ids(b, 1)
        attempts = await b.link.client.hget(b.link.key("attempts"), "1")
        await b.close()
        return first, view.id, rest, waited, attempts

    first, again, rest, waited, attempts = run(main())
    assert (first, again, rest, attempts) == ([1], 1, [2], "1")
    assert 0.5 < waited < 3.0  # after the 1 s lease, not before


def test_heartbeats_keep_a_slow_but_alive_workers_chat(redis_url, caplog):
    async def main():
        a, b = RedisInbox(redis_url, lease=1.0), RedisInbox(redis_url, lease=1.0)
        await a.open()
        await b.open()
        await a.store(messages(1, chat=7))
        await a.begin((await a.take()).id)
        await a.store(messages(2, chat=7))  # the chat's next update, while 1 runs
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(3):  # three leases: only heartbeats keep the chat
                await b.take()
        a.done(1)
        view, _ = await timed(b.take(), 3)  # given back at once: the next one goes to whoever asks
        attempts = await a.link.client.hget(a.link.key("attempts"), "1")
        await a.close()
        await b.close()
        return view.id, attempts

    assert run(main()) == (2, None)  # 1 is done: its attempt count is gone
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_an_update_cut_short_max_attempts_times_is_set_aside_and_the_chat_goes_on(redis_url, caplog):
    async def main():
        for _ in range(2):
            dying = RedisInbox(redis_url, max_attempts=2, lease=0.5)
            await dying.open()
            if not await dying.link.client.exists(dying.link.key("updates")):
                await dying.store(messages(1, 2, chat=5))
            view, _ = await timed(dying.take(), 3)
            assert view.id == 1
            await dying.begin(1)
            await die(dying)
        survivor = RedisInbox(redis_url, max_attempts=2, lease=0.5)
        await survivor.open()
        view, _ = await timed(survivor.take(), 3)
        letters = await survivor.dead_letters()
        await survivor.close()
        return view.id, [(letter.update_id, letter.chat, letter.reason, letter.raw) for letter in letters]

    reason = ("its processing was cut short 2 times (a crash or a forced stop each time; "
              "processing.max_attempts is 2)")
    assert run(main()) == (2, [(1, "chat:5", reason, message(1, chat=5))])
    assert f"Update id=1 set aside: {reason}. Fix the app, then: python bot.py inbox retry 1" in caplog.messages


def test_a_batch_stored_twice_by_two_pollers_runs_once(redis_url):
    async def main():
        first, second, worker = RedisInbox(redis_url), RedisInbox(redis_url), RedisInbox(redis_url)
        for inbox in (first, second, worker):
            await inbox.open()
        counts = [await first.store(messages(1, 2, 3)), await second.store(messages(1, 2, 3))]
        taken = await take_ids(worker, 3)
        for update_id in taken:
            await worker.begin(update_id)
            worker.done(update_id)
        counts.append(await second.store(messages(2, 3, 4)))  # done but not yet confirmed: still skipped
        taken += await take_ids(worker, 1)
        with pytest.raises(TimeoutError):
            await take_ids(worker, 1)
        for inbox in (first, second, worker):
            await inbox.close()
        return counts, taken

    assert run(main()) == ([3, 0, 1], [1, 2, 3, 4])


def test_nothing_stays_in_redis_per_update_or_chat_once_done_and_confirmed(redis_url):
    async def main():
        poller, a, b = RedisInbox(redis_url), RedisInbox(redis_url), RedisInbox(redis_url)
        for inbox in (poller, a, b):
            await inbox.open()
        await poller.lead_polling()
        record = Record()
        workers = [asyncio.create_task(work(inbox, name, record, lambda view: None))
                   for inbox, name in ((a, "a"), (b, "b"))]
        for start in range(1, 501, 50):  # 500 updates from 200 chats
            await poller.store([message(i, chat=i % 200) for i in range(start, start + 50)])
        await record.wait_for(500, 20)
        for task in workers:
            task.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
        await a.status()  # writes a's last done marks
        await b.status()
        during = sorted(await poller.link.client.keys("*"))
        await poller.confirmed(501)
        keys = sorted(await poller.link.client.keys("*"))
        for inbox in (poller, a, b):
            await inbox.close()
        reader = RedisInbox(redis_url).link
        left = sorted(await reader.client.keys("*"))
        await reader.close()
        return during, keys, left

    during, keys, left = run(main())
    prefix = "scaletg:{default}:"
    def per_update(keys):
        names = [key.removeprefix(prefix).split(":", 1)[0] for key in keys]
        return [name for name in names if name in PER_UPDATE_KEYS or name == "q"]

    assert per_update(during) == ["done"]  # done, not yet confirmed to Telegram: kept for dedupe
    assert per_update(keys) == []
    assert len(keys) <= 9, keys  # offset, poller, poller:fence, wake, workers, and per worker: its entry, wake list
    assert [key.removeprefix(prefix) for key in left] == ["offset", "poller:fence", "wake"] or \
        [key.removeprefix(prefix) for key in left] == ["offset", "poller:fence"]


def test_the_poller_waits_while_max_pending_updates_wait_in_any_process(redis_url):
    async def main():
        poller, worker = RedisInbox(redis_url, max_pending=3), RedisInbox(redis_url)
        await poller.open()
        await worker.open()
        await poller.store(messages(1, 2, 3, chat=1))
        blocked = asyncio.create_task(poller.wait_for_room())
        await asyncio.sleep(0.7)  # longer than the poller's look at the size
        was_blocked = not blocked.done()
        taken = await take_ids(worker, 3)
        await worker.begin(taken[0])
        still_blocked = not blocked.done()
        worker.done(taken[0])
        _, waited = await timed(blocked, 2)
        await poller.close()
        await worker.close()
        return was_blocked, still_blocked, waited

    was_blocked, still_blocked, waited = run(main())
    assert (was_blocked, still_blocked) == (True, True)
    assert waited < 1.0
