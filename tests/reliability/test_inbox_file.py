"""The inbox file at start: a damaged one stops the bot with the fix and is kept; memory writes none."""

import signal

from .conftest import make_project


def test_a_damaged_inbox_stops_the_bot_with_the_fix_and_is_left_as_it_is(tmp_path, emu, start_bot):
    config = make_project(tmp_path, ["echo"])
    damaged = tmp_path / "state" / "inbox.sqlite3"
    damaged.parent.mkdir()
    damaged.write_bytes(b"\x00garbage" * 512)
    bot = start_bot(config, emu.base_url)
    assert bot.wait() == 1
    assert (f"error: The inbox {damaged} is damaged (file is not a database). It was left as it is: move it away "
            "to start with an empty inbox (the updates in it are then lost) or restore it from a backup, then "
            "start again.") in bot.output
    assert damaged.read_bytes() == b"\x00garbage" * 512
    assert emu.calls == []  # refused before polling


def test_the_memory_inbox_keeps_nothing_on_disk(tmp_path, emu, start_bot):
    bot = start_bot(make_project(tmp_path, ["echo"], "inbox: memory\n"), emu.base_url)
    alice = emu.create_user("Alice")
    emu.user_says(alice, emu.private_chat(alice), "hi")
    assert [m["text"] for m in emu.wait_for_bot_messages(alice["id"], 1, timeout=20)] == ["hi"]
    bot.signal(signal.SIGINT)
    assert bot.wait() == 0
    assert not (tmp_path / "state" / "inbox.sqlite3").exists()
