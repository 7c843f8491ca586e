"""chat_data through kill -9 and a restart of a real bot.py: each chat's sequence has no gap."""

from __future__ import annotations

import json
import signal
import sqlite3

from .conftest import make_project
from .test_kill import KILLED, replied, wait_until

CHATS, PER_CHAT = 5, 40


def test_a_sequence_kept_with_chat_data_has_no_gap_through_kill_9_and_a_restart(tmp_path, emu, start_bot):
    config = make_project(tmp_path, ["sequence_keeper"])
    users = [emu.create_user(f"User{i}") for i in range(CHATS)]
    chats = [emu.private_chat(user) for user in users]
    for n in range(1, PER_CHAT + 1):
        for user, chat in zip(users, chats, strict=True):
            emu.user_says(user, chat, str(n))
    bot = start_bot(config, emu.base_url)
    wait_until(lambda: replied(emu, chats) >= 60, 30, "60 replies")
    bot.signal(signal.SIGKILL)
    assert bot.wait() == KILLED
    assert replied(emu, chats) < CHATS * PER_CHAT  # the kill did land in the middle

    again = start_bot(config, emu.base_url)
    for chat in chats:
        emu.wait_for_bot_messages(chat["id"], PER_CHAT, timeout=30)
    emu.wait_until_confirmed(timeout=20)
    again.signal(signal.SIGINT)
    assert again.wait() == 0

    for chat in chats:
        answers = [m["text"] for m in emu.bot_messages(chat["id"])]
        assert not [a for a in answers if a.startswith("gap")], answers  # the store never skipped a number
        numbers = [int(a.split()[-1]) for a in answers]
        assert numbers == sorted(numbers) and set(numbers) == set(range(1, PER_CHAT + 1)), answers  # in order, all
        # At most one repeat, of the update in progress at the kill: its block had saved, then the process died
        # before the reply (then "again N" only) or before the inbox heard it was done ("ok N", "again N").
        assert len(answers) - PER_CHAT <= 1 and sum(a.startswith("again") for a in answers) <= 1, answers
    db = sqlite3.connect(tmp_path / "state" / "inbox.sqlite3")
    stored = dict(db.execute("SELECT key, value FROM storage").fetchall())
    db.close()
    assert stored == {f"chat:{chat['id']}": json.dumps({"last": PER_CHAT}, separators=(",", ":")) for chat in chats}
    assert "Traceback" not in again.output
