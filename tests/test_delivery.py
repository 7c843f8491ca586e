"""Telegram faults on sending never lose a reply: retries, flood pauses, bounded give-ups.

End to end against the emulator over real HTTP (injected 429, 5xx, dropped connections,
slow answers), then the policy's pieces on their own with a fake clock.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import socket
import warnings
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import aiohttp
import httpx
import pytest
from telegram import Bot
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.request import BaseRequest, HTTPXRequest
from telegram.warnings import PTBDeprecationWarning, PTBUserWarning

from scaletg_ptb import ConfigError, Reply, load_config
from scaletg_ptb.config import DeliveryConfig
from scaletg_ptb.delivery import (
    Delivery,
    DeliveryFailed,
    Fault,
    Pauses,
    classify,
    is_idempotent,
)
from scaletg_ptb.emulator import Emulator
from scaletg_ptb.ratelimit import TelegramRateLimiter
from scaletg_ptb.request import BoundedRequest, PoolTimeout
from scaletg_ptb.sending import send_reply
from scaletg_ptb.testing import SandboxBot

# PTB's RetryAfter warns, when a 429 arrives, about retry_after becoming a timedelta.
pytestmark = pytest.mark.filterwarnings("ignore:.*attribute `retry_after`:telegram.warnings.PTBDeprecationWarning")

FAST = DeliveryConfig(max_retries=3, backoff_base=0.01, backoff_max=0.05)


@pytest.fixture
def make_bot() -> Iterator[Callable[..., SandboxBot]]:
    """Return a factory for started sandbox bots with fast back-offs (or the given delivery)."""
    started: list[SandboxBot] = []

    def make(apps: tuple[str, ...] = ("echo",), delivery: DeliveryConfig = FAST) -> SandboxBot:
        bot = SandboxBot(list(apps))
        bot.config = dataclasses.replace(bot.config, delivery=delivery)
        started.append(bot.start())
        return bot

    yield make
    for bot in reversed(started):
        bot.stop()


def sends(emu: Emulator, method: str = "sendMessage") -> list[tuple[Any, int]]:
    return [(call.params.get("chat_id"), call.status) for call in emu.calls if call.method == method]


def lines(caplog: pytest.LogCaptureFixture, level: int, logger: str = "") -> list[str]:
    return [record.getMessage() for record in caplog.records
            if record.levelno == level and record.name.startswith(logger)]


def flood(seconds: float | timedelta) -> RetryAfter:
    """Return the error PTB raises on a 429 (its constructor warns about a coming type change)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        return RetryAfter(seconds)


# -- end to end: the bot on the emulator -------------------------------------------------------


def test_a_429_is_waited_out_and_the_reply_delivered_once(make_bot, caplog):
    bot = make_bot()
    bot.emulator.inject_fault("sendMessage", retry_after=1)
    alice = bot.user("Alice")
    exchange = alice.says("hello").expect("hello")
    assert exchange.outcome.sent
    assert sends(bot.emulator) == [(alice.chat["id"], 429), (alice.chat["id"], 200)]
    [warning] = lines(caplog, logging.WARNING, "scaletg_ptb.delivery")
    assert warning == (f"Telegram flood control on sendMessage to chat {alice.chat['id']}: "
                       f"pausing that chat for 1 s (retry 1 of 3)")


def test_a_429_in_one_chat_does_not_hold_up_another_chat(make_bot):
    bot = make_bot()
    emu = bot.emulator
    alice, bob = bot.user("Alice"), bot.user("Bob")
    emu.inject_fault("sendMessage", retry_after=1)
    emu.user_says(alice.user, alice.chat, "to Alice")
    emu.wait_for_call("sendMessage", predicate=lambda call: call.status == 429)
    emu.user_says(bob.user, bob.chat, "to Bob")
    emu.wait_for_bot_messages(bob.chat["id"], 1)
    assert emu.bot_messages(alice.chat["id"]) == []  # Alice's chat is still paused
    [to_alice] = emu.wait_for_bot_messages(alice.chat["id"], 1)
    assert to_alice["text"] == "to Alice"
    assert sends(emu) == [(alice.chat["id"], 429), (bob.chat["id"], 200), (alice.chat["id"], 200)]


