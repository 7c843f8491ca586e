"""Check YAML values for the config loader: keys, types, and one-line errors that quote them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .errors import ConfigError


class Checker:
    """Check keys and types, raising ConfigError lines that name the file and key."""

    def __init__(self, filename: str) -> None:
        self.filename = filename

    def mapping(self, value: Any, key: str) -> None:
        if not isinstance(value, dict):
            raise ConfigError(f"{self.filename}: '{key}' must be a mapping of settings, got {kind(value)}.")

    def only_keys(self, data: Mapping[str, Any], prefix: str, known: set[str]) -> None:
        for key in data:
            if key not in known:
                hint = ", ".join(sorted(known))
                raise ConfigError(
                    f"{self.filename}: unknown key '{prefix}{key}'. Remove it or use one of: {hint}."
                )

    def optional(
        self, data: Mapping[str, Any], key: str, types: type | tuple[type, ...], default: Any, prefix: str = ""
    ) -> Any:
        value = data.get(key)
        if value is None:
            return default
        # bool is an int in Python; a number setting given `yes` is still a mistake.
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in _as_tuple(types)):
            raise ConfigError(
                f"{self.filename}: '{prefix}{key}' must be {_expected(types)}, got {kind(value)}."
            )
        return value


def _as_tuple(types: type | tuple[type, ...]) -> tuple[type, ...]:
    return types if isinstance(types, tuple) else (types,)


_TYPE_NAMES = {str: "a string", int: "an integer", float: "a number", bool: "true or false",
               list: "a list", dict: "a mapping"}


def _expected(types: type | tuple[type, ...]) -> str:
    if float in _as_tuple(types):
        return "a number"
    return " or ".join(dict.fromkeys(_TYPE_NAMES[t] for t in _as_tuple(types)))


def kind(value: Any) -> str:
    """Describe a YAML value for an error message, quoting it."""
    name = {str: "string", int: "integer", float: "number", bool: "boolean", list: "list",
            dict: "mapping"}.get(type(value), type(value).__name__)
    shown = repr(value)
    return f"{name} {shown if len(shown) <= 40 else shown[:37] + '...'}"
