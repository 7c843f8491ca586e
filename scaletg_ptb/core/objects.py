"""TelegramObject: a read-only, attribute-style view over one Bot API object."""

from __future__ import annotations

import reprlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from ._access import (
    VIEW_CLASSES,
    Slots,
    convert,
    documented,
    field_reader,
    get_data,
    get_type,
    init_view,
    label,
)
from ._frozen import ATOMS, freeze_mapping, thaw

_short = reprlib.Repr()
_short.maxstring = 40


class TelegramObject(Slots):
    """A read-only view of a Bot API object: every key is an attribute.

    Nested objects are wrapped lazily (and once) on access, as the view of the type the Bot API
    documents for that field. `_api_type` is the Bot API type name (None when undocumented); it
    starts with an underscore, like namedtuple's `_fields`, so it can never shadow a field.
    Methods and properties win over fields of the same name; `obj["name"]` reads any field.
    """

    __slots__ = ()
    _api_types: ClassVar[tuple[str, ...]] = ()  # the Bot API types this class is the view of

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Register a typed view as the class for its Bot API types."""
        super().__init_subclass__(**kwargs)
        for api_type in cls.__dict__.get("_api_types", ()):
            VIEW_CLASSES[api_type] = cls
        cls.__getattribute__ = field_reader(cls)  # type: ignore[method-assign]

    def __init__(self, raw: Mapping[str, Any], api_type: str | None = None) -> None:
        """Copy `raw` (a Bot API object as a dict) once into a frozen view."""
        if not isinstance(raw, Mapping):
            # ValueError like Update(): "not a Bot API object", whatever the reason.
            raise ValueError(  # noqa: TRY004
                f"{type(self).__name__} needs a mapping, got {type(raw).__name__}."
            )
        default = self._api_types[0] if self._api_types else None
        init_view(self, freeze_mapping(raw), api_type or default)

    @property
    def raw(self) -> Mapping[str, Any]:
        """Return the read-only mapping (nested: read-only mappings and tuples)."""
        return get_data(self)

    def to_dict(self) -> dict[str, Any]:
        """Return a fresh, mutable, JSON-ready deep copy of the raw object."""
        return thaw(get_data(self))

    def __getitem__(self, key: str) -> Any:
        """Read a present field by its Bot API name (`obj["from"]`); KeyError if absent."""
        return convert(self, key, get_data(self)[key])

    def __contains__(self, key: object) -> bool:
        """Tell whether the raw object has the key."""
        return key in get_data(self)

    __iter__ = None  # item access is by name only: not a sequence, not a mapping

    if TYPE_CHECKING:  # fields are read by the generated __getattribute__; tell type checkers

        def __getattr__(self, name: str) -> Any:
            """Read a field (any name: present → value, documented → None)."""

    def __setattr__(self, name: str, value: Any) -> None:
        """Refuse: views are read-only."""
        raise AttributeError(f"cannot set {name!r}: {label(self)!r} objects are read-only")

    def __delattr__(self, name: str) -> None:
        """Refuse: views are read-only."""
        raise AttributeError(f"cannot delete {name!r}: {label(self)!r} objects are read-only")

    def __eq__(self, other: object) -> bool:
        """Compare views of the same class by their raw content."""
        if type(other) is not type(self):
            return NotImplemented
        return get_data(self) == get_data(other)

    def __hash__(self) -> int:
        """Hash the scalar top-level fields (equal views have equal scalars)."""
        items = get_data(self).items()
        return hash(frozenset((k, v) for k, v in items if type(v) in ATOMS and type(k) is str))

    def __repr__(self) -> str:
        """Show the type and fields, two levels deep, long strings shortened."""
        return _describe(self, depth=2)

    def __dir__(self) -> list[str]:
        """List methods, the present fields and the documented fields."""
        names = {*super().__dir__(), *documented(get_type(self))}
        names.update(key for key in get_data(self) if type(key) is str)
        return sorted(names)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle/copy as the class plus a plain copy of the raw object."""
        return (_rebuild, (type(self), thaw(get_data(self)), get_type(self)))


VIEW_CLASSES[None] = TelegramObject
TelegramObject.__getattribute__ = field_reader(TelegramObject)  # type: ignore[method-assign]


def _rebuild(cls: type[TelegramObject], raw: dict[str, Any], api_type: str | None) -> Any:
    """Recreate a pickled view."""
    view = object.__new__(cls)
    init_view(view, freeze_mapping(raw), api_type)
    return view


def _describe(value: Any, depth: int) -> str:
    """Render a value compactly: views as Name(key=value, ...), arrays as (...)."""
    if isinstance(value, TelegramObject):
        if depth <= 0:
            return f"{label(value)}(…)"
        fields = ", ".join(f"{key}={_describe(item, depth - 1)}" for key, item in _items(value))
        return f"{label(value)}({fields})"
    if type(value) is tuple:
        inner = ", ".join(_describe(item, depth) for item in value[:3])
        more = ", …" if len(value) > 3 else ("," if len(value) == 1 else "")
        return f"({inner}{more})"
    return _short.repr(value)


def _items(view: TelegramObject) -> list[tuple[Any, Any]]:
    """Return a view's (raw key, shown value) pairs: scalars raw, containers as views."""
    # A date reads better as its Unix time here: repr shows the data, not the conversion.
    return [
        (key, item if type(item) in ATOMS else convert(view, key, item))
        for key, item in get_data(view).items()
    ]