def test_502_twice_then_ok_delivers_once(make_bot, caplog):
    bot = make_bot()
    bot.emulator.inject_fault("sendMessage", status=502, times=2)
    alice = bot.user()
    alice.says("hi").expect("hi")
    assert [status for _, status in sends(bot.emulator)] == [502, 502, 200]
    assert len(lines(caplog, logging.WARNING, "scaletg_ptb.delivery")) == 2
    assert "retry 1 of 3" in lines(caplog, logging.WARNING, "scaletg_ptb.delivery")[0]


def test_a_permanent_500_is_given_up_after_the_retries_with_one_error(make_bot, caplog):
    bot = make_bot()
    bot.emulator.inject_fault("sendMessage", status=500, times=None)
    exchange = bot.user().says("hi").expect_nothing()
    assert not exchange.outcome.sent
    assert [status for _, status in sends(bot.emulator)] == [500] * 4  # 1 + max_retries
    [error] = lines(caplog, logging.ERROR)
    assert "Sending the reply of 'echo' (sendMessage)" in error
    assert "gave up after 4 attempts; last error: NetworkError: Internal Server Error" in error


def test_a_send_dropped_after_it_was_written_is_sent_again_by_default(make_bot, caplog):
    bot = make_bot()
    bot.emulator.inject_fault("sendMessage", drop=True)
    alice = bot.user()
    exchange = alice.says("hi").expect("hi")
    assert exchange.outcome.sent
    assert [status for _, status in sends(bot.emulator)] == [0, 200]
    [warning] = lines(caplog, logging.WARNING, "scaletg_ptb.delivery")
    assert warning.startswith(
        f"sendMessage to chat {alice.chat['id']} may have reached Telegram (NetworkError: "
        "aiohttp.ServerDisconnectedError: Server disconnected); sending it again in 0.")
    assert warning.endswith(" s (retry 1 of 3): a duplicate may have been delivered")


def test_a_send_whose_answer_was_lost_is_delivered_twice_rather_than_lost(make_bot):
    bot = make_bot()
    bot.emulator.inject_fault("sendMessage", drop=True, after=True)  # Telegram sent it; the answer is lost
    alice = bot.user()
    alice.says("hi")
    texts = [m["text"] for m in bot.emulator.wait_for_bot_messages(alice.chat["id"], 2)]
    assert texts == ["hi", "hi"]  # the duplicate that delivery.uncertain: resend accepts


def test_with_uncertain_give_up_a_dropped_send_is_not_repeated(make_bot, caplog):
    bot = make_bot(delivery=dataclasses.replace(FAST, uncertain="give_up"))
    bot.emulator.inject_fault("sendMessage", drop=True)
    alice = bot.user()
    exchange = alice.says("hi")
    assert not exchange.outcome.sent
    assert [status for _, status in sends(bot.emulator)] == [0]  # one attempt: it might have arrived
    [error] = lines(caplog, logging.ERROR)
    assert error.endswith(
        f"sendMessage to chat {alice.chat['id']} may or may not have reached Telegram (NetworkError: "
        "aiohttp.ServerDisconnectedError: Server disconnected); not retried so that "
        "it is not sent twice (delivery.uncertain: give_up)")


def test_an_app_s_own_sends_are_retried_too(make_bot):
    bot = make_bot(apps=("start", "help"))
    alice = bot.user()
    alice.says("/start")
    bot.emulator.inject_fault("answerCallbackQuery", drop=True)  # idempotent: safe to repeat
    bot.emulator.inject_fault("answerCallbackQuery", status=502)
    pressed = alice.presses("Show commands")
    assert pressed.text.startswith("Commands:")
    assert [call.status for call in pressed.calls_of("answerCallbackQuery")] == [0, 502, 200]
    assert list(bot.emulator.callback_answers) == [pressed.sent["id"]]


# -- one call against the emulator, to see each transport fault classified ------------------------


TRANSPORTS: dict[str, Callable[..., BaseRequest]] = {"aiohttp": BoundedRequest, "httpx": HTTPXRequest}


@pytest.fixture(params=sorted(TRANSPORTS))
def transport(request: pytest.FixtureRequest) -> str:
    """Each transport fault is classified alike on the runner's aiohttp client and on PTB's httpx one."""
    return request.param


