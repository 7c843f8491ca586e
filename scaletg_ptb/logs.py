"""Logging set-up: one readable format, and the bot token redacted from every line."""

from __future__ import annotations

import logging
import os
import sys
import traceback
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, TextIO
from urllib.parse import quote

from .urls import secret_urls, url_credentials

if TYPE_CHECKING:
    from .config import Config

FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
REDACTED = "***"
# httpx logs every request URL, which contains the token; noisy even when redacted.
QUIET_LOGGERS = {"httpx": logging.WARNING, "httpcore": logging.WARNING}


class Redactor:
    """Replace secrets (the token, its secret part, their URL-encoded forms) in text."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._needles: list[tuple[str, str]] = []
        for secret in secrets:
            self.add(secret)

    def add(self, secret: str) -> None:
        """Redact ``secret`` from now on."""
        if not secret:
            return
        bot_id, _, key = secret.partition(":")
        pairs = [(secret, f"{bot_id}:{REDACTED}" if key else REDACTED)]
        if key:
            pairs.append((f"{bot_id}%3A{key}", f"{bot_id}:{REDACTED}"))
            if len(key) >= 8:
                pairs.append((key, REDACTED))
        for pair in pairs:
            if pair not in self._needles:
                self._needles.append(pair)

    def add_url(self, url: str) -> None:
        """Redact the user and password of a service URL (the inbox's Redis) from now on.

        The whole ``user:password@`` goes wherever it appears; the password alone too, once it
        is long enough not to be an everyday word (a 1-letter one would blank every "a").
        """
        user, password = url_credentials(url)
        if not (user or password):
            return
        # Longest first: ":password@" must not go before "user:password@", leaving the user in the text.
        for form in sorted({f"{user}:{password}@", f"{quote(user)}:{quote(password)}@", f":{password}@"}, key=len):
            if form.strip(":@") and (form, f"{REDACTED}@") not in self._needles:
                self._needles.insert(0, (form, f"{REDACTED}@"))
        for secret in {password, quote(password)} if len(password) >= 4 else ():
            if (secret, REDACTED) not in self._needles:
                self._needles.append((secret, REDACTED))

    def add_config(self, config: Config) -> None:
        """Redact the token and the service URLs' secrets (inbox, storage module) of ``config`` from now on."""
        self.add(config.token)
        for url in secret_urls(config.inbox, config.modules):
            self.add_url(url)

    def __call__(self, text: str) -> str:
        for needle, replacement in self._needles:
            if needle in text:
                text = text.replace(needle, replacement)
        return text


_COLOURS = {"DEBUG": "\033[2m", "INFO": "\033[36m", "WARNING": "\033[33m", "ERROR": "\033[31m",
            "CRITICAL": "\033[1;31m"}
_RESET = "\033[0m"


class RedactingFormatter(logging.Formatter):
    """Format a record, then redact secrets from the whole text, traceback included."""

    def __init__(self, redactor: Redactor, fmt: str = FORMAT, colour: bool = False) -> None:
        super().__init__(fmt)
        self.redactor = redactor
        self.colour = colour

    def format(self, record: logging.LogRecord) -> str:
        text = self.redactor(super().format(record))
        if self.colour and record.levelname in _COLOURS:
            # Colour the level name only: the message stays easy to copy and grep.
            level = f"{record.levelname:<7}"
            text = text.replace(level, f"{_COLOURS[record.levelname]}{level}{_RESET}", 1)
        return text


def wants_colour(stream: TextIO) -> bool:
    """Tell whether ``stream`` is a terminal that should get colours (NO_COLOR unset, TERM not dumb)."""
    return (hasattr(stream, "isatty") and stream.isatty() and "NO_COLOR" not in os.environ
            and os.environ.get("TERM") != "dumb")


class _RedactingRecordFactory:
    """Redact every record as it is made, so that any handler, even one added later, gets clean text."""

    def __init__(self, wrapped: Callable[..., logging.LogRecord], redactor: Redactor) -> None:
        self.wrapped = wrapped
        self.redactor = redactor

    def __call__(self, *args: object, **kwargs: object) -> logging.LogRecord:
        record = self.wrapped(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string is logging's to report at emit
            return record
        record.msg, record.args = self.redactor(message), ()
        if record.exc_info and record.exc_info[1] is not None:
            # Formatters reuse exc_text, so the traceback is redacted for every handler.
            record.exc_text = self.redactor("".join(traceback.format_exception(*record.exc_info)).rstrip())
        if record.stack_info:
            record.stack_info = self.redactor(record.stack_info)
        return record


def install_redaction(redactor: Redactor) -> None:
    """Redact every log record made from now on, in this process, with ``redactor``."""
    factory = logging.getLogRecordFactory()
    if isinstance(factory, _RedactingRecordFactory):
        factory.redactor = redactor
    else:
        logging.setLogRecordFactory(_RedactingRecordFactory(factory, redactor))


def configure_logging(level: str, redactor: Redactor, stream: TextIO | None = None) -> logging.Handler:
    """Send all logging to ``stream`` (stderr) through one redacting handler at ``level``."""
    install_redaction(redactor)
    stream = stream or sys.stderr
    handler = logging.StreamHandler(stream)
    handler.setFormatter(RedactingFormatter(redactor, colour=wants_colour(stream)))
    root = logging.getLogger()
    for old in list(root.handlers):
        if getattr(old, "scaletg", False):
            root.removeHandler(old)
    handler.scaletg = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    if level != "DEBUG":
        for name, quiet_level in QUIET_LOGGERS.items():
            logging.getLogger(name).setLevel(quiet_level)
    return handler
