"""Faults that need a real process: token revoked, API unreachable, stop signals, restarts."""

import signal

from scaletg_ptb.emulator import Emulator
from scaletg_ptb.inbox import sqlite_file
from scaletg_ptb.testing.redis_server import free_port

from .conftest import TOKEN, make_project


def inbox_rows(project):
    """Return how many updates the project's inbox file still holds (done ones included)."""
    db = sqlite_file.connect(project / "state" / sqlite_file.FILENAME)
    try:
        return db.execute("SELECT count(*) FROM updates").fetchone()[0]
    finally:
        db.close()


def texts(messages):
    return [m["text"] for m in messages]


def test_a_token_revoked_while_running_stops_the_bot_with_a_clear_error(tmp_path, emu, start_bot):
    bot = start_bot(make_project(tmp_path, ["echo"]), emu.base_url)
    alice = emu.create_user("Alice")
    emu.user_says(alice, emu.private_chat(alice), "hi")
    emu.wait_for_bot_messages(alice["id"], 1, timeout=20)
    emu.revoke_token()
    assert bot.wait() == 1
    assert ("error: Telegram rejected the bot token while the bot was running (401 Unauthorized): "
            "it was revoked or changed.") in bot.output
    assert "Traceback" not in bot.output.split("error:")[-1]


def test_an_unreachable_api_at_start_is_retried_until_it_answers(tmp_path, start_bot):
    port = free_port()
    bot = start_bot(make_project(tmp_path, ["echo"]), f"http://127.0.0.1:{port}/bot")
    bot.wait_for_output("Cannot reach the Bot API at http://127.0.0.1")
    with Emulator(token=TOKEN, port=port) as emu:
        alice = emu.create_user("Alice")
        emu.user_says(alice, emu.private_chat(alice), "finally")
        assert texts(emu.wait_for_bot_messages(alice["id"], 1, timeout=60)) == ["finally"]
        bot.signal(signal.SIGINT)
        assert bot.wait() == 0


def test_an_unreachable_api_names_the_url_the_delay_and_what_to_check_once_per_streak(tmp_path, start_bot):
    port = free_port()
    url = f"http://127.0.0.1:{port}/bot"
    refused = f"aiohttp.ClientConnectorError: Cannot connect to host 127.0.0.1:{port} ssl:default " \
              f"[Connect call failed ('127.0.0.1', {port})]"
    bot = start_bot(make_project(tmp_path, ["greeter"]), url)
    bot.wait_for_output("2 failures in a row")  # the second try is logged at DEBUG only
    hint = ("Check the network connection, the proxy settings (HTTPS_PROXY) and the Bot API URL "
            "(TELEGRAM_BASE_URL or 'base_url' in the config).")
    reported = [line.split(" scaletg_ptb: ")[1] for line in bot.output.splitlines() if "Cannot reach" in line]
    assert reported[:2] == [
        f"Cannot reach the Bot API at {url}424242:*** ({refused}); "
        f"retrying in 1 s. {hint}",
        f"Cannot reach the Bot API at {url}424242:*** ({refused}; "
        f"2 failures in a row); retrying in 2 s. {hint}",
    ]
    warnings = [line for line in bot.output.splitlines() if "WARNING" in line and "Cannot reach" in line]
    assert len(warnings) == 1
    bot.signal(signal.SIGINT)
    assert bot.wait(timeout=5) == 0


def test_ctrl_c_while_the_api_is_unreachable_stops_at_once(tmp_path, start_bot):
    bot = start_bot(make_project(tmp_path, ["echo"]), f"http://127.0.0.1:{free_port()}/bot")
    bot.wait_for_output("Cannot reach the Bot API")
    bot.signal(signal.SIGINT)
    assert bot.wait(timeout=5) == 0


def test_sigterm_finishes_the_update_in_hand_and_nothing_repeats_after_a_restart(tmp_path, emu, start_bot):
    config = make_project(tmp_path, ["sleepy", "echo"])
    bot = start_bot(config, emu.base_url)
    alice = emu.create_user("Alice")
    chat = emu.private_chat(alice)
    emu.user_says(alice, chat, "sleep 1")
    emu.wait_for_call("getUpdates", predicate=lambda c: c.params.get("offset") == 2, timeout=20)
    bot.signal(signal.SIGTERM)
    assert bot.wait() == 0
    assert texts(emu.bot_messages(chat["id"])) == ["slept 1"]
    assert emu.pending_update_count() == 0
    assert inbox_rows(tmp_path) == 0  # done and confirmed: nothing of it is kept

    again = start_bot(config, emu.base_url)
    emu.user_says(alice, chat, "after restart")
    assert texts(emu.wait_for_bot_messages(chat["id"], 2, timeout=20)) == ["slept 1", "after restart"]
    again.signal(signal.SIGTERM)
    assert again.wait() == 0