def deliver(base_url: str, token: str, reply: Reply, config: DeliveryConfig = FAST,
            read_timeout: float = 5.0, transport: str = "aiohttp") -> Any:
    async def main() -> Any:
        # The Bot itself is not initialised: that would call getMe, outside the policy.
        async with TRANSPORTS[transport](read_timeout=read_timeout) as request:
            bot = Bot(token, base_url=base_url, request=request)
            return await send_reply(bot, reply, Delivery(config))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBUserWarning)  # "use Bot.send_message": not here
        return asyncio.run(main())


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator() as emulator:
        yield emulator


def test_a_read_timeout_on_a_send_is_repeated_by_default(emu, transport):
    chat = emu.private_chat(emu.create_user())
    emu.inject_fault("sendMessage", delay=0.5)
    sent = deliver(emu.base_url, emu.token, Reply("sendMessage", chat_id=chat["id"], text="slow"), read_timeout=0.1,
                   transport=transport)
    assert sent.text == "slow"
    # The emulator drops a request whose client hung up (Telegram might not): one message.
    assert [m["text"] for m in emu.bot_messages(chat["id"])] == ["slow"]


def test_a_read_timeout_on_a_send_is_not_repeated_with_uncertain_give_up(emu, transport):
    chat = emu.private_chat(emu.create_user())
    emu.inject_fault("sendMessage", delay=0.5)
    with pytest.raises(DeliveryFailed, match="may or may not have reached Telegram") as caught:
        deliver(emu.base_url, emu.token, Reply("sendMessage", chat_id=chat["id"], text="slow"),
                dataclasses.replace(FAST, uncertain="give_up"), read_timeout=0.1, transport=transport)
    assert caught.value.maybe_delivered and isinstance(caught.value.__cause__, TimedOut)
    # The emulator drops a request whose client hung up (Telegram might not): a retry, which the
    # fault would no longer stop, is what would have left a message or a logged call here.
    assert emu.bot_messages(chat["id"]) == [] and sends(emu) == []


def test_a_read_timeout_on_an_edit_is_repeated(emu, transport):
    chat = emu.private_chat(emu.create_user())
    message = deliver(emu.base_url, emu.token, Reply("sendMessage", chat_id=chat["id"], text="old"),
                      transport=transport)
    emu.inject_fault("editMessageText", delay=0.5)
    edited = deliver(emu.base_url, emu.token, Reply("editMessageText", chat_id=chat["id"],
                                                    message_id=message.message_id, text="new"),
                     read_timeout=0.1, transport=transport)
    assert edited.text == "new"
    assert [m["text"] for m in emu.bot_messages(chat["id"])] == ["new"]


def test_connection_refused_is_retried_then_given_up(transport):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(DeliveryFailed, match="gave up after 4 attempts") as caught:
        deliver(f"http://127.0.0.1:{port}/bot", "123:TEST-TOKEN", Reply("sendMessage", chat_id=1, text="x"),
                transport=transport)
    assert classify(caught.value.__cause__) is Fault.NOT_SENT


def test_a_dropped_connection_may_have_reached_telegram(emu, transport):
    emu.inject_fault("sendMessage", drop=True)
    with pytest.raises(DeliveryFailed, match="may or may not have reached Telegram") as caught:
        deliver(emu.base_url, emu.token, Reply("sendMessage", chat_id=1, text="x"),
                dataclasses.replace(FAST, uncertain="give_up"), transport=transport)
    assert classify(caught.value.__cause__) is Fault.UNKNOWN
    assert type(caught.value.__cause__) is NetworkError
    assert str(caught.value.__cause__).startswith(f"{transport}.")  # the transport's own error, named


def test_a_5xx_answer_was_not_processed_and_is_retried(emu, transport):
    chat = emu.private_chat(emu.create_user())
    emu.inject_fault("sendMessage", status=502)
    sent = deliver(emu.base_url, emu.token, Reply("sendMessage", chat_id=chat["id"], text="x"), transport=transport)
    assert sent.text == "x"
    assert [status for _, status in sends(emu)] == [502, 200]


def test_bad_request_is_final_and_raised_unchanged(emu, transport):
    emu.inject_fault("sendMessage", status=400)
    with pytest.raises(BadRequest):
        deliver(emu.base_url, emu.token, Reply("sendMessage", chat_id=1, text="x"), transport=transport)
    assert len(sends(emu)) == 1


