"""Connection resets on 10% of sends: with the defaults no reply is lost; with give_up each loss is reported.

A reset before Telegram answered is ambiguous: the emulator drops the connection either before
the method runs (nothing was sent) or after (the message is in the chat, its answer lost).
"""

from __future__ import annotations

import dataclasses
import logging
from collections import Counter

import pytest

from scaletg_ptb.config import DeliveryConfig
from scaletg_ptb.testing import SandboxBot

CHATS, MESSAGES = 10, 20
RESET_EVERY = 10  # one sendMessage in ten loses its connection


def burst(delivery: DeliveryConfig, after: bool) -> tuple[SandboxBot, dict[int, list[str]], int]:
    """Send MESSAGES texts in each of CHATS chats through resets; return the bot's texts per chat and the resets."""
    bot = SandboxBot(["echo"], timeout=30)
    bot.config = dataclasses.replace(bot.config, delivery=delivery)
    with bot:
        emu = bot.emulator
        resets = emu.inject_fault("sendMessage", drop=True, after=after, every=RESET_EVERY, times=None)
        chats = [bot.user(f"User {n}") for n in range(CHATS)]
        for i in range(MESSAGES):
            for user in chats:
                emu.user_says(user.user, user.chat, f"m{i}")
        for user in chats:  # a chat's updates are processed in order: its last one comes last
            chat_id = user.chat["id"]
            bot.wait_processed(lambda u, chat_id=chat_id: u.type == "message" and u.message.chat.id == chat_id
                               and u.message.text == f"m{MESSAGES - 1}", f"the last message in chat {chat_id}")
        texts = {user.chat["id"]: [m["text"] for m in emu.bot_messages(user.chat["id"])] for user in chats}
        return bot, texts, resets.seen // RESET_EVERY


FAST = DeliveryConfig(backoff_base=0.01, backoff_max=0.05)
SENT = [f"m{i}" for i in range(MESSAGES)]


@pytest.mark.parametrize("after", [False, True], ids=["reset_before_sending", "reset_after_sending"])
def test_no_reply_is_lost_with_the_defaults_and_duplicates_only_where_the_answer_was_lost(after, caplog):
    caplog.set_level(logging.WARNING, "scaletg_ptb")
    bot, texts, resets = burst(FAST, after)
    assert resets >= CHATS * MESSAGES // RESET_EVERY
    for chat_id, received in texts.items():
        assert list(dict.fromkeys(received)) == SENT, f"chat {chat_id}"  # each reply, in order
    duplicates = sum(count - 1 for received in texts.values() for count in Counter(received).values())
    assert duplicates == (resets if after else 0)
    warnings = [r.getMessage() for r in caplog.records if r.name == "scaletg_ptb.delivery"]
    assert len(warnings) == resets
    assert all(w.endswith("a duplicate may have been delivered") for w in warnings)
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


def test_with_uncertain_give_up_every_lost_reply_is_reported(caplog):
    _, texts, resets = burst(dataclasses.replace(FAST, uncertain="give_up"), after=False)
    assert resets == CHATS * MESSAGES // RESET_EVERY  # no retries: exactly one send in ten
    lost = {(chat_id, text) for chat_id, received in texts.items() for text in SENT if text not in received}
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert len(lost) == resets and len(errors) == resets
    assert all(e.endswith("not retried so that it is not sent twice (delivery.uncertain: give_up)")
               for e in errors)
    reported = Counter(int(e.split(" to chat ")[1].split(" ")[0]) for e in errors)
    assert reported == Counter(chat_id for chat_id, _ in lost)  # each chat's losses, each reported
