"""Tests of the echo app, written with the ScaleTG testing kit (no token, no network)."""

import pytest


@pytest.fixture
def echo(make_sandbox_bot):
    return make_sandbox_bot(apps=["echo"]).user("Alice")


@pytest.mark.parametrize("text", [
    "hello",
    "<b>not bold</b> & <i>tags</i>",
    "*stars* _underscores_ `code` [link](http://x)",
    "Привет, мир! 你好 👋🏽 e\u0301",
    "  leading and trailing spaces  ",
    "line one\nline two",
])
def test_echo_repeats_text_exactly_without_a_parse_mode(echo, text):
    echoed = echo.says(text).expect(text)
    [call] = echoed.calls_of("sendMessage")
    assert "parse_mode" not in call.params


@pytest.mark.parametrize("command", ["/unknown", "/echo this", "/start@OtherBot"])
def test_echo_leaves_commands_to_other_apps(echo, command):
    echo.says(command).expect_nothing()


def test_edits_and_photos_without_text_get_no_echo(echo):
    first = echo.says("first").expect("first")
    echo.edits(first, "changed").expect_nothing()
    echo.sends_photo(caption="a cat").expect_nothing()


def test_a_long_text_comes_back_in_parts_within_telegrams_limit_split_at_a_space(echo):
    text = "word " * 1000 + "end"  # 5,003 characters; Telegram takes at most 4,096 per message
    echoed = echo.says(text)
    echoed.expect("word " * 819, "word " * 181 + "end")  # cut after the last space that fits
    assert echoed.answered_by == "echo"


def test_a_long_text_is_split_after_a_line_break_when_there_is_one(echo):
    text = "x" * 3000 + "\n" + "y" * 3000
    echo.says(text).expect("x" * 3000 + "\n", "y" * 3000)


def test_a_long_text_without_spaces_is_cut_at_the_limit_counted_as_telegram_does(echo):
    waves = "👋" * 3000  # each takes two UTF-16 units, as Telegram counts: 6,000 in all
    echo.says(waves).expect("👋" * 2048, "👋" * 952)
    plain = "z" * 9000
    echo.says(plain).expect("z" * 4096, "z" * 4096, "z" * 808)