# -- the policy on its own -----------------------------------------------------------------------


def caused(exc: TelegramError, cause: BaseException | None) -> TelegramError:
    exc.__cause__ = cause
    return exc


@pytest.mark.parametrize("exc, fault", [
    (flood(1), Fault.FLOOD),
    (caused(TimedOut(), httpx.ConnectTimeout("t")), Fault.NOT_SENT),
    (caused(TimedOut("Pool timeout"), httpx.PoolTimeout("t")), Fault.NOT_SENT),
    (caused(NetworkError("httpx.ConnectError"), httpx.ConnectError("refused")), Fault.NOT_SENT),
    (caused(TimedOut(), httpx.WriteTimeout("t")), Fault.NOT_SENT),
    (NetworkError("Bad Gateway"), Fault.ANSWERED),
    (caused(NetworkError("Bad Gateway (502)"), TelegramError("Invalid server response")), Fault.ANSWERED),
    (caused(TimedOut(), httpx.ReadTimeout("t")), Fault.UNKNOWN),
    (caused(NetworkError("httpx.RemoteProtocolError"), httpx.RemoteProtocolError("gone")), Fault.UNKNOWN),
    (TimedOut(), Fault.UNKNOWN),
    (caused(NetworkError("Unknown error in HTTP implementation"), OSError()), Fault.UNKNOWN),
    (caused(TimedOut(), aiohttp.ConnectionTimeoutError()), Fault.NOT_SENT),
    (caused(NetworkError("aiohttp.ClientConnectorError"),
            aiohttp.ClientConnectorError(mock.Mock(), ConnectionRefusedError())), Fault.NOT_SENT),
    (caused(TimedOut("Pool timeout"), PoolTimeout("no free connection")), Fault.NOT_SENT),
    (caused(TimedOut(), aiohttp.SocketTimeoutError()), Fault.UNKNOWN),
    (caused(NetworkError("aiohttp.ServerDisconnectedError"), aiohttp.ServerDisconnectedError()), Fault.UNKNOWN),
    (caused(NetworkError("aiohttp.ClientOSError"), aiohttp.ClientOSError()), Fault.UNKNOWN),
    (BadRequest("Bad Request: chat not found"), Fault.FINAL),
    (Forbidden("bot was blocked by the user"), Fault.FINAL),
    (ChatMigrated(-100), Fault.FINAL),
    (ValueError("local bug"), Fault.FINAL),
])
def test_classify(exc, fault):
    assert classify(exc) is fault


@pytest.mark.parametrize("method", ["editMessageText", "deleteMessage", "answerCallbackQuery",
                                    "sendChatAction", "setMessageReaction", "getChat", "pinChatMessage"])
def test_idempotent_methods(method):
    assert is_idempotent(method) and is_idempotent(method.lower())


@pytest.mark.parametrize("method", ["sendMessage", "sendPhoto", "forwardMessage", "copyMessage",
                                    "sendMediaGroup", "createChatInviteLink", "someFutureMethod"])
def test_non_idempotent_methods(method):
    assert not is_idempotent(method)


