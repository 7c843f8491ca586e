"""The sample apps, end to end, written with the project's own testing kit."""

import pytest


def test_start_greets_by_first_name_with_a_help_button(sandbox_bot):
    alice = sandbox_bot.user("Alice")
    greeting = alice.says("/start")
    greeting.expect("Hello, Alice! I'm a ScaleTG bot: send me any text and I'll echo it. /help lists my commands.")
    assert greeting.answered_by == "start"
    assert greeting.reply.reply_markup.inline_keyboard[0][0].text == "Show commands"


def test_help_lists_the_commands_of_the_enabled_apps(sandbox_bot):
    sandbox_bot.user("Alice").says("/help").expect("Commands:\n/start - Greet the user\n/help - List the commands")


def test_help_is_generated_from_the_enabled_apps_only(make_sandbox_bot):
    bot = make_sandbox_bot(apps=["help", "echo"])
    bot.user().says("/help").expect("Commands:\n/help - List the commands")


def test_the_help_button_answers_the_callback_then_lists_commands(sandbox_bot):
    alice = sandbox_bot.user("Alice")
    alice.says("/start")
    pressed = alice.presses("Show commands")
    pressed.expect("Commands:\n/start - Greet the user\n/help - List the commands")
    [answer] = pressed.calls_of("answerCallbackQuery")
    assert answer.params["callback_query_id"] == pressed.sent["id"]


@pytest.mark.parametrize("text", [
    "hello",
    "<b>not bold</b> & <i>tags</i>",
    "*stars* _underscores_ `code` [link](http://x)",
    "Привет, мир! 你好 👋🏽 e\u0301",
    "  leading and trailing spaces  ",
    "line one\nline two",
])
def test_echo_repeats_text_exactly_without_a_parse_mode(sandbox_bot, text):
    echoed = sandbox_bot.user().says(text).expect(text)
    [call] = echoed.calls_of("sendMessage")
    assert "parse_mode" not in call.params


@pytest.mark.parametrize("command", ["/unknown", "/echo this", "/start@OtherBot"])
def test_echo_ignores_commands(make_sandbox_bot, command):
    make_sandbox_bot(apps=["echo"]).user().says(command).expect_nothing()


def test_group_commands_must_be_addressed_to_this_bot(sandbox_bot):
    group = sandbox_bot.group("Friends")
    bob = sandbox_bot.user("Bob").in_group(group)
    bob.says("/start@OtherBot").expect_nothing()
    bob.says("/start@ScaleTGBot").expect(
        "Hello, Bob! I'm a ScaleTG bot: send me any text and I'll echo it. /help lists my commands.")
    bob.says("/help@scaletgbot").expect("Commands:\n/start - Greet the user\n/help - List the commands")


def test_edits_and_photos_without_text_get_no_echo(sandbox_bot):
    alice = sandbox_bot.user()
    first = alice.says("first").expect("first")
    alice.edits(first, "changed").expect_nothing()
    alice.sends_photo(caption="a cat").expect_nothing()


def test_a_failed_expectation_shows_what_the_bot_sent(sandbox_bot):
    with pytest.raises(AssertionError) as caught:
        sandbox_bot.user("Alice").says("hi").expect("bye")
    assert str(caught.value) == (
        "Alice said 'hi'; expected the bot to reply:\n  'bye'\n"
        "but it sent (answered by 'echo' (sendMessage)):\n  'hi'"
    )
