"""Polling errors back off and recover; nothing is lost or answered twice."""

import logging

import pytest


@pytest.mark.parametrize("fault", [
    {"status": 502},
    {"status": 500, "description": "Internal Server Error"},
    {"drop": True},
    {"status": 429, "retry_after": 1},
])
def test_polling_recovers_from_errors_without_losing_or_repeating(make_sandbox_bot, caplog, fault):
    caplog.set_level(logging.WARNING, "scaletg_ptb.polling")
    bot = make_sandbox_bot(apps=["echo"])
    alice = bot.user("Alice")
    alice.says("before").expect("before")
    bot.emulator.wait_for_long_poll()
    bot.emulator.inject_fault("getUpdates", times=2, **fault)
    bot.emulator.user_says(alice.user, alice.chat, "during")  # ends the parked poll; the next two fail
    for _ in range(2):
        bot.emulator.wait_for_call("getUpdates", predicate=lambda call: call.status != 200, timeout=15)
    bot.emulator.user_says(alice.user, alice.chat, "after")  # reaches the bot only once polling recovered
    texts = [m["text"] for m in bot.emulator.wait_for_bot_messages(alice.chat["id"], 3, timeout=15)]
    assert texts == ["before", "during", "after"]
    if fault.get("status") != 429:
        assert "Polling failed" in caplog.text
