"""``python bot.py inbox``: status, retry and drop, against a bot that is running."""

import re
import signal
import subprocess
import sys
import time

from scaletg_ptb.inbox import sqlite_file

from .conftest import ROOT, make_project


def inbox(config, *words):
    result = subprocess.run([sys.executable, str(ROOT / "bot.py"), "--config", str(config), "inbox", *words],
                            capture_output=True, text=True, timeout=30)
    return result.returncode, result.stdout + result.stderr


def set_aside(config, raw, reason, chat=None):
    """Put ``raw`` among the set-aside updates, as a crash loop would have."""
    db = sqlite_file.connect(config.parent / "state" / sqlite_file.FILENAME)
    with sqlite_file.transaction(db):
        db.execute("INSERT INTO dead (update_id, chat, reason, at, raw) VALUES (?, ?, ?, ?, ?)",
                   (raw["update_id"], chat or f"chat:{raw['message']['chat']['id']}", reason, time.time(),
                    sqlite_file.dumps(raw)))
    db.close()


def test_status_retry_and_drop_work_while_the_bot_runs(tmp_path, emu, start_bot):
    config = make_project(tmp_path, ["echo"])
    bot = start_bot(config, emu.base_url)
    alice = emu.create_user("Alice")
    chat = emu.private_chat(alice)
    emu.user_says(alice, chat, "first")
    emu.wait_for_bot_messages(chat["id"], 1, timeout=20)
    message = {"message_id": 99, "date": 0, "chat": chat, "from": alice, "text": "back from the dead"}
    set_aside(config, {"update_id": 500, "message": message}, "its processing was cut short 3 times")
    set_aside(config, {"update_id": 501, "message": {**message, "text": "never"}}, "a bad one")

    status, output = inbox(config)
    assert status == 0
    assert "  stored (waiting)  0\n  in progress       0\n  set aside         2\n" in output
    assert f"  id=500  chat:{chat['id']}  " in output and output.rstrip().endswith("a bad one")

    assert inbox(config, "retry", "500") == (0, "Put 1 set-aside update(s) back; the bot processes them next "
                                                "(within a second if it runs).\n")
    assert [m["text"] for m in emu.wait_for_bot_messages(chat["id"], 2, timeout=20)] == \
        ["first", "back from the dead"]
    assert inbox(config, "drop", "all") == (0, "Deleted 1 set-aside update(s).\n")
    assert "  set aside         0\n" in inbox(config)[1]
    bot.signal(signal.SIGINT)
    assert bot.wait() == 0


def test_a_bad_inbox_command_says_how_to_use_it(tmp_path):
    config = make_project(tmp_path, ["echo"])
    assert inbox(config, "retry", "x") == (
        1, "error: 'x' is not a list of update ids; use: python bot.py inbox [--show-content] [retry ID|all] "
           "[drop ID|all]\n")
    assert inbox(config) == (0, f"The inbox {tmp_path / 'state' / 'inbox.sqlite3'} does not exist yet: "
                                "the bot has not run with this config.\n")


def test_a_memory_inbox_has_nothing_to_show(tmp_path):
    config = make_project(tmp_path, ["echo"], "inbox: memory\n")
    status, output = inbox(config)
    assert status == 0 and output.startswith("The inbox is 'memory': updates wait inside the bot process only")


def test_set_aside_updates_are_listed_by_id_chat_kind_time_and_reason_and_their_text_only_on_request(tmp_path):
    config = make_project(tmp_path, ["echo"])
    (tmp_path / "state").mkdir()
    person = {"id": 42, "is_bot": False, "first_name": "Ann"}
    chat = {"id": 42, "type": "private", "first_name": "Ann"}
    said = {"message_id": 5, "date": 0, "chat": chat, "from": person, "text": "my address is 1 Long Road"}
    set_aside(config, {"update_id": 700, "message": said}, "a bad one")
    pressed = {"id": "7", "from": person, "chat_instance": "1", "data": "pay:card-4242", "message": said}
    set_aside(config, {"update_id": 701, "callback_query": pressed}, "another bad one", chat="chat:42")
    status, listing = inbox(config)
    assert status == 0
    lines = listing.splitlines()
    assert re.fullmatch(r"  id=700  chat:42  message  \d{4}-\d\d-\d\d \d\d:\d\d:\d\d  a bad one", lines[-2])
    assert re.fullmatch(r"  id=701  chat:42  callback_query  \S+ \S+  another bad one", lines[-1])
    assert "Long Road" not in listing and "card-4242" not in listing
    status, full = inbox(config, "--show-content")
    assert status == 0
    assert full.splitlines()[-4:] == [lines[-2], '      content: "my address is 1 Long Road"',
                                      lines[-1], '      content: "pay:card-4242"']


def test_show_content_goes_with_inbox_only(tmp_path):
    config = make_project(tmp_path, ["echo"])
    result = subprocess.run([sys.executable, str(ROOT / "bot.py"), "--config", str(config), "--show-content"],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == ("python bot.py: error: --show-content shows the text of set-aside "
                                              "updates: python bot.py inbox --show-content")
