"""Tests of the start app, written with the ScaleTG testing kit (no token, no network)."""

GREETING = "Hello, {}! I'm a ScaleTG bot: send me any text and I'll echo it. /help lists my commands."


def test_start_greets_by_first_name_with_a_help_button(make_sandbox_bot):
    greeting = make_sandbox_bot(apps=["start"]).user("Alice").says("/start")
    greeting.expect(GREETING.format("Alice"))
    assert greeting.answered_by == "start"
    assert greeting.reply.reply_markup.inline_keyboard[0][0].text == "Show commands"


def test_in_groups_start_answers_only_commands_addressed_to_this_bot(make_sandbox_bot):
    bot = make_sandbox_bot(apps=["start"])
    bob = bot.user("Bob").in_group(bot.group("Friends"))
    bob.says("/start@OtherBot").expect_nothing()
    bob.says("/start@ScaleTGBot").expect(GREETING.format("Bob"))


def test_start_leaves_other_messages_alone(make_sandbox_bot):
    make_sandbox_bot(apps=["start"]).user("Alice").says("hello").expect_nothing()