def test_a_second_signal_leaves_unfinished_updates_in_the_inbox_for_the_restart(tmp_path, emu, start_bot):
    config = make_project(tmp_path, ["sleepy", "echo"])
    bot = start_bot(config, emu.base_url)
    alice = emu.create_user("Alice")
    chat = emu.private_chat(alice)
    emu.user_says(alice, chat, "sleep 600")
    emu.user_says(alice, chat, "queued behind it")
    emu.wait_for_call("getUpdates", predicate=lambda c: c.params.get("offset") == 3, timeout=20)
    bot.signal(signal.SIGTERM)
    bot.wait_for_output("SIGTERM: stopping; finishing 2 update(s) in hand")
    bot.signal(signal.SIGTERM)
    assert bot.wait() == 1
    assert ("Forced stop (second SIGTERM): 2 update(s) were not finished; they stay in the inbox and are "
            "processed first at the next start.") in bot.output
    assert emu.bot_messages(chat["id"]) == [] and emu.pending_update_count() == 0

    # Restart without the sleepy app: both confirmed updates are processed, once.
    config.write_text("apps: [echo]\npolling: {timeout: 1}\n")
    again = start_bot(config, emu.base_url)
    emu.user_says(alice, chat, "new one")
    assert texts(emu.wait_for_bot_messages(chat["id"], 3, timeout=20)) == ["sleep 600", "queued behind it", "new one"]
    assert "Resuming 2 update(s) stored before the last stop, in order (1 were in progress and run again)." \
        in again.output
    again.signal(signal.SIGINT)
    assert again.wait() == 0


def test_the_stop_deadline_forces_the_stop(tmp_path, emu, start_bot):
    config = make_project(tmp_path, ["sleepy"], "processing: {stop_timeout: 0.5}\n")
    bot = start_bot(config, emu.base_url)
    alice = emu.create_user("Alice")
    emu.user_says(alice, emu.private_chat(alice), "sleep 600")
    emu.wait_for_call("getUpdates", predicate=lambda c: c.params.get("offset") == 2, timeout=20)
    bot.signal(signal.SIGINT)
    assert bot.wait() == 1
    assert "Forced stop (stop timeout): 1 update(s)" in bot.output


def test_a_second_instance_on_the_same_token_is_reported(tmp_path, emu, start_bot):
    # Two machines, say: each has its own state folder.
    first = start_bot(make_project(tmp_path / "one", ["echo"]), emu.base_url)
    emu.wait_for_long_poll(timeout=20)
    second = start_bot(make_project(tmp_path / "two", ["echo"]), emu.base_url)
    first_or_second = "Another process is polling Telegram with this bot's token (409 Conflict)"
    for bot in (first, second):
        try:
            bot.wait_for_output(first_or_second, timeout=10)
            break
        except AssertionError:
            continue
    else:
        raise AssertionError("no instance reported the conflict")
    for bot in (first, second):
        bot.signal(signal.SIGINT)
        assert bot.wait() == 0


def test_a_second_process_on_the_same_state_folder_is_refused(tmp_path, emu, start_bot):
    config = make_project(tmp_path, ["echo"])
    first = start_bot(config, emu.base_url)
    emu.wait_for_long_poll(timeout=20)
    second = start_bot(config, emu.base_url)
    assert second.wait() == 1
    assert (f"error: Another bot process (pid {first.process.pid}) is using the state folder "
            f"{tmp_path / 'state'}. Stop it first, or give this bot its own 'state_dir' in the config."
            ) in second.output
    first.signal(signal.SIGINT)
    assert first.wait() == 0


def test_unconfirmed_updates_left_at_a_forced_stop_are_not_processed_twice(tmp_path, emu, start_bot):
    # max_pending 1: after the first batch the bot stops fetching, and the confirming call at
    # stop fails, so Telegram never hears that the batch arrived and delivers it again.
    config = make_project(tmp_path, ["sleepy", "echo"], "processing: {max_pending: 1}\n")
    bot = start_bot(config, emu.base_url)
    alice = emu.create_user("Alice")
    chat = emu.private_chat(alice)
    emu.user_says(alice, chat, "sleep 600")
    emu.user_says(alice, chat, "second")
    bot.wait_for_output("Fetched updates [1, 2]")
    emu.inject_fault("getUpdates", status=500, times=None)  # the confirming call at stop fails too
    bot.signal(signal.SIGTERM)
    bot.wait_for_output("Could not confirm the last fetched updates to Telegram")
    bot.signal(signal.SIGTERM)
    assert bot.wait() == 1
    assert emu.pending_update_count() == 2  # never confirmed
    emu.clear_faults()

    config.write_text("apps: [echo]\npolling: {timeout: 1}\n")
    again = start_bot(config, emu.base_url)
    emu.user_says(alice, chat, "third")
    assert texts(emu.wait_for_bot_messages(chat["id"], 3, timeout=20)) == ["sleep 600", "second", "third"]
    emu.wait_until_confirmed(timeout=20)
    again.signal(signal.SIGINT)
    assert again.wait() == 0
    assert texts(emu.bot_messages(chat["id"])) == ["sleep 600", "second", "third"]
