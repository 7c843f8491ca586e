"""Deep read-only copies of JSON-like data, and the way back to plain JSON types."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

# Immutable leaves: kept as they are (checked by exact type, the fast path of every copy).
ATOMS = frozenset({str, int, float, bool, type(None)})


def freeze_mapping(mapping: Mapping[Any, Any]) -> MappingProxyType[Any, Any]:
    """Copy a mapping, deeply, into read-only mappings and tuples."""
    return MappingProxyType(
        {key: value if type(value) in ATOMS else freeze(value) for key, value in mapping.items()}
    )


def freeze(value: Any) -> Any:
    """Copy any JSON-like value deeply into read-only mappings and tuples."""
    if type(value) in ATOMS:
        return value
    if isinstance(value, Mapping):
        return freeze_mapping(value)
    if isinstance(value, list | tuple):
        return tuple(item if type(item) in ATOMS else freeze(item) for item in value)
    # Not JSON (a set, a custom object, ...): nothing generic can freeze it, keep it as given.
    return value


def thaw(value: Any) -> Any:
    """Return a fresh, mutable copy: read-only mappings become dicts, tuples become lists."""
    if type(value) in ATOMS:
        return value
    if type(value) is MappingProxyType:
        return {key: thaw(item) for key, item in value.items()}
    if type(value) is tuple:
        return [thaw(item) for item in value]
    return value
