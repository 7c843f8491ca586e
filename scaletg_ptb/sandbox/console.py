"""The terminal: print chat and log lines from any thread without garbling the line being typed."""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import TextIO, cast

_READLINE_MARKS = re.compile("[\001\002]")


class Console:
    """Write lines to ``out`` (chat) and ``err`` (logs); read lines with a prompt when interactive."""

    def __init__(self, out: TextIO, err: TextIO, source: TextIO, *, interactive: bool) -> None:
        self.out, self.err, self.source = out, err, source
        self.interactive = interactive
        self._lock = threading.RLock()
        self._prompt: str | None = None  # shown while the user types a line
        self.left_prompt = False  # whether Ctrl-C or Ctrl-D just ended a prompt (its line is closed)
        self._readline = _load_readline() if interactive else None
        # Redraw the half-typed line around chat lines only on a terminal: a file gets no control codes.
        self._redraw = interactive and _is_terminal(out)

    @property
    def line_editing(self) -> bool:
        """Tell whether readline edits the input (so prompts need zero-width markers)."""
        return self._readline is not None

    def show(self, *lines: str) -> None:
        """Print chat lines, above the line being typed if there is one."""
        if lines:
            self._write(self.out, "".join(f"{line}\n" for line in lines))

    def show_log(self, text: str) -> None:
        """Print log text to the error stream, above the line being typed if there is one."""
        self._write(self.err, text)

    def log_stream(self) -> TextIO:
        """Return a stream for a logging handler that prints whole lines through the console."""
        return cast(TextIO, _LineStream(self))

    def read_lines(self, prompt: Callable[[], str]) -> Iterator[str]:
        """Yield typed (or piped) lines until end of input, asking ``prompt()`` for each prompt."""
        if not self.interactive:
            for line in self.source:
                yield line.rstrip("\r\n")
            return
        while True:
            try:
                line = self.ask(prompt())
            except EOFError:  # Ctrl-D
                return
            yield line

    def ask(self, prompt: str) -> str:
        """Read a line after ``prompt``; Ctrl-D raises EOFError, Ctrl-C KeyboardInterrupt."""
        with self._lock:
            self._prompt = prompt
            self.left_prompt = False
        try:
            return input(prompt)
        except (EOFError, KeyboardInterrupt):
            with self._lock:
                self._prompt = None
                self.left_prompt = True
            self._write(self.out, "\n")  # leave the prompt's line
            raise
        finally:
            with self._lock:
                self._prompt = None

    def end_interrupted_line(self) -> None:
        """Start a new line after the ``^C`` that a terminal echoes when Ctrl-C lands outside the prompt."""
        if self.interactive and not self.left_prompt:
            self._write(self.out, "\n")
        self.left_prompt = False

    def _write(self, stream: TextIO, text: str) -> None:
        with self._lock:
            prompt = self._prompt if self._redraw else None
            if prompt is not None:
                self.out.write("\r\x1b[K")  # clear the half-typed line; it is drawn again below
                self.out.flush()
            stream.write(text)
            stream.flush()
            if prompt is not None:
                typed = self._readline.get_line_buffer() if self._readline is not None else ""
                self.out.write(_READLINE_MARKS.sub("", prompt) + typed)
                self.out.flush()


class _LineStream(io.TextIOBase):
    """A write-only text stream that hands complete lines to the console's error side."""

    def __init__(self, console: Console) -> None:
        self._console = console
        self._pending = ""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self._pending += text
        if "\n" in self._pending:
            complete, _, self._pending = self._pending.rpartition("\n")
            self._console.show_log(complete + "\n")
        return len(text)

    def flush(self) -> None:
        if self._pending:
            text, self._pending = self._pending, ""
            self._console.show_log(text + "\n")


def _is_terminal(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _load_readline() -> ModuleType | None:
    try:
        import readline  # importing it gives input() line editing and history
    except ImportError:  # e.g. Windows
        return None
    return readline
