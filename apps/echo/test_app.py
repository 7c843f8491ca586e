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
