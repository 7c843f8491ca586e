import pytest

from modules.commands import Command, is_command, match, parse
from scaletg_ptb import Update


def update(text: str | None, kind: str = "message") -> Update:
    message = {"message_id": 1, "date": 0, "chat": {"id": -5, "type": "group", "title": "G"}}
    if text is not None:
        message["text"] = text
    return Update({"update_id": 1, kind: message})


@pytest.mark.parametrize("text, expected", [
    ("/start", Command("start", "", None)),
    ("/START now", Command("start", "now", None)),
    ("/start@ScaleTGBot", Command("start", "", "ScaleTGBot")),
    ("/start@scaletgbot  a  b ", Command("start", "a  b", "scaletgbot")),
    ("/help\nsecond line", Command("help", "second line", None)),
])
def test_commands_for_this_bot(text, expected):
    assert parse(update(text), bot_username="ScaleTGBot") == expected


@pytest.mark.parametrize("text", ["/start@OtherBot", "hello /start", "start", "/", "", None, "/ start"])
def test_not_ours_or_not_a_command(text):
    assert parse(update(text), bot_username="ScaleTGBot") is None


def test_edits_and_channel_posts_do_not_trigger_commands():
    assert parse(update("/start", "edited_message"), bot_username="B") is None
    assert parse(update("/start", "channel_post"), bot_username="B") is None


def test_match_filters_by_name_and_splits_arguments():
    assert match(update("/start x y"), "help", bot_username="B") is None
    assert match(update("/start x y"), "help", "start", bot_username="B").arguments == ["x", "y"]


def test_without_a_known_bot_name_addressed_commands_are_not_taken():
    assert parse(update("/start@SomeBot")) is None
    assert parse(update("/start")) == Command("start", "", None)


@pytest.mark.parametrize("text, expected", [("/x", True), ("/x@y z", True), ("x", False), (None, False)])
def test_is_command(text, expected):
    assert is_command(text) is expected
