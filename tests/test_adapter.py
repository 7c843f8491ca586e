"""The real python-telegram-bot Application, long-polling the emulator over HTTP on 127.0.0.1."""

import asyncio
import dataclasses
import tempfile

import pytest

from scaletg_ptb import Registry, build_application, load_config
from scaletg_ptb.emulator import Emulator
from scaletg_ptb.testing import forget_imports

from .project import FIXTURE_CONFIG, ROOT


@pytest.fixture
def emu():
    with Emulator() as emulator:
        yield emulator


def run_bot(emu: Emulator, conversation, apps=("start", "help", "echo"), modules=None):
    """Run the fixture project's apps on a real Application while ``conversation(emu)`` runs in a thread."""
    config = load_config(FIXTURE_CONFIG, {"TELEGRAM_BOT_TOKEN": emu.token,
                                                 "TELEGRAM_BASE_URL": emu.base_url})
    # An inbox of its own: a shared state/ would outlive each emulator, whose update ids start at 1 again.
    state = tempfile.TemporaryDirectory(prefix="scaletg-state-")
    config = dataclasses.replace(config, apps=tuple(apps), modules=modules or config.modules, state=state.name)
    registry = Registry(config.root, modules_dir=ROOT / "modules")  # the shipped modules
    forget_imports("apps", "modules")  # another project's apps may be imported already
    registry.populate(config.apps, config.modules)
    application = build_application(config, registry)

    async def main():
        async with application:
            await application.start()
            await application.updater.start_polling(poll_interval=0, timeout=1)
            try:
                return await asyncio.to_thread(conversation, emu)
            finally:
                await application.updater.stop()
                await application.stop()

    with state:
        return asyncio.run(main())


def texts(messages):
    return [m.get("text") for m in messages]


def test_start_help_and_echo_over_real_http(emu):
    def conversation(emu):
        alice = emu.create_user("Alice", username="alice")
        chat = emu.private_chat(alice)
        emu.user_says(alice, chat, "/start")
        emu.user_says(alice, chat, "/help")
        emu.user_says(alice, chat, "<b>not bold</b> & *plain* _text_ — привет 👋")
        return emu.wait_for_bot_messages(chat["id"], 3)

    start, help_, echo = run_bot(emu, conversation)
    assert start["text"] == ("Hello, Alice! I'm a ScaleTG bot: send me any text and I'll echo it. "
                             "/help lists my commands.")
    assert start["reply_markup"] == {"inline_keyboard": [[{"text": "Show commands", "callback_data": "help"}]]}
    assert help_["text"] == "Commands:\n/start - Greet the user\n/help - List the commands"
    assert echo["text"] == "<b>not bold</b> & *plain* _text_ — привет 👋"
    echoed = emu.wait_for_call("sendMessage", predicate=lambda call: "привет" in call.params.get("text", ""))
    assert "parse_mode" not in echoed.params


def test_group_commands_addressed_to_other_bots_are_ignored(emu):
    def conversation(emu):
        bob = emu.create_user("Bob")
        group = emu.create_group("Friends")
        emu.user_says(bob, group, "/start@OtherBot")
        emu.user_says(bob, group, "/start@ScaleTGBot")
        emu.wait_until_confirmed()
        return emu.wait_for_bot_messages(group["id"], 1)

    [greeting] = run_bot(emu, conversation)
    assert greeting["text"].startswith("Hello, Bob!")
    assert len(emu.bot_messages(emu.history(greeting["chat"]["id"])[0]["chat"]["id"])) == 1


def test_pressing_the_help_button_answers_the_callback_and_lists_commands(emu):
    def conversation(emu):
        alice = emu.create_user("Alice")
        chat = emu.private_chat(alice)
        emu.user_says(alice, chat, "/start")
        [greeting] = emu.wait_for_bot_messages(chat["id"], 1)
        query = emu.press_button(alice, greeting, text="Show commands")
        answer = emu.wait_for_call("answerCallbackQuery")
        return query, answer, emu.wait_for_bot_messages(chat["id"], 2)

    query, answer, messages = run_bot(emu, conversation)
    assert answer.params["callback_query_id"] == query["id"]
    assert messages[1]["text"].startswith("Commands:\n/start")


def test_a_burst_of_twenty_messages_is_answered_in_order(emu):
    def conversation(emu):
        alice = emu.create_user("Alice")
        chat = emu.private_chat(alice)
        for n in range(20):
            emu.user_says(alice, chat, f"message {n}")
        return emu.wait_for_bot_messages(chat["id"], 20)

    assert texts(run_bot(emu, conversation)) == [f"message {n}" for n in range(20)]


def test_edits_photos_and_unknown_update_kinds_do_not_break_the_bot(emu):
    def conversation(emu):
        alice = emu.create_user("Alice")
        chat = emu.private_chat(alice)
        first = emu.user_says(alice, chat, "first")
        emu.user_edits(alice, first, "edited")
        emu.user_sends_photo(alice, chat, caption="a photo")
        emu.inject_update({"id": 5, "brand_new_field": {"x": [1, 2]}}, kind="future_update_kind")
        emu.user_says(alice, chat, "last")
        emu.wait_until_confirmed()
        return emu.wait_for_bot_messages(chat["id"], 2)

    assert texts(run_bot(emu, conversation)) == ["first", "last"]


def test_access_control_stops_unlisted_users_before_any_app(emu):
    import modules.access_control as access_control

    allowed = emu.create_user("Allowed")
    stranger = emu.create_user("Stranger")

    def conversation(emu):
        emu.user_says(stranger, emu.private_chat(stranger), "hi from a stranger")
        emu.user_says(allowed, emu.private_chat(allowed), "hi")
        emu.wait_until_confirmed()
        return emu.wait_for_bot_messages(allowed["id"], 1)

    try:
        replies = run_bot(emu, conversation, modules={
            "access_control": {"enabled": True, "allowed_user_ids": [allowed["id"]]}})
    finally:
        access_control.setup({})
    assert texts(replies) == ["hi"]
    assert emu.bot_messages(stranger["id"]) == []
