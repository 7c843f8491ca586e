"""Tests of the unknown_command app, written with the ScaleTG testing kit (no token, no network)."""

import pytest

HINT = "I don't know /{}. /help lists my commands."


@pytest.fixture
def bot(make_sandbox_bot):
    return make_sandbox_bot(apps=["help", "unknown_command"])


def test_an_unknown_command_gets_a_short_hint(bot):
    answer = bot.user("Alice").says("/foo bar")
    answer.expect(HINT.format("foo"))
    assert answer.answered_by == "unknown_command"


def test_the_commands_of_enabled_apps_are_left_to_them_wherever_they_are_listed(make_sandbox_bot):
    for apps in (["help", "unknown_command"], ["unknown_command", "help"]):
        answer = make_sandbox_bot(apps=apps).user("Alice").says("/help")
        answer.expect("Commands:\n/help - List the commands")
        assert answer.answered_by == "help"


def test_plain_text_and_edits_get_no_hint(bot):
    alice = bot.user("Alice")
    said = alice.says("hello").expect_nothing()
    alice.edits(said, "/foo").expect_nothing()


def test_in_groups_only_commands_addressed_to_this_bot_get_the_hint(bot):
    bob = bot.user("Bob").in_group(bot.group("Friends"))
    bob.says("/foo@OtherBot").expect_nothing()
    bob.says("/foo").expect_nothing()  # perhaps another bot's command
    bob.says("/foo@ScaleTGBot").expect(HINT.format("foo"))
