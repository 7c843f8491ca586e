import asyncio
import logging
import re
import threading
from types import SimpleNamespace

import pytest

from scaletg_ptb import Reply, Update, User, send, send_async
from scaletg_ptb.context import Runtime
from scaletg_ptb.dispatch import Dispatcher
from scaletg_ptb.registry import App, Module
from scaletg_ptb.workers import WorkerPool

CHAT = {"id": 42, "type": "private", "first_name": "Ann"}
WAIT = 5.0  # a bound on waits that only ever ends a broken test


def message_update(text: str = "hi", update_id: int = 7) -> Update:
    return Update({"update_id": update_id, "message": {
        "message_id": 1, "date": 1700000000, "chat": CHAT,
        "from": {"id": 42, "is_bot": False, "first_name": "Ann"}, "text": text}})


def app(name: str, process) -> App:
    import inspect
    return App(name=name, process=process, is_async=inspect.iscoroutinefunction(process))


class Harness:
    """A dispatcher over in-process apps whose sends are recorded."""

    def __init__(self, *apps: App, modules: tuple[Module, ...] = (), send_error: Exception | None = None):
        self.sent: list[Reply] = []
        self.send_error = send_error
        self.workers = WorkerPool(4)
        self.registry = SimpleNamespace(apps=apps, modules=modules)

    async def send(self, reply: Reply):
        if self.send_error:
            raise self.send_error
        self.sent.append(reply)
        return {"message_id": len(self.sent)}

    def run(self, update: Update | None = None):
        async def go():
            runtime = Runtime(send=self.send, loop=asyncio.get_running_loop(),
                              bot=User({"id": 1, "is_bot": True, "first_name": "B", "username": "TestBot"}),
                              commands={"start": "Start"})
            return await Dispatcher(self.registry, runtime, self.workers).dispatch(update or message_update())
        try:
            return asyncio.run(go())
        finally:
            self.workers.shutdown()


def text_reply(text: str) -> Reply:
    return Reply("sendMessage", chat_id=42, text=text)


def test_first_non_none_reply_in_config_order_wins_and_every_app_sees_the_update():
    seen = []
    harness = Harness(
        app("silent", lambda u: seen.append("silent")),
        app("first", lambda u: seen.append("first") or "one"),
        app("second", lambda u: seen.append("second") or "two"),
    )
    outcome = harness.run()
    assert seen == ["silent", "first", "second"]
    assert harness.sent == [text_reply("one")]
    assert (outcome.app, outcome.sent) == ("first", True)


def test_empty_string_means_handled_and_nothing_is_sent(caplog):
    caplog.set_level(logging.DEBUG, "scaletg_ptb.dispatch")
    harness = Harness(app("quiet", lambda u: ""), app("loud", lambda u: "too late"))
    outcome = harness.run()
    assert harness.sent == []
    assert (outcome.app, outcome.reply) == ("quiet", None)
    assert "Update id=7: reply of 'loud' discarded, 'quiet' answered first" in caplog.messages


def test_reply_objects_are_sent_as_they_are():
    photo = Reply("sendPhoto", chat_id=42, photo="file-id")
    harness = Harness(app("pic", lambda u: photo))
    assert harness.run().reply == photo
    assert harness.sent == [photo]


def test_an_app_that_raises_is_logged_with_name_and_update_id_and_counts_as_none(caplog):
    def boom(update):
        raise ValueError("bad data")
    harness = Harness(app("boom", boom), app("echo", lambda u: u.message.text))
    outcome = harness.run()
    assert outcome.app == "echo" and harness.sent == [text_reply("hi")]
    [record] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert record.getMessage() == "App 'boom' raised ValueError on update id=7: bad data"
    assert record.exc_info is not None


def test_a_wrong_return_type_names_the_app_and_lists_what_is_accepted(caplog):
    harness = Harness(app("counter", lambda u: 5), app("echo", lambda u: "fallback"))
    assert harness.run().app == "echo"
    assert ("App 'counter' returned int for update id=7; process() must return None (not mine), "
            '"" (handled, nothing to send), a str (sent as a text message) or a scaletg_ptb.Reply.'
            ) in caplog.messages


def test_async_apps_are_awaited():
    async def process(update):
        await asyncio.sleep(0)
        return "async " + update.message.text
    harness = Harness(app("a", process))
    harness.run()
    assert harness.sent == [text_reply("async hi")]


def test_plain_apps_run_off_the_event_loop_and_do_not_block_it():
    loop_ticked = threading.Event()
    threads = []

    def blocking(update):
        threads.append(threading.current_thread().name)
        # Only returns if the loop keeps running while this thread blocks.
        return "free" if loop_ticked.wait(WAIT) else "blocked"

    async def ticker(update):
        return None

    harness = Harness(app("blocking", blocking), app("ticker", ticker))

    async def tick_soon():
        await asyncio.sleep(0)
        loop_ticked.set()

    original_send = harness.send

    async def go():
        runtime = Runtime(send=original_send, loop=asyncio.get_running_loop(),
                          bot=User({"id": 1, "is_bot": True, "first_name": "B"}), commands={})
        ticking = asyncio.create_task(tick_soon())
        outcome = await Dispatcher(harness.registry, runtime, harness.workers).dispatch(message_update())
        await ticking
        return outcome

    asyncio.run(go())
    harness.workers.shutdown()
    assert harness.sent == [text_reply("free")]
    assert threads and threads[0] != threading.main_thread().name


