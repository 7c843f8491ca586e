"""Per-chat ordered concurrency and backpressure (event-driven, never timing-based)."""

import asyncio

import pytest
import telegram

from scaletg_ptb.ordering import ChatOrderedProcessor, chat_key


def update(update_id: int, chat_id: int | None, user_id: int | None = None) -> telegram.Update:
    message = {"message_id": update_id, "date": 0, "text": "x",
               "chat": {"id": chat_id if chat_id is not None else 1, "type": "private"}}
    data = {"update_id": update_id, "message": message}
    if chat_id is None:  # an update kind with a user but no chat
        data = {"update_id": update_id, "inline_query": {
            "id": str(update_id), "from": {"id": user_id, "is_bot": False, "first_name": "U"},
            "query": "q", "offset": ""}}
    return telegram.Update.de_json(data, None)


class Work:
    """Coroutines that record when they start and finish and block until released."""

    def __init__(self):
        self.events: list[tuple[str, int]] = []
        self.release: dict[int, asyncio.Event] = {}
        self.running = 0
        self.most_running = 0

    def job(self, update_id: int, block: bool = False):
        gate = self.release.setdefault(update_id, asyncio.Event())
        if not block:
            gate.set()

        async def run():
            self.running += 1
            self.most_running = max(self.most_running, self.running)
            self.events.append(("start", update_id))
            await gate.wait()
            self.events.append(("end", update_id))
            self.running -= 1
        return run()

    async def until(self, condition):
        """Let the loop run until ``condition()`` holds (bounded, so a bug fails instead of hanging)."""
        for _ in range(10_000):
            if condition():
                return
            await asyncio.sleep(0)
        raise AssertionError("condition never held")


def test_chat_key_orders_by_chat_then_user():
    assert chat_key(update(1, 42)) == ("chat", 42)
    assert chat_key(update(2, None, user_id=7)) == ("user", 7)
    assert chat_key(object()) is None


def test_a_chats_updates_run_in_order_while_other_chats_proceed():
    async def main():
        processor, work = ChatOrderedProcessor(concurrency=10), Work()
        tasks = [asyncio.create_task(processor.process_update(update(1, 100), work.job(1, block=True))),
                 asyncio.create_task(processor.process_update(update(2, 100), work.job(2))),
                 asyncio.create_task(processor.process_update(update(3, 200), work.job(3)))]
        await work.until(lambda: ("end", 3) in work.events)
        # chat 200 finished while chat 100's first update still blocks its second
        assert ("start", 2) not in work.events
        work.release[1].set()
        await asyncio.gather(*tasks)
        return work.events
    events = asyncio.run(main())
    assert events.index(("end", 1)) < events.index(("start", 2))


def test_many_updates_of_one_chat_keep_arrival_order():
    async def main():
        processor, work = ChatOrderedProcessor(concurrency=8), Work()
        await asyncio.gather(*(processor.process_update(update(i, 5), work.job(i)) for i in range(200)))
        return work
    work = asyncio.run(main())
    assert [i for kind, i in work.events if kind == "start"] == list(range(200))
    assert work.most_running == 1


def test_concurrency_limit_across_chats():
    async def main():
        processor, work = ChatOrderedProcessor(concurrency=3), Work()
        tasks = [asyncio.create_task(processor.process_update(update(i, i), work.job(i, block=True)))
                 for i in range(6)]
        await work.until(lambda: work.running == 3)
        for _ in range(100):  # give the others every chance to start wrongly
            await asyncio.sleep(0)
        assert work.running == 3
        for gate in work.release.values():
            gate.set()
        await asyncio.gather(*tasks)
        return work
    assert asyncio.run(main()).most_running == 3


def test_a_flooding_chat_holds_one_slot_and_cannot_starve_the_others():
    async def main():
        processor, work = ChatOrderedProcessor(concurrency=2), Work()
        flood = [asyncio.create_task(processor.process_update(update(i, 1), work.job(i, block=True)))
                 for i in range(50)]
        other = asyncio.create_task(processor.process_update(update(999, 2), work.job(999)))
        await work.until(lambda: ("end", 999) in work.events)
        assert work.running == 1  # only the flood's first update holds a slot
        for gate in work.release.values():
            gate.set()
        await asyncio.gather(*flood, other)
    asyncio.run(main())


