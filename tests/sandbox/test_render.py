"""How the sandbox chat looks, exactly: labels, keyboards, answers, notices and colours."""

import io

import pytest

from scaletg_ptb.sandbox.render import (
    Renderer,
    Style,
    buttons,
    chat_tag,
    content,
    use_colour,
)

PLAIN = Renderer("ScaleTGBot", Style(False))
COLOUR = Renderer("ScaleTGBot", Style(True))
KEYBOARD = {"inline_keyboard": [
    [{"text": "Show commands", "callback_data": "help"}, {"text": "Save", "callback_data": "save"}],
    [{"text": "Docs", "url": "https://example.org"}, {"text": "Share", "switch_inline_query": ""}],
]}
PRIVATE = {"id": 1, "type": "private", "first_name": "You"}
GROUP = {"id": -4_000_000_001, "type": "group", "title": "Sandbox group"}


def test_a_user_line_is_labelled_with_the_name():
    assert PLAIN.said("You", "", "/start") == ["You › /start"]
    assert PLAIN.said("Bob", "[Sandbox group]", "hi", edited=True) == ["[Sandbox group] Bob (edited) › hi"]


def test_a_bot_message_with_several_lines_and_buttons_keeps_them_under_its_text():
    message = {"message_id": 3, "text": "Commands:\n/start - Greet\n\n/help - List", "reply_markup": KEYBOARD}
    assert PLAIN.message(message, "") == [
        "ScaleTGBot › Commands:",
        "             /start - Greet",
        "",
        "             /help - List",
        "             [1] Show commands  [2] Save",
        "             [3] Docs (link: https://example.org)  [4] Share (switch_inline_query button)",
    ]


def test_an_edited_message_in_a_group_is_tagged_and_marked():
    assert PLAIN.message({"text": "Saved"}, "[Sandbox group]", edited=True) == [
        "[Sandbox group] ScaleTGBot (edited) › Saved"]


@pytest.mark.parametrize("message, shown", [
    ({"text": ""}, ""),
    ({"photo": [{"file_id": "a"}], "caption": "A cat"}, "[photo] A cat"),
    ({"photo": [{"file_id": "a"}]}, "[photo]"),
    ({"document": {"file_id": "d", "file_name": "report.pdf"}}, "[document: report.pdf]"),
    ({"dice": {"emoji": "🎲", "value": 4}}, "[dice: 🎲 4]"),
    ({"location": {"latitude": 52.37, "longitude": 4.9}}, "[location: 52.37, 4.9]"),
    ({"new_chat_title": "x"}, "[a kind of message the sandbox cannot show]"),
])
def test_content_names_media_in_brackets(message, shown):
    assert content(message) == shown


def test_buttons_are_numbered_row_by_row():
    labels = [b["text"] for b in buttons({"reply_markup": KEYBOARD})]
    assert labels == ["Show commands", "Save", "Docs", "Share"]
    assert buttons({"text": "no keyboard"}) == []


def test_chat_tags_name_groups_and_other_peoples_private_chats():
    assert chat_tag(PRIVATE, current_chat_id=1) == ""
    assert chat_tag(PRIVATE, current_chat_id=2) == "[private: You]"
    assert chat_tag(GROUP, current_chat_id=GROUP["id"]) == "[Sandbox group]"


def test_button_presses_and_answers():
    assert PLAIN.pressed("You", "", {"text": "Show commands"}) == "You pressed [Show commands]"
    assert PLAIN.answered({"text": "Saved!", "show_alert": False, "url": None}) == \
        "(ScaleTGBot answered the button: Saved!)"
    assert PLAIN.answered({"text": "Careful", "show_alert": True, "url": None}) == \
        "(ScaleTGBot answered the button with an alert: Careful)"
    assert PLAIN.answered({"text": None, "show_alert": False, "url": "https://t.me/x"}) == \
        "(ScaleTGBot answered the button with a link: https://t.me/x)"
    assert PLAIN.answered({"text": None, "show_alert": False, "url": None}) is None


def test_deletions_quote_the_message_shortened():
    assert PLAIN.deleted("", "I'm late!\nsecond line") == \
        '(ScaleTGBot deleted a message: "I\'m late! second line")'
    assert PLAIN.deleted("[G]", "x" * 50) == f'([G] ScaleTGBot deleted a message: "{"x" * 39}…")'
    assert PLAIN.deleted("", None) == "(ScaleTGBot deleted a message)"


def test_notices():
    assert PLAIN.notice("Bye.") == "» Bye."
    assert PLAIN.problem("No.") == "» No."
    assert PLAIN.notices(["Title:", "one", "two"]) == ["» Title:", "  one", "  two"]


def test_colours_wrap_labels_and_readline_prompts_mark_them_zero_width():
    assert COLOUR.said("You", "", "hi") == ["\x1b[1;32mYou\x1b[0m › hi"]
    one_button = {"inline_keyboard": [[KEYBOARD["inline_keyboard"][0][0]]]}
    assert COLOUR.message({"text": "hi", "reply_markup": one_button}, "[G]") == [
        "\x1b[35m[G]\x1b[0m \x1b[1;36mScaleTGBot\x1b[0m › hi",
        "                 \x1b[33m[1] Show commands\x1b[0m",
    ]
    assert COLOUR.prompt("You", "") == "\x1b[1;32mYou\x1b[0m › "
    assert COLOUR.prompt("You", "", for_readline=True) == "\001\x1b[1;32m\002You\001\x1b[0m\002 › "
    assert COLOUR.problem("No.") == "\x1b[31m» No.\x1b[0m"
    assert PLAIN.prompt("You", "[G]", for_readline=True) == "[G] You › "


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("stream, environ, expected", [
    (_Terminal(), {}, True),
    (_Terminal(), {"NO_COLOR": "1"}, False),
    (_Terminal(), {"NO_COLOR": ""}, True),
    (_Terminal(), {"TERM": "dumb"}, False),
    (io.StringIO(), {}, False),
])
def test_colour_only_on_a_terminal_without_no_color(stream, environ, expected):
    assert use_colour(stream, environ) is expected