def test_the_reply_is_sent_as_soon_as_it_is_known_while_later_apps_run():
    sent_event = threading.Event()
    harness = Harness(app("first", lambda u: "now"),
                      app("later", lambda u: "" if sent_event.wait(WAIT) else "never sent early"))
    original = harness.send

    async def send(reply):
        result = await original(reply)
        sent_event.set()
        return result
    harness.send = send
    outcome = harness.run()
    assert outcome.app == "first"
    assert sent_event.is_set()


def test_plain_and_async_apps_can_send_extra_requests_then_return_empty():
    def plain(update):
        result = send(Reply("sendChatAction", chat_id=42, action="typing"))
        assert result == {"message_id": 1}
        return None

    async def asynchronous(update):
        await send_async(Reply("sendMessage", chat_id=42, text="part 1"))
        await send_async(Reply("sendMessage", chat_id=42, text="part 2"))
        return ""

    harness = Harness(app("plain", plain), app("asynchronous", asynchronous))
    outcome = harness.run()
    assert [r.method for r in harness.sent] == ["sendChatAction", "sendMessage", "sendMessage"]
    assert outcome.app == "asynchronous" and outcome.reply is None


def test_send_from_an_async_app_says_to_use_send_async(caplog):
    async def wrong(update):
        send(Reply("sendMessage", chat_id=42, text="x"))
    Harness(app("wrong", wrong)).run()
    assert ("App 'wrong' raised RuntimeError on update id=7: scaletg_ptb.send() blocks until "
            "Telegram answers; in an async app use 'await scaletg_ptb.send_async(reply)' instead."
            ) in caplog.messages


def test_send_outside_processing_is_a_clear_error():
    with pytest.raises(RuntimeError, match=r"works only while an app processes an update"):
        send(Reply("sendMessage", chat_id=1, text="x"))


def test_a_failed_send_is_logged_and_reported_in_the_outcome(caplog):
    harness = Harness(app("echo", lambda u: "hi"), send_error=ConnectionError("network down"))
    outcome = harness.run()
    assert outcome.sent is False
    assert ("Sending the reply of 'echo' (sendMessage) for update id=7 failed: "
            "ConnectionError: network down") in caplog.messages


def test_a_module_gate_drops_the_update_before_any_app_sees_it():
    seen = []
    gate = Module(name="gatekeeper", package=None, allows=lambda u: u.id % 2 == 0)  # type: ignore[arg-type]
    harness = Harness(app("echo", lambda u: seen.append(u.id) or "hi"), modules=(gate,))
    outcome = harness.run(message_update(update_id=7))
    assert (outcome.dropped_by, seen, harness.sent) == ("gatekeeper", [], [])


def test_a_gate_that_fails_closes(caplog):
    def broken(update):
        raise KeyError("x")
    gate = Module(name="broken", package=None, allows=broken)  # type: ignore[arg-type]
    assert Harness(app("echo", lambda u: "hi"), modules=(gate,)).run().dropped_by == "broken"


@pytest.mark.parametrize("apps, expected", [
    ((), r"not handled"),
    ((("quiet", ""),), r"handled by 'quiet' \(nothing to send\)"),
    ((("echo", "x"),), r"answered by 'echo' \(sendMessage\)"),
])
def test_one_info_line_per_update(caplog, apps, expected):
    caplog.set_level(logging.INFO, "scaletg_ptb.dispatch")
    Harness(*(app(name, lambda u, r=result: r) for name, result in apps)).run()
    lines = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert len(lines) == 1
    assert re.fullmatch(rf"Update id=7 type=message {expected} in \d+\.\d ms", lines[0]), lines[0]


def test_consecutive_plain_apps_share_one_worker_hop_and_async_apps_split_them():
    threads = []

    def plain(update):
        threads.append(threading.get_ident())

    async def asynchronous(update):
        threads.append("loop")

    harness = Harness(app("p1", plain), app("p2", plain), app("a", asynchronous), app("p3", plain))
    harness.run()
    assert threads[2] == "loop"
    assert threads[0] == threads[1] != threading.get_ident()
    assert len(threads) == 4


@pytest.mark.parametrize("kind", ["plain", "async"])
def test_an_app_that_hangs_is_abandoned_after_the_update_timeout(caplog, kind):
    release = threading.Event()

    def stuck_plain(update):
        release.wait(WAIT)
        return "too late"

    async def stuck_async(update):
        await asyncio.Event().wait()

    harness = Harness(app("stuck", stuck_plain if kind == "plain" else stuck_async), app("echo", lambda u: "x"))

    async def go():
        runtime = Runtime(send=harness.send, loop=asyncio.get_running_loop(),
                          bot=User({"id": 1, "is_bot": True, "first_name": "B"}), commands={})
        dispatcher = Dispatcher(harness.registry, runtime, harness.workers, update_timeout=0.05)
        return await dispatcher.dispatch(message_update())

    outcome = asyncio.run(go())
    release.set()
    harness.workers.shutdown()
    assert outcome.app is None and harness.sent == []
    assert ("Update id=7: app 'stuck' did not finish within 0.05 s; moving on without it "
            "(a plain app's thread runs on until it returns).") in caplog.messages


def test_a_plain_send_that_times_out_is_cancelled_not_sent_later(caplog):
    gate = asyncio.Event()
    outcome = {}

    def impatient(update):
        try:
            send(Reply("sendMessage", chat_id=42, text="slow"), timeout=0.05)
        except TimeoutError:
            outcome["timed_out"] = True
        return ""

    harness = Harness(app("impatient", impatient))

    async def never_answers(reply):
        await gate.wait()
        harness.sent.append(reply)
    harness.send = never_answers
    harness.run()
    assert outcome == {"timed_out": True} and harness.sent == []