class FakeTime:
    """A clock that moves only when slept on."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now += seconds
        await asyncio.sleep(0)


def run_delivery(mocker, outcomes: list[Any], method: str = "sendMessage", jitter: float = 1.0,
                 **config: Any) -> tuple[Any, Any, FakeTime]:
    """Call ``method`` through a Delivery over a bot whose answers are ``outcomes``."""
    fake = FakeTime()
    bot = mocker.Mock()
    bot.do_api_request = mocker.AsyncMock(side_effect=outcomes)
    delivery = Delivery(dataclasses.replace(FAST, **config), sleep=fake.sleep, clock=fake.clock,
                        jitter=lambda: jitter)
    try:
        result = asyncio.run(delivery.call(bot, method, {"chat_id": 7, "text": "x"}))
    except Exception as exc:  # noqa: BLE001 - handed to the test
        result = exc
    return result, bot.do_api_request, fake


def test_back_off_doubles_up_to_the_cap_with_jitter(mocker):
    errors = [NetworkError("Bad Gateway")] * 4
    result, request, fake = run_delivery(mocker, [*errors, True], max_retries=4, backoff_base=1, backoff_max=3)
    assert result is True and request.await_count == 5
    assert fake.sleeps == [1, 2, 3, 3]
    _, _, fake = run_delivery(mocker, [*errors, True], jitter=0.0, max_retries=4, backoff_base=1, backoff_max=3)
    assert fake.sleeps == [0.5, 1, 1.5, 1.5]  # never less than half the ceiling


def test_retries_are_bounded(mocker):
    result, request, fake = run_delivery(mocker, [flood(2)] * 3, max_retries=2)
    assert isinstance(result, DeliveryFailed) and result.attempts == 3
    assert request.await_count == 3 and fake.sleeps == [2, 2]


def test_no_retries_when_max_retries_is_zero(mocker):
    result, request, _ = run_delivery(mocker, [NetworkError("Bad Gateway")], max_retries=0)
    assert isinstance(result, DeliveryFailed) and request.await_count == 1


def test_a_429_longer_than_max_retry_after_is_given_up_at_once(mocker):
    result, request, fake = run_delivery(mocker, [flood(120)], max_retry_after=60)
    assert isinstance(result, DeliveryFailed) and "wait 120 s" in str(result)
    assert request.await_count == 1 and fake.sleeps == []


def test_an_uncertain_send_is_resent_with_a_warning_naming_method_and_chat(mocker, caplog):
    outcomes = [caused(TimedOut(), httpx.ReadTimeout("t")), {"message_id": 1}]
    result, request, fake = run_delivery(mocker, outcomes)
    assert result == {"message_id": 1} and request.await_count == 2 and fake.sleeps == [0.01]
    assert lines(caplog, logging.WARNING) == [
        "sendMessage to chat 7 may have reached Telegram (TimedOut: Timed out); sending it again in 0.01 s "
        "(retry 1 of 3): a duplicate may have been delivered"]


def test_an_uncertain_send_resent_until_the_retries_run_out_is_reported_as_maybe_delivered(mocker):
    dropped = [caused(NetworkError("httpx.RemoteProtocolError"), httpx.RemoteProtocolError("gone"))] * 4
    result, request, _ = run_delivery(mocker, dropped)
    assert isinstance(result, DeliveryFailed) and result.maybe_delivered and request.await_count == 4
    assert str(result) == ("sendMessage to chat 7 gave up after 4 attempts; "
                           "last error: NetworkError: httpx.RemoteProtocolError")


def test_with_uncertain_give_up_an_uncertain_send_is_given_up_at_once(mocker, caplog):
    outcomes = [caused(TimedOut(), httpx.ReadTimeout("t")), {"message_id": 1}]
    result, request, fake = run_delivery(mocker, outcomes, uncertain="give_up")
    assert isinstance(result, DeliveryFailed) and result.maybe_delivered and result.attempts == 1
    assert str(result) == ("sendMessage to chat 7 may or may not have reached Telegram (TimedOut: Timed out); "
                           "not retried so that it is not sent twice (delivery.uncertain: give_up)")
    assert request.await_count == 1 and fake.sleeps == [] and lines(caplog, logging.WARNING) == []


def test_an_ambiguous_failure_then_a_bad_request_warns_it_may_have_worked(mocker, caplog):
    outcomes = [caused(TimedOut(), httpx.ReadTimeout("t")), BadRequest("message is not modified")]
    result, _, _ = run_delivery(mocker, outcomes, method="editMessageText")
    assert isinstance(result, BadRequest)
    assert "an earlier attempt may have succeeded" in caplog.text


def test_a_429_pauses_later_sends_to_that_chat_only(mocker):
    fake = FakeTime()
    bot = mocker.Mock()
    bot.do_api_request = mocker.AsyncMock(return_value=True)
    delivery = Delivery(FAST, sleep=fake.sleep, clock=fake.clock)
    delivery.pauses.pause("7", 5)

    async def main() -> None:
        await delivery.call(bot, "sendMessage", {"chat_id": 8, "text": "other chat"})
        assert fake.sleeps == []
        await delivery.call(bot, "sendMessage", {"chat_id": 7, "text": "paused chat"})
        assert fake.sleeps == [5]

    asyncio.run(main())


def test_floods_in_several_chats_at_once_pause_every_chat():
    fake = FakeTime()
    pauses = Pauses(fake.clock)
    assert not pauses.pause("1", 5) and not pauses.pause("2", 5)
    assert pauses.until("9") == 0.0
    assert pauses.pause("3", 4)
    assert pauses.until("9") == fake.now + 4 and pauses.until("1") == fake.now + 5
    fake.now += 10
    assert not pauses.pause("4", 1)  # the others' pauses are over: a lone 429 again


def test_the_rate_limiter_is_off_by_default():
    assert Delivery().limiter is None
    assert Delivery(DeliveryConfig(rate_limit="telegram")).limiter is not None


def limited_starts(chats: list[str]) -> list[float]:
    """Return when each call to ``chats`` (made at once, in order) may start."""
    fake = FakeTime()
    limiter = TelegramRateLimiter(fake.clock, fake.sleep)
    starts: list[float] = []

    async def one(chat: str) -> None:
        await limiter.acquire(chat)
        starts.append(round(fake.now - 1000.0, 3))

    async def main() -> None:
        for chat in chats:  # sequential, so the fake clock means one timeline
            await one(chat)

    asyncio.run(main())
    return starts


def test_the_rate_limiter_keeps_telegram_s_limits():
    assert limited_starts(["5"] * 5) == [0, 0, 0, 1, 2]  # a private chat: a burst of 3, then 1/s
    assert limited_starts(["-5"] * 22) == [0] * 20 + [3, 6]  # a group: 20 per minute
    overall = limited_starts([str(n) for n in range(32)])  # many chats: 30 per second
    assert overall[:30] == [0] * 30 and overall[30] == pytest.approx(1 / 30, abs=1e-3)


# -- the delivery section of config.yaml ----------------------------------------------------------


def load(tmp_path: Path, text: str) -> DeliveryConfig:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return load_config(path, {}, require_token=False).delivery


def test_delivery_config_defaults_and_values(tmp_path):
    assert load(tmp_path, "apps: []\n") == DeliveryConfig()
    assert DeliveryConfig().rate_limit == "off" and DeliveryConfig().max_retries == 5
    assert DeliveryConfig().uncertain == "resend"
    assert load(tmp_path, "delivery: {max_retries: 2, backoff_base: 0.1, backoff_max: 4,"
                          " max_retry_after: 30, rate_limit: telegram, uncertain: give_up}\n"
                ) == DeliveryConfig(2, 0.1, 4, 30, "telegram", "give_up")
    assert load(tmp_path, "delivery: {uncertain: resend}\n").uncertain == "resend"
    assert load(tmp_path, "delivery: {uncertain: null}\n").uncertain == "resend"
    assert load(tmp_path, "delivery: {rate_limit: off}\n").rate_limit == "off"  # YAML's false


@pytest.mark.parametrize("text, message", [
    ("delivery: {retries: 3}",
     ("config.yaml, line 1: unknown key 'delivery.retries'. Remove it or use one of: backoff_base, backoff_max, "
      "max_retries, max_retry_after, rate_limit, uncertain.")),
    ("delivery: {max_retries: -1}", "config.yaml, line 1: 'delivery.max_retries' must be 0 or more, got -1."),
    ("delivery: {max_retries: 2.5}", "config.yaml, line 1: 'delivery.max_retries' must be an integer, got number 2.5."),
    ("delivery: {backoff_base: -0.5}",
     "config.yaml, line 1: 'delivery.backoff_base' must be 0 or more seconds, got -0.5."),
    ("delivery: {rate_limit: fast}",
     "config.yaml, line 1: 'delivery.rate_limit' must be off or telegram, got string 'fast'."),
    ("delivery: {rate_limit: on}",
     "config.yaml, line 1: 'delivery.rate_limit' must be off or telegram, got boolean True."),
    ("delivery: {uncertain: retry}",
     "config.yaml, line 1: 'delivery.uncertain' must be resend or give_up, got string 'retry'."),
    ("delivery: {uncertain: true}",
     "config.yaml, line 1: 'delivery.uncertain' must be resend or give_up, got boolean True."),
    ("delivery: 5", "config.yaml, line 1: 'delivery' must be a mapping of settings, got integer 5."),
])
def test_delivery_config_errors_are_one_line(tmp_path, text, message):
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, text + "\n")
    assert str(caught.value) == message
