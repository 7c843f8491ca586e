"""What every inbox does alike: order, dedupe, backpressure, forgetting, dead letters and counts."""

from __future__ import annotations

import asyncio

from .conftest import done_ids, message, messages, run, take_ids

BAD = {"update_id": 9, "message": {"message_id": 1, "date": 0, "chat": "not a chat", "text": "x"}}
BAD_REASON = "ValueError: 'message.chat' is not an object with a numeric id"


def test_each_chats_updates_come_out_in_the_order_they_were_stored(make_inbox):
    async def main():
        inbox = make_inbox()
        await inbox.open()
        assert await inbox.store(messages(1, 2)) == 2
        assert await inbox.store([message(3, chat=2), message(4), message(5, chat=2)]) == 3
        taken = await take_ids(inbox, 5)
        await inbox.close()
        return taken

    taken = run(main())
    assert [update_id for update_id in taken if update_id in (1, 2, 4)] == [1, 2, 4]
    assert [update_id for update_id in taken if update_id in (3, 5)] == [3, 5]


def test_a_batch_delivered_again_is_skipped_while_stored_in_progress_or_done(make_inbox):
    async def main():
        inbox = make_inbox()
        await inbox.open()
        counts = [await inbox.store(messages(1, 2, 2))]  # a duplicate inside one batch too
        counts.append(await inbox.store(messages(1, 2)))  # stored
        await inbox.begin((await inbox.take()).id)
        counts.append(await inbox.store(messages(1, 2)))  # 1 in progress
        inbox.done(1)
        counts.append(await inbox.store(messages(1, 2, 3)))  # 1 done, only 3 is new
        taken = await take_ids(inbox, 2)
        await inbox.close()
        return counts, taken

    assert run(main()) == ([2, 0, 0, 1], [2, 3])


def test_wait_for_room_blocks_at_max_pending_and_frees_when_one_is_done(make_inbox):
    async def main():
        inbox = make_inbox(max_pending=2)
        await inbox.open()
        await inbox.store(messages(1))
        await asyncio.wait_for(inbox.wait_for_room(), 1)  # one of two: room left
        await inbox.store(messages(2))
        waiting = asyncio.create_task(inbox.wait_for_room())
        for _ in range(5):
            await asyncio.sleep(0)
        blocked = not waiting.done()
        await inbox.begin((await inbox.take()).id)
        still_blocked = not waiting.done()  # taking or starting one frees nothing
        inbox.done(1)
        await asyncio.wait_for(waiting, 1)
        pending = inbox.pending
        await inbox.close()
        return blocked, still_blocked, pending

    assert run(main()) == (True, True, 1)


def test_confirmed_forgets_done_ids_below_the_offset(make_inbox):
    async def main():
        inbox = make_inbox()
        await inbox.open()
        await inbox.store(messages(1, 2, 3))
        for update_id in await take_ids(inbox, 3):
            await inbox.begin(update_id)
            inbox.done(update_id)
        await inbox.confirmed(3)  # Telegram forgot 1 and 2; 3 may still come again
        again = await inbox.store(messages(1, 2, 3))
        done = await done_ids(inbox)
        await inbox.close()
        return again, done

    assert run(main()) == (2, {3})


def test_the_counts_follow_each_update(make_inbox):
    async def main():
        inbox = make_inbox()
        await inbox.open()
        await inbox.store([*messages(1, 2, 3), BAD])
        await inbox.begin((await inbox.take()).id)
        status = await inbox.status()
        inbox.done(1)
        after = await status_once(inbox, lambda counts: counts.in_progress == 0)  # done marks are written soon after
        await inbox.close()
        return status, after

    status, after = run(main())
    assert (status.stored, status.in_progress, status.set_aside) == (2, 1, 1)
    assert status.oldest_waiting is not None
    assert (after.stored, after.in_progress, after.set_aside) == (2, 0, 1)


async def status_once(inbox, ready, timeout: float = 5.0):
    """Return the inbox's status once ``ready(status)`` holds (TimeoutError after ``timeout`` seconds)."""
    async with asyncio.timeout(timeout):
        while not ready(status := await inbox.status()):
            await asyncio.sleep(0.001)
    return status


def test_a_misshapen_update_is_set_aside_with_its_reason_and_can_be_dropped(make_inbox, caplog):
    async def main():
        inbox = make_inbox()
        await inbox.open()
        new = await inbox.store([BAD, message(10)])
        again = await inbox.store([BAD])  # Telegram sends it again: already set aside
        letters = await inbox.dead_letters()
        dropped = await inbox.drop([9])
        left = await inbox.dead_letters()
        await inbox.close()
        return new, again, letters, dropped, left

    new, again, letters, dropped, left = run(main())
    assert (new, again) == (1, 0)
    assert [(letter.update_id, letter.reason, letter.raw) for letter in letters] == [(9, BAD_REASON, BAD)]
    assert (dropped, left) == (1, [])
    assert ("Update id=9 cannot be processed (ValueError: 'message.chat' is not an object with a numeric id); "
            "set aside (python bot.py inbox lists it).") in caplog.messages


def test_retry_of_a_still_misshapen_update_sets_it_aside_again(make_inbox):
    async def main():
        inbox = make_inbox()
        await inbox.open()
        await inbox.store([BAD, message(10)])
        retried = await inbox.retry([9])
        await inbox.store(messages(11))
        taken = await take_ids(inbox, 2)
        letters = await inbox.dead_letters()
        await inbox.close()
        return retried, taken, [(letter.update_id, letter.reason) for letter in letters]

    assert run(main()) == (1, [10, 11], [(9, BAD_REASON)])
