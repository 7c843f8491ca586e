"""Tests of the help app, written with the ScaleTG testing kit (no token, no network)."""


def test_help_lists_the_commands_of_the_enabled_apps(make_sandbox_bot):
    bot = make_sandbox_bot(apps=["start", "help"])
    bot.user("Alice").says("/help").expect("Commands:\n/start - Greet the user\n/help - List the commands")


def test_help_is_generated_from_the_enabled_apps_only(make_sandbox_bot):
    make_sandbox_bot(apps=["help"]).user().says("/help").expect("Commands:\n/help - List the commands")


def test_the_help_button_answers_the_press_then_lists_the_commands(make_sandbox_bot):
    alice = make_sandbox_bot(apps=["start", "help"]).user("Alice")
    alice.says("/start")
    pressed = alice.presses("Show commands")
    pressed.expect("Commands:\n/start - Greet the user\n/help - List the commands").expect_answer()
    assert pressed.callback_answer.text is None  # a silent answer: it only stops the spinner


def test_in_groups_help_answers_its_command_addressed_to_this_bot(make_sandbox_bot):
    bot = make_sandbox_bot(apps=["help"])
    bob = bot.user("Bob").in_group(bot.group("Friends"))
    bob.says("/help@OtherBot").expect_nothing()
    bob.says("/help@scaletgbot").expect("Commands:\n/help - List the commands")
