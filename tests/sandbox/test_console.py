"""The console: chat lines and log lines from other threads, drawn around the line being typed."""

import builtins
import io
import logging

import pytest

from scaletg_ptb.sandbox.console import Console


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def make(stdin: str = "", interactive: bool = False) -> tuple[Console, io.StringIO, io.StringIO]:
    out, err = (Terminal() if interactive else io.StringIO()), io.StringIO()
    return Console(out, err, io.StringIO(stdin), interactive=interactive), out, err


def test_piped_lines_are_read_in_order_without_prompts():
    console, out, _ = make("one\r\n\ntwo")
    assert list(console.read_lines(lambda: "You › ")) == ["one", "", "two"]
    assert out.getvalue() == ""


def test_log_records_reach_stderr_as_whole_lines():
    console, out, err = make()
    handler = logging.StreamHandler(console.log_stream())
    logger = logging.getLogger("scaletg_ptb.tests.sandbox.console")
    logger.addHandler(handler)
    try:
        logger.warning("first\nsecond")
    finally:
        logger.removeHandler(handler)
    stream = console.log_stream()
    stream.write("partial")
    assert err.getvalue() == "first\nsecond\n"
    stream.flush()
    assert (err.getvalue(), out.getvalue()) == ("first\nsecond\npartial\n", "")


def test_lines_printed_while_typing_go_above_the_prompt_which_is_drawn_again(monkeypatch):
    console, out, err = make(interactive=True)

    def typing(prompt: str) -> str:
        console.show("ScaleTGBot › late")
        console.show_log("WARNING something\n")
        return "typed"

    monkeypatch.setattr(builtins, "input", typing)
    assert console.ask("\001\x1b[32m\002You\001\x1b[0m\002 › ") == "typed"
    assert out.getvalue() == ("\r\x1b[KScaleTGBot › late\n\x1b[32mYou\x1b[0m › "
                              "\r\x1b[K\x1b[32mYou\x1b[0m › ")
    assert err.getvalue() == "WARNING something\n"
    console.show("after")
    assert out.getvalue().endswith("› after\n")


@pytest.mark.parametrize("key", [EOFError, KeyboardInterrupt])
def test_ctrl_d_and_ctrl_c_leave_the_prompt_line(monkeypatch, key):
    console, out, _ = make(interactive=True)

    def pressed(prompt: str) -> str:
        raise key

    monkeypatch.setattr(builtins, "input", pressed)
    with pytest.raises(key):
        console.ask("You › ")
    assert out.getvalue() == "\n"
    if key is EOFError:
        assert list(console.read_lines(lambda: "You › ")) == []
