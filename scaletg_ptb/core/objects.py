"""TelegramObject: a read-only, attribute-style view over one Bot API object."""

from __future__ import annotations

import datetime as dtm
import functools
import reprlib
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, ClassVar

from ._frozen import ATOMS, freeze_mapping, thaw
from ._schema import DATES, FIELDS
from ._suggest import closest

_NOTHING: Mapping[str, Any] = MappingProxyType({})
# PTB's name for the Bot API's `from` (a Python keyword), plus a friendlier synonym.
ALIASES = {"from_user": "from", "sender": "from"}
# The view class serving each Bot API type name; typed views register themselves.
VIEW_CLASSES: dict[str | None, type[TelegramObject]] = {}
_short = reprlib.Repr()
_short.maxstring = 40


class TelegramObject:
    """A read-only view of a Bot API object: every key is an attribute.

    Nested objects are wrapped lazily (and once) on access, as the view of the type the Bot API
    documents for that field. `_api_type` is the Bot API type name (None when undocumented); it
    starts with an underscore, like namedtuple's `_fields`, so it can never shadow a field.
    """

    __slots__ = ("_data", "_api_type", "_cache")
    _api_types: ClassVar[tuple[str, ...]] = ()  # the Bot API types this class is the view of

    _data: MappingProxyType[str, Any]
    _api_type: str | None
    _cache: dict[str, Any] | None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Register a typed view as the class for its Bot API types."""
        super().__init_subclass__(**kwargs)
        for api_type in cls.__dict__.get("_api_types", ()):
            VIEW_CLASSES[api_type] = cls

    def __init__(self, raw: Mapping[str, Any], api_type: str | None = None) -> None:
        """Copy `raw` (a Bot API object as a dict) once into a frozen view."""
        if not isinstance(raw, Mapping):
            raise ValueError(f"{type(self).__name__} needs a mapping, got {type(raw).__name__}.")
        default = self._api_types[0] if self._api_types else None
        _init(self, freeze_mapping(raw), api_type or default)

    @property
    def raw(self) -> Mapping[str, Any]:
        """Return the read-only mapping (nested: read-only mappings and tuples)."""
        return self._data

    def to_dict(self) -> dict[str, Any]:
        """Return a fresh, mutable, JSON-ready deep copy of the raw object."""
        return thaw(self._data)

    def __getattr__(self, name: str) -> Any:
        """Read a field: present → value (nested views, dates), documented → None."""
        # Only reached when normal lookup fails: slots and methods never come here.
        try:
            value = self._data[name]
        except KeyError:
            return self._absent(name)
        except TypeError:  # an unhashable name can't be a key anyway
            return self._absent(name)
        if type(value) is str or value is None:
            return value
        return self._convert(name, value)

    def __getitem__(self, key: str) -> Any:
        """Read a present field by its Bot API name (`obj["from"]`); KeyError if absent."""
        return self._convert(key, self._data[key])

    def __contains__(self, key: object) -> bool:
        """Tell whether the raw object has the key."""
        return key in self._data

    __iter__ = None  # item access is by name only: not a sequence, not a mapping

    def _convert(self, name: str, value: Any) -> Any:
        """Return a present value as exposed: nested views, tuples of them, dates."""
        cache = self._cache
        if cache is not None and name in cache:
            return cache[name]
        kind = type(value)
        if kind is MappingProxyType:
            result = wrap(value, FIELDS.get(self._api_type, _NOTHING).get(name))
        elif kind is tuple:
            result = wrap_all(value, FIELDS.get(self._api_type, _NOTHING).get(name))
        elif (kind is int or kind is float) and name in DATES.get(self._api_type, ()):
            result = _to_datetime(value)
        else:
            return value
        if cache is None:
            cache = {}
            _set_cache(self, cache)
        cache[name] = result
        return result

    def _absent(self, name: str) -> Any:
        """Return None for a documented field, else raise a helpful AttributeError."""
        if name.startswith("__"):  # protocol probes (copy, pickle, numpy, ...): be quick
            raise AttributeError(name)
        if name in ALIASES and "from" in self._data:
            return self._convert("from", self._data["from"])
        if name in documented(self._api_type):
            return None
        message = f"{self._label()!r} object has no attribute {name!r}"
        known = [*self._data, *documented(self._api_type), *_public(type(self))]
        suggestion = closest(name, [key for key in known if type(key) is str])
        if suggestion is not None:
            message += f"; did you mean {suggestion!r}?"
        raise AttributeError(message)

    def _label(self) -> str:
        """Return the type name to show: the typed view's, else the Bot API type's."""
        if type(self) is TelegramObject:
            return self._api_type or "TelegramObject"
        return type(self).__name__

    def __setattr__(self, name: str, value: Any) -> None:
        """Refuse: views are read-only."""
        raise AttributeError(f"cannot set {name!r}: {self._label()!r} objects are read-only")

    def __delattr__(self, name: str) -> None:
        """Refuse: views are read-only."""
        raise AttributeError(f"cannot delete {name!r}: {self._label()!r} objects are read-only")

    def __eq__(self, other: object) -> bool:
        """Compare views of the same class by their raw content."""
        if type(other) is not type(self):
            return NotImplemented
        return self._data == other._data  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        """Hash the scalar top-level fields (equal views have equal scalars)."""
        items = self._data.items()
        return hash(frozenset((k, v) for k, v in items if type(v) in ATOMS and type(k) is str))

    def __repr__(self) -> str:
        """Show the type and fields, two levels deep, long strings shortened."""
        return _describe(self, depth=2)

    def __dir__(self) -> list[str]:
        """List methods, the present fields and the documented fields."""
        names = {*super().__dir__(), *documented(self._api_type)}
        names.update(key for key in self._data if type(key) is str)
        return sorted(names)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle/copy as the class plus a plain copy of the raw object."""
        return (_rebuild, (type(self), thaw(self._data), self._api_type))


