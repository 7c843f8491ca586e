"""``--sandbox --reload`` and modules.storage: what an app keeps with chat_data outlives a reload."""

from __future__ import annotations

import subprocess

NOTES = '''
from modules.storage import chat_data


async def process(update):
    text = update.message.text if update.type == "message" else ""
    if not text.startswith(("/add ", "/list")):
        return None
    async with chat_data(update) as data:
        items = data.setdefault("items", [])
        if text.startswith("/add "):
            items.append(text.removeprefix("/add "))
            return "Added " + items[-1]
        return "List: " + ", ".join(items)
'''


def test_a_list_kept_with_chat_data_survives_a_reload_of_the_sandbox(project, start_bot):
    notes = project.root / "apps" / "notes" / "app.py"
    notes.parent.mkdir()
    notes.write_text(NOTES)
    project.config.write_text("apps: [notes, echo]\n")
    bot = start_bot("--sandbox", "--reload", "--config", str(project.config), stdin=subprocess.PIPE)
    assert bot.process.stdin is not None

    def say(line: str) -> None:
        bot.process.stdin.write(line + "\n")
        bot.process.stdin.flush()

    say("/add milk")
    bot.wait_for("ScaleTGBot › Added milk")
    project.write_app("v2")  # save an app file: the bot restarts
    bot.wait_for("» Restarted: the bot runs the changed code.")
    say("/list")
    bot.wait_for("ScaleTGBot › List: milk")
    say("hello")
    bot.wait_for("ScaleTGBot › v2: hello")  # the changed code answers
    bot.process.stdin.close()
    assert bot.finish() == 0
    assert "Traceback" not in bot.text()