def test_idle_chats_release_their_state():
    async def main():
        processor, work = ChatOrderedProcessor(concurrency=4), Work()
        tasks = [asyncio.create_task(processor.process_update(update(i, i % 3), work.job(i, block=True)))
                 for i in range(9)]
        await work.until(lambda: work.running == 3)
        assert processor.active_chats == 3
        for gate in work.release.values():
            gate.set()
        await asyncio.gather(*tasks)
        await asyncio.gather(*(processor.process_update(update(100 + i, 1000 + i), work.job(100 + i))
                               for i in range(1000)))
        return processor
    assert asyncio.run(main()).active_chats == 0


def test_updates_without_chat_or_user_run_unordered_but_within_the_limit():
    async def main():
        processor, work = ChatOrderedProcessor(concurrency=2), Work()

        class Poll:  # not a telegram.Update with a chat: no order applies
            pass
        tasks = [asyncio.create_task(processor.process_update(Poll(), work.job(i, block=True))) for i in range(3)]
        await work.until(lambda: work.running == 2)
        for gate in work.release.values():
            gate.set()
        await asyncio.gather(*tasks)
        return work, processor
    work, processor = asyncio.run(main())
    assert work.most_running == 2 and processor.active_chats == 0


@pytest.mark.parametrize("chats", [1, 7])
def test_end_to_end_each_chat_is_answered_in_order(make_sandbox_bot, chats):
    bot = make_sandbox_bot(apps=["echo"])
    users = [bot.user(f"U{n}") for n in range(chats)]
    for n in range(10):
        for user in users:
            bot.emulator.user_says(user.user, user.chat, f"{user.name}-{n}")
    for user in users:
        messages = bot.emulator.wait_for_bot_messages(user.chat["id"], 10)
        assert [m["text"] for m in messages] == [f"{user.name}-{n}" for n in range(10)]


@pytest.fixture
def rendezvous_project(tmp_path):
    """A project whose only app is tests/fixture_apps/rendezvous; returns (config path, app module)."""
    import sys
    from pathlib import Path

    here = Path(__file__).parent
    (tmp_path / "apps").mkdir()
    (tmp_path / "apps" / "rendezvous").symlink_to(here / "fixture_apps" / "rendezvous")
    (tmp_path / "modules").symlink_to(here.parent / "modules")
    config = tmp_path / "config.yaml"
    yield config
    module = sys.modules.get("apps.rendezvous.app")
    if module is not None:
        module.barrier.reset()


def write_processing(config, **processing):
    lines = "\n".join(f"  {key}: {value}" for key, value in processing.items())
    config.write_text(f"apps: [rendezvous]\nprocessing:\n{lines}\n")


def test_blocking_plain_apps_of_different_chats_run_at_the_same_time(make_sandbox_bot, rendezvous_project):
    write_processing(rendezvous_project, workers=3)
    bot = make_sandbox_bot(config=rendezvous_project)
    users = [bot.user(f"U{n}") for n in range(3)]
    for user in users:
        bot.emulator.user_says(user.user, user.chat, "hi")
    for user in users:
        assert [m["text"] for m in bot.emulator.wait_for_bot_messages(user.chat["id"], 1)] == ["met"]


def test_the_worker_pool_limits_how_many_plain_apps_run_at_once(make_sandbox_bot, rendezvous_project):
    write_processing(rendezvous_project, workers=2)
    bot = make_sandbox_bot(config=rendezvous_project)
    import sys
    sys.modules["apps.rendezvous.app"].wait_seconds = 0.5  # two threads can never make three
    users = [bot.user(f"U{n}") for n in range(3)]
    for user in users:
        bot.emulator.user_says(user.user, user.chat, "hi")
    texts = [bot.emulator.wait_for_bot_messages(u.chat["id"], 1)[0]["text"] for u in users]
    assert texts == ["alone", "alone", "alone"]