_set_data = TelegramObject._data.__set__  # type: ignore[attr-defined]
_set_type = TelegramObject._api_type.__set__  # type: ignore[attr-defined]
_set_cache = TelegramObject._cache.__set__  # type: ignore[attr-defined]
_new = object.__new__


@functools.cache
def documented(api_type: str | None) -> frozenset[str]:
    """Return the documented field names of a Bot API type, with `from`'s aliases."""
    fields = FIELDS.get(api_type, _NOTHING)
    return frozenset([*fields, *ALIASES]) if "from" in fields else frozenset(fields)


def _init(view: TelegramObject, data: MappingProxyType[str, Any], api_type: str | None) -> None:
    """Fill a view's slots (bypassing the read-only __setattr__)."""
    _set_data(view, data)
    _set_type(view, api_type)
    _set_cache(view, None)


def wrap(data: MappingProxyType[str, Any], api_type: str | None) -> TelegramObject:
    """Return the view of already-frozen `data` documented as `api_type`."""
    view = _new(VIEW_CLASSES.get(api_type, TelegramObject))
    _init(view, data, api_type)
    return view


def wrap_all(items: tuple[Any, ...], api_type: str | None) -> tuple[Any, ...]:
    """Wrap the mappings of a (nested) frozen array as views of `api_type`."""
    return tuple(
        wrap(item, api_type) if type(item) is MappingProxyType
        else wrap_all(item, api_type) if type(item) is tuple
        else item
        for item in items
    )


def _rebuild(cls: type[TelegramObject], raw: dict[str, Any], api_type: str | None) -> Any:
    """Recreate a pickled view."""
    view = _new(cls)
    _init(view, freeze_mapping(raw), api_type)
    return view


def _to_datetime(value: float) -> Any:
    """Return a Unix date as an aware UTC datetime; an impossible one stays as given."""
    try:
        return dtm.datetime.fromtimestamp(value, dtm.timezone.utc)
    except (OverflowError, OSError, ValueError):
        return value


def _public(cls: type) -> list[str]:
    """Return the public attribute names of a view class (for suggestions)."""
    return [name for name in dir(cls) if not name.startswith("_")]


def _describe(value: Any, depth: int) -> str:
    """Render a value compactly: views as Name(key=value, ...), arrays as (...)."""
    if isinstance(value, TelegramObject):
        if depth <= 0:
            return f"{value._label()}(…)"
        fields = ", ".join(f"{key}={_describe(item, depth - 1)}" for key, item in _items(value))
        return f"{value._label()}({fields})"
    if type(value) is tuple:
        inner = ", ".join(_describe(item, depth) for item in value[:3])
        more = ", …" if len(value) > 3 else ("," if len(value) == 1 else "")
        return f"({inner}{more})"
    return _short.repr(value)


def _items(view: TelegramObject) -> list[tuple[Any, Any]]:
    """Return a view's (key, exposed value) pairs, as raw keys with wrapped values."""
    # Scalars raw (a date reads better as its Unix time here), containers as views.
    return [
        (key, item if type(item) in ATOMS else view._convert(key, item))
        for key, item in view._data.items()
    ]
