"""``python bot.py --reload`` as a real process against an emulator: edits, errors and stops."""

from __future__ import annotations

import os
import signal

from scaletg_ptb.emulator import Emulator

from .conftest import RUNNING_LINE as RUNNING
from .conftest import TOKEN


def test_an_edit_restarts_the_bot_after_the_update_in_hand_and_a_syntax_error_waits_for_a_fix(
        project, start_bot, tmp_path):
    with Emulator(token=TOKEN) as emu:
        bot = start_bot("--reload", "--config", str(project.config),
                        TELEGRAM_BASE_URL=emu.base_url, TELEGRAM_BOT_TOKEN=TOKEN)
        alice = emu.create_user("Alice")
        chat = emu.private_chat(alice)

        def answers() -> list[str]:
            return [message["text"] for message in emu.bot_messages(chat["id"])]

        bot.wait_for(RUNNING)
        emu.user_says(alice, chat, "hello")
        emu.wait_for_bot_messages(chat["id"], 1, timeout=20)

        # An update is in hand when the file changes: the reload lets it finish first.
        go = tmp_path / "go"
        emu.user_says(alice, chat, f"wait {go}")
        emu.wait_until_confirmed(timeout=20)
        project.write_app("v2", 'f"{version} says: {text}"')
        bot.wait_for("SIGTERM: stopping; finishing 1 update(s) in hand")
        go.touch()
        emu.wait_for_bot_messages(chat["id"], 2, timeout=20)
        bot.wait_for(RUNNING, count=2)
        emu.user_says(alice, chat, "again")
        emu.wait_for_bot_messages(chat["id"], 3, timeout=20)
        assert answers() == ["v1: hello", "v1 finished: wait", "v2 says: again"]
        assert bot.count("Reloading: ") == 1
        assert "Reloading: apps/echo/app.py changed" in bot.lines

        # A syntax error: shown in one line, and the reloader waits for the next save.
        project.app.write_text("def process(update)\n    return None\n")
        bot.wait_for("The bot stopped (exit status 2); it starts again when a watched file changes.")
        assert bot.count("error: App 'echo' failed to import: SyntaxError: expected ':'") == 1
        assert bot.process.poll() is None
        emu.user_says(alice, chat, "while down")  # kept by "Telegram" until the bot is back
        project.write_app("v3")
        emu.wait_for_bot_messages(chat["id"], 4, timeout=20)
        assert answers()[-1] == "v3: while down"

        bot.process.send_signal(signal.SIGINT)
        assert bot.finish() == 0, bot.text()
    assert bot.count("Application.stop() complete") == 3  # every stop was the graceful one
    assert "Traceback" not in bot.text()


def test_config_saved_by_rename_restarts_ignored_files_do_not_and_sigterm_exits_0(project, start_bot):
    with Emulator(token=TOKEN) as emu:
        bot = start_bot("--reload", "--config", str(project.config),
                        TELEGRAM_BASE_URL=emu.base_url, TELEGRAM_BOT_TOKEN=TOKEN)
        bot.wait_for(RUNNING)
        echo = project.app.parent
        (echo / "notes.txt").write_text("not code")
        (echo / ".#app.py").write_text("an editor's lock file")
        (echo / "app.py~").write_text("an editor's backup")
        (echo / "__pycache__").mkdir()
        (echo / "__pycache__" / "app.cpython-311.pyc").write_bytes(b"")
        (project.root / "state").mkdir(exist_ok=True)
        (project.root / "state" / "unfinished.yaml").write_text("")
        # Saved as many editors do: a new file renamed over the old one, twice.
        for apps in ("[echo]  # once", "[echo]  # twice"):
            temporary = project.root / "config.yaml.tmp"
            temporary.write_text(f"apps: {apps}\n")
            os.replace(temporary, project.config)
            bot.wait_for(RUNNING, count=2 if "once" in apps else 3)
        reloads = [line for line in bot.lines if line.startswith("Reloading: ")]
        assert reloads == ["Reloading: config.yaml changed"] * 2
        bot.process.send_signal(signal.SIGTERM)
        assert bot.finish() == 0, bot.text()
    assert "Traceback" not in bot.text()
