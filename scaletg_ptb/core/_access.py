"""How a view reads a field: lazy nested views, dates, None for documented-absent, advice."""

from __future__ import annotations

import datetime as dtm
import functools
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from ._schema import DATES as _DATES
from ._schema import FIELDS as _FIELDS
from ._suggest import closest

NOTHING: Mapping[str, Any] = MappingProxyType({})
# PTB's name for the Bot API's `from` (a Python keyword), plus a friendlier synonym.
ALIASES = {"from_user": "from", "sender": "from"}
# Bot API type name -> view class; typed views register here, None is the generic view.
VIEW_CLASSES: dict[str | None, type[Slots]] = {}
# Keyed by Bot API type name; None (an undocumented object) simply finds nothing.
FIELDS: Mapping[str | None, Mapping[str, str | None]] = _FIELDS  # type: ignore[assignment]
DATES: Mapping[str | None, frozenset[str]] = _DATES  # type: ignore[assignment]
_PLAIN = frozenset({str, bool, type(None)})  # never converted, returned at once


class Slots:
    """The storage of every view: frozen data, Bot API type name, converted-value cache."""

    __slots__ = ("_api_type", "_cache", "_data")


# Slot accessors: reading through them skips the views' own __getattribute__.
get_data: Callable[[Slots], MappingProxyType[Any, Any]] = Slots._data.__get__  # type: ignore
get_type: Callable[[Slots], str | None] = Slots._api_type.__get__  # type: ignore
_get_cache: Callable[[Slots], dict[Any, Any] | None] = Slots._cache.__get__  # type: ignore
_set_data = Slots._data.__set__  # type: ignore[attr-defined]
_set_type = Slots._api_type.__set__  # type: ignore[attr-defined]
_set_cache = Slots._cache.__set__  # type: ignore[attr-defined]
_new = object.__new__
_class_attribute = object.__getattribute__


def field_reader(cls: type) -> Callable[[Any, str], Any]:
    """Return the __getattribute__ of a view class: its own attributes first, then fields."""
    # __getattr__ would only run after a failed normal lookup: about three times slower.
    own = frozenset(dir(cls))

    def __getattribute__(self: Slots, name: str) -> Any:
        if name in own:
            return _class_attribute(self, name)
        value = get_data(self).get(name, NOTHING)
        if type(value) in _PLAIN:
            return value
        if value is NOTHING:
            return absent(self, name)
        if type(value) is int and name not in DATES.get(get_type(self), NOTHING):
            return value
        return convert(self, name, value)

    return __getattribute__


def convert(view: Slots, name: Any, value: Any) -> Any:
    """Return a present value as exposed: nested views, tuples of them, dates (cached)."""
    cache = _get_cache(view)
    if cache is not None and name in cache:
        return cache[name]
    kind = type(value)
    if kind is MappingProxyType:
        result: Any = wrap(value, FIELDS.get(get_type(view), NOTHING).get(name))
    elif kind is tuple:
        result = wrap_all(value, FIELDS.get(get_type(view), NOTHING).get(name))
    elif (kind is int or kind is float) and name in DATES.get(get_type(view), NOTHING):
        result = _to_datetime(value)
    else:
        return value
    if cache is None:
        cache = {}
        _set_cache(view, cache)
    cache[name] = result
    return result


def absent(view: Slots, name: str) -> Any:
    """Return None for a documented absent field, else raise a helpful AttributeError."""
    data, api_type = get_data(view), get_type(view)
    if name in ALIASES and "from" in data:
        return convert(view, "from", data["from"])
    if name in documented(api_type):
        return None
    message = f"{label(view)!r} object has no attribute {name!r}"
    if not name.startswith("__"):  # protocol probes (copy, pickle, ...) need no advice
        public = [attribute for attribute in dir(type(view)) if not attribute.startswith("_")]
        known = [*data, *documented(api_type), *public]
        suggestion = closest(name, [key for key in known if type(key) is str])
        if suggestion is not None:
            message += f"; did you mean {suggestion!r}?"
    raise AttributeError(message)


@functools.cache
def documented(api_type: str | None) -> frozenset[str]:
    """Return the documented field names of a Bot API type, with `from`'s aliases."""
    fields = FIELDS.get(api_type, NOTHING)
    return frozenset([*fields, *ALIASES]) if "from" in fields else frozenset(fields)


def label(view: Slots) -> str:
    """Return the type name to show: a typed view's class, else the Bot API type's name."""
    if type(view) is VIEW_CLASSES[None]:
        return get_type(view) or type(view).__name__
    return type(view).__name__


def init_view(view: Slots, data: MappingProxyType[Any, Any], api_type: str | None) -> None:
    """Fill a view's slots (bypassing its read-only __setattr__)."""
    _set_data(view, data)
    _set_type(view, api_type)
    _set_cache(view, None)


def wrap(data: MappingProxyType[Any, Any], api_type: str | None) -> Any:
    """Return the view of already-frozen `data` documented as `api_type`."""
    view = _new(VIEW_CLASSES.get(api_type) or VIEW_CLASSES[None])
    init_view(view, data, api_type)
    return view


def wrap_all(items: tuple[Any, ...], api_type: str | None) -> tuple[Any, ...]:
    """Wrap the mappings of a (nested) frozen array as views of `api_type`."""
    return tuple([
        wrap(item, api_type) if type(item) is MappingProxyType
        else wrap_all(item, api_type) if type(item) is tuple
        else item
        for item in items
    ])


def _to_datetime(value: float) -> Any:
    """Return a Unix date as an aware UTC datetime; an impossible one stays as given."""
    try:
        return dtm.datetime.fromtimestamp(value, dtm.UTC)
    except (OverflowError, OSError, ValueError):
        return value
