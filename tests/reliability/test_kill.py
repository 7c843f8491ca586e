"""kill -9 in the middle of a burst, then a restart: every message answered, in order, repeats only of
updates that were in progress; an update that kills the process each time ends as a dead letter."""

from __future__ import annotations

import re
import signal
import time

import pytest

from scaletg_ptb.inbox import sqlite_file

from .conftest import make_project

CHATS, PER_CHAT = 10, 30
KILLED = -signal.SIGKILL  # Popen's return code for a child killed by a signal
RESUMED = re.compile(r"Resuming \d+ update\(s\) stored before the last stop, in order \((\d+) were in progress")


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


def texts(emu, chat_id: int) -> list[str]:
    return [m["text"] for m in emu.bot_messages(chat_id)]


def replied(emu, chats) -> int:
    return sum(len(emu.bot_messages(chat["id"])) for chat in chats)


def burst(emu) -> tuple[list[dict], dict[int, list[str]]]:
    """Have 10 users write 30 messages each, interleaved; return the chats and what each was sent."""
    users = [emu.create_user(f"User{i}", username=f"user{i}") for i in range(CHATS)]
    chats = [emu.private_chat(user) for user in users]
    sent: dict[int, list[str]] = {chat["id"]: [] for chat in chats}
    for n in range(PER_CHAT):
        for user, chat in zip(users, chats, strict=True):
            text = f"{chat['id']}-{n}"
            emu.user_says(user, chat, text)
            sent[chat["id"]].append(text)
    return chats, sent


def repeated(answers: list[str], sent: list[str]) -> list[str]:
    """Return the answers given twice in a row, checking that the rest is exactly ``sent``, in order."""
    repeats = [a for a, b in zip(answers, answers[1:], strict=False) if a == b]
    deduplicated = [a for i, a in enumerate(answers) if i == 0 or a != answers[i - 1]]
    assert deduplicated == sent, f"lost, reordered or repeated out of place: {answers}"
    return repeats


def kill_after_a_fetch(emu, bot, chats) -> None:
    bot.wait_for_output("Fetched updates [")  # a getUpdates returned a batch; it is being stored
    bot.signal(signal.SIGKILL)


def kill_while_apps_run(emu, bot, chats) -> None:
    wait_until(lambda: replied(emu, chats) >= 100, 30, "100 replies")
    bot.signal(signal.SIGKILL)


def kill_while_replies_are_sent(emu, bot, chats) -> None:
    wait_until(lambda: replied(emu, chats) >= 100, 30, "100 replies")
    stalled = emu.inject_fault("sendMessage", delay=0.5, times=3)
    wait_until(lambda: stalled.times == 0, 10, "three sends to reach the emulator")
    bot.signal(signal.SIGKILL)  # the emulator drops the stalled sends with their connections: never delivered


@pytest.mark.parametrize("kill", [kill_after_a_fetch, kill_while_apps_run, kill_while_replies_are_sent])
def test_kill_9_during_a_burst_loses_nothing_and_repeats_only_updates_in_progress(tmp_path, emu, start_bot, kill):
    config = make_project(tmp_path, ["slow_echo"])
    chats, sent = burst(emu)
    bot = start_bot(config, emu.base_url)
    kill(emu, bot, chats)
    assert bot.wait() == KILLED
    before_restart = replied(emu, chats)

    again = start_bot(config, emu.base_url)
    for chat in chats:
        emu.wait_for_bot_messages(chat["id"], PER_CHAT, timeout=30)
    emu.wait_until_confirmed(timeout=20)
    again.signal(signal.SIGINT)
    assert again.wait() == 0

    repeats = {chat["id"]: repeated(texts(emu, chat["id"]), sent[chat["id"]]) for chat in chats}
    assert all(len(r) <= 1 for r in repeats.values()), repeats  # at most the one in progress per chat
    if before_restart:  # the restart says what it resumed, and that covers every repeat
        resumed = RESUMED.findall(again.output)
        assert len(resumed) == 1, again.output
        in_progress = int(resumed[0])
        assert sum(len(r) for r in repeats.values()) <= in_progress <= CHATS
    assert "Traceback" not in again.output


def test_an_update_that_kills_the_bot_each_time_ends_as_a_dead_letter(tmp_path, emu, start_bot):
    config = make_project(tmp_path, ["crash_on_poison"])  # processing.max_attempts: 3, the default
    alice = emu.create_user("Alice")
    chat = emu.private_chat(alice)
    for text in ("before", "poison", "after"):
        emu.user_says(alice, chat, text)
    for _ in range(3):  # as a supervisor (systemd, Docker) would: restart after each crash
        assert start_bot(config, emu.base_url).wait() == KILLED
    survivor = start_bot(config, emu.base_url)
    emu.user_says(alice, chat, "and later")
    assert [m["text"] for m in emu.wait_for_bot_messages(chat["id"], 3, timeout=20)] == [
        "before", "after", "and later"]

    db = sqlite_file.connect(tmp_path / "state" / "inbox.sqlite3")  # as `python bot.py inbox` reads it
    try:
        letters = sqlite_file.dead_letters(db)
    finally:
        db.close()
    reason = "its processing was cut short 3 times (a crash or a forced stop each time; processing.max_attempts is 3)"
    assert [(letter.update_id, letter.chat, letter.reason) for letter in letters] == [(2, f"chat:{chat['id']}", reason)]
    assert letters[0].raw["message"]["text"] == "poison"
    assert f"Update id=2 set aside: {reason}. Fix the app, then: python bot.py inbox retry 2" in survivor.output
    survivor.signal(signal.SIGINT)
    assert survivor.wait() == 0
