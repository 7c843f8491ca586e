"""Deep read-only copies of JSON-like data, and the way back to plain JSON types."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

# Immutable leaves: kept as they are (checked by exact type, the fast path of every copy).
ATOMS = frozenset({str, int, float, bool, type(None)})


def freeze_mapping(mapping: Mapping[Any, Any]) -> MappingProxyType[Any, Any]:
    """Copy a mapping, deeply, into read-only mappings and tuples."""
    # The one copy every update pays for: exact type checks first, the generic ones last.
    copied = {}
    for key, value in mapping.items():
        kind = type(value)
        if kind is dict:
            value = freeze_mapping(value)
        elif kind is list:
            value = _freeze_array(value)
        elif kind not in ATOMS:
            value = freeze(value)
        copied[key] = value
    return MappingProxyType(copied)


def _freeze_array(items: list[Any] | tuple[Any, ...]) -> tuple[Any, ...]:
    """Copy an array, deeply, into a tuple."""
    return tuple([
        freeze_mapping(item) if type(item) is dict
        else item if type(item) in ATOMS
        else freeze(item)
        for item in items
    ])


def freeze(value: Any) -> Any:
    """Copy any JSON-like value deeply into read-only mappings and tuples."""
    if type(value) in ATOMS:
        return value
    if isinstance(value, Mapping):
        return freeze_mapping(value)
    if isinstance(value, list | tuple):
        return _freeze_array(value)
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
