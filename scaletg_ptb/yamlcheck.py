"""Read YAML with the line of every value, and check keys and types into one-line errors."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from .errors import ConfigError


class Source:
    """Where each value of a YAML document is: ``apps[1]`` or ``polling.timeout`` → its line."""

    def __init__(self) -> None:
        self.value_lines: dict[str, int] = {}
        self.key_lines: dict[str, int] = {}

    def add(self, node: yaml.Node, path: str = "", seen: frozenset[int] = frozenset()) -> None:
        """Record the lines of ``node``'s children under ``path`` (aliases are visited once)."""
        if id(node) in seen:
            return
        seen = seen | {id(node)}
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                name = key.value if isinstance(key, yaml.ScalarNode) else "?"
                child = f"{path}.{name}" if path else str(name)
                self.key_lines.setdefault(child, key.start_mark.line + 1)
                self.value_lines.setdefault(child, value.start_mark.line + 1)
                self.add(value, child, seen)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                child = f"{path}[{index}]"
                self.value_lines.setdefault(child, item.start_mark.line + 1)
                self.add(item, child, seen)


def read_yaml(path: Path) -> tuple[Any, Source]:
    """Parse the YAML file at ``path``; return its data and where each value is. ConfigError if broken."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"Config file '{path}' does not exist. Create it or pass --config PATH.") from None
    except OSError as exc:
        raise ConfigError(f"Config file '{path}' cannot be read: {exc.strerror}.") from None
    source = Source()
    # Compose the node tree first: its marks give every value's line for later messages.
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = None if node is None else loader.construct_document(node)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise ConfigError(f"{path.name}: YAML syntax error{where}: {problem}. Fix the syntax.") from None
    finally:
        loader.dispose()
    if node is not None:
        source.add(node)
    return data, source


class Checker:
    """Check keys and types, collecting one-line errors that name the file, the line and the key."""

    def __init__(self, filename: str, source: Source | None = None) -> None:
        self.filename = filename
        self.source = source or Source()
        self.errors: list[str] = []

    def where(self, path: str, *, key: bool = False) -> str:
        """Return ``config.yaml, line N`` for the value (or the key) at ``path``, or the file name."""
        lines = self.source.key_lines if key else self.source.value_lines
        line = lines.get(path) or self.source.value_lines.get(path)
        return f"{self.filename}, line {line}" if line else self.filename

    def error(self, path: str, text: str, *, key: bool = False) -> None:
        """Record ``where: text`` for the value at ``path``."""
        self.errors.append(f"{self.where(path, key=key)}: {text}")

    def raise_errors(self) -> None:
        """Raise one ConfigError with every recorded error, if any."""
        if self.errors:
            raise ConfigError(*self.errors)

    def mapping(self, value: Any, key: str) -> bool:
        """Tell whether ``value`` is a mapping; record an error if not."""
        if isinstance(value, dict):
            return True
        self.error(key, f"'{key}' must be a mapping of settings, got {kind(value)}.")
        return False

    def only_keys(self, data: Mapping[str, Any], prefix: str, known: set[str]) -> None:
        """Record an error for every key of ``data`` not in ``known``."""
        for key in data:
            if key not in known:
                hint = ", ".join(sorted(known))
                self.error(f"{prefix}{key}", f"unknown key '{prefix}{key}'. Remove it or use one of: {hint}.",
                           key=True)

    def optional(
        self, data: Mapping[str, Any], key: str, types: type | tuple[type, ...], default: Any, prefix: str = ""
    ) -> Any:
        """Return ``data[key]`` if it has one of ``types``, else ``default`` (recording an error if set)."""
        value = data.get(key)
        if value is None:
            return default
        # bool is an int in Python; a number setting given `yes` is still a mistake.
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in _as_tuple(types)):
            self.error(f"{prefix}{key}", f"'{prefix}{key}' must be {_expected(types)}, got {kind(value)}.")
            return default
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
