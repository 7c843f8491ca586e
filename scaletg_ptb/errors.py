"""The one exception type for misconfiguration."""

from __future__ import annotations

from collections.abc import Iterable


class ConfigError(Exception):
    """Raise when the config, an app or a module is set up wrong.

    Each message is one line that quotes the bad value and says how to fix it; a check that
    finds several mistakes raises one ConfigError carrying them all (``messages``). The CLI
    prints each on its own ``error:`` line and exits with status 2.
    """

    def __init__(self, message: str, *more: str) -> None:
        super().__init__(message)
        self.messages: tuple[str, ...] = (message, *more)

    def __str__(self) -> str:
        return "\n".join(self.messages)

    @classmethod
    def combine(cls, errors: Iterable[ConfigError]) -> ConfigError:
        """Return one ConfigError with the messages of all ``errors``, in order."""
        messages = [message for error in errors for message in error.messages]
        return cls(*messages)
