"""Generate scaletg_ptb/core/_schema.py from python-telegram-bot's type definitions.

Dev-time only: this is the one place allowed to import `telegram`; the runtime core reads the
generated literal module instead, so it stays sans-I/O and cheap to import.

    python tools/gen_schema.py          # rewrite scaletg_ptb/core/_schema.py
    python tools/gen_schema.py --check  # exit 1 if the committed file is stale
"""

from __future__ import annotations

import argparse
import collections.abc
import datetime as dtm
import inspect
import io
import pathlib
import sys
import types
import typing
from collections.abc import Iterator

import telegram
from telegram._utils import types as ptb_types

TARGET = pathlib.Path(__file__).resolve().parent.parent / "scaletg_ptb" / "core" / "_schema.py"

# PTB renames a few Bot API fields to keep them valid/unambiguous Python identifiers.
RENAMED = {"from_user": "from", "media_type": "type"}
# PTB-only constructor parameters that the Bot API does not have.
NOT_API = {"api_kwargs", "filename", "filename_depr"}
# Hint members meaning "a local file to upload": the API field itself is a string.
FILE_INPUTS = (pathlib.PurePath, bytes, typing.IO, telegram.InputFile)

TgClass = type[telegram.TelegramObject]


class FieldSpec(typing.NamedTuple):
    """What one documented field holds."""

    nested: str | None
    depth: int
    is_date: bool


def exported_classes() -> dict[str, TgClass]:
    """Return the Bot API types exported by `telegram`, keyed by name."""
    return {
        name: cls
        for name, cls in sorted(vars(telegram).items())
        if inspect.isclass(cls)
        and issubclass(cls, telegram.TelegramObject)
        and cls is not telegram.TelegramObject
        and not issubclass(cls, telegram.Bot)  # the client, not an API type
    }


def hints_of(cls: type) -> dict[str, typing.Any]:
    """Return the resolved type hints of `cls.__init__`."""
    # Names imported under TYPE_CHECKING (FileInput, ...) live in these namespaces.
    namespace = {**vars(ptb_types), **vars(telegram)}
    module = sys.modules[cls.__module__]
    return typing.get_type_hints(cls.__init__, globalns=vars(module), localns=namespace)


def object_types(hint: typing.Any, depth: int = 0) -> Iterator[tuple[type, int]]:
    """Yield each (TelegramObject class, list depth) that `hint` may hold."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if any(_is_file_input(arg) for arg in args):
            return  # PTB convenience for uploads; the API field is a string
        for arg in args:
            yield from object_types(arg, depth)
    elif origin in (collections.abc.Sequence, list, tuple) and args:
        yield from object_types(args[0], depth + 1)
    elif inspect.isclass(hint) and issubclass(hint, telegram.TelegramObject):
        yield hint, depth


def _is_file_input(hint: typing.Any) -> bool:
    """Tell whether a union member is one of PTB's local-upload input types."""
    target = typing.get_origin(hint) or hint
    return inspect.isclass(target) and issubclass(target, FILE_INPUTS)


def is_date(hint: typing.Any) -> bool:
    """Tell whether PTB hints the field as a datetime (a Unix date in the API)."""
    return hint is dtm.datetime or dtm.datetime in typing.get_args(hint)


def api_name(cls: type, classes: dict[str, TgClass]) -> str:
    """Return the exported Bot API type a class is documented as."""
    for base in cls.__mro__:
        if base.__name__ in classes and classes[base.__name__] is base:
            return base.__name__
    raise LookupError(f"{cls!r} has no exported Bot API base")


def common_base(names: set[str], classes: dict[str, TgClass]) -> str | None:
    """Return the nearest exported class all of `names` derive from, if any."""
    first = classes[min(names)]
    for base in first.__mro__:
        if base.__name__ in classes and all(issubclass(classes[n], base) for n in names):
            return base.__name__
    # PTB's decrypted passport data (an encrypted string in the API), input-only media, and
    # subclasses disagreeing on a field (OwnedGift.gift): a generic view is the honest answer.
    print(f"note: no common base for {sorted(names)}: treated as a scalar", file=sys.stderr)
    return None


def own_fields(cls: TgClass, classes: dict[str, TgClass]) -> dict[str, FieldSpec]:
    """Return the documented fields of `cls` itself, including inherited constructor fields."""
    fields: dict[str, FieldSpec] = {}
    for klass in reversed(cls.__mro__):
        if "__init__" not in vars(klass) or not issubclass(klass, telegram.TelegramObject):
            continue
        if klass is telegram.TelegramObject:
            continue
        hints = hints_of(klass)
        for param in list(inspect.signature(klass.__init__).parameters)[1:]:
            if param in NOT_API:
                continue
            fields[RENAMED.get(param, param)] = field_spec(hints.get(param), classes)
    return fields


def field_spec(hint: typing.Any, classes: dict[str, TgClass]) -> FieldSpec:
    """Describe which nested type (and list depth) a hint holds and whether it is a date."""
    found = {(api_name(cls, classes), depth) for cls, depth in object_types(hint)}
    if not found:
        return FieldSpec(None, 0, is_date(hint))
    depths = {depth for _, depth in found}
    if len(depths) != 1:
        raise ValueError(f"mixed list depths in {hint!r}")
    names = {name for name, _ in found}
    nested = names.pop() if len(names) == 1 else common_base(names, classes)
    return FieldSpec(nested, depths.pop(), is_date(hint))


def subclasses(cls: type, classes: dict[str, TgClass]) -> Iterator[TgClass]:
    """Yield the exported subclasses of `cls`, recursively."""
    for sub in cls.__subclasses__():
        if classes.get(sub.__name__) is sub:
            yield sub
        yield from subclasses(sub, classes)


def build_schema(classes: dict[str, TgClass]) -> dict[str, dict[str, FieldSpec]]:
    """Return type name -> documented fields, bases being the union of their subclasses."""
    schema = {name: own_fields(cls, classes) for name, cls in classes.items()}
    for name, cls in classes.items():
        for sub in subclasses(cls, classes):
            for field, spec in schema[sub.__name__].items():
                current = schema[name].setdefault(field, spec)
                if current != spec:
                    schema[name][field] = merge(current, spec, classes)
    return schema


def merge(one: FieldSpec, other: FieldSpec, classes: dict[str, TgClass]) -> FieldSpec:
    """Merge two subclasses' specs of the same field into the base's spec."""
    if one.depth != other.depth:
        raise ValueError(f"cannot merge {one} and {other}: list depths differ")
    names = {name for name in (one.nested, other.nested) if name}
    nested = common_base(names, classes) if len(names) > 1 else (names or {None}).pop()
    return FieldSpec(nested, one.depth, one.is_date or other.is_date)


def render(schema: dict[str, dict[str, FieldSpec]]) -> str:
    """Render the generated module's source text."""
    kinds = [field for field in schema["Update"] if field != "update_id"]
    out = io.StringIO()
    out.write(HEADER.format(ptb=telegram.__version__, api=telegram.__bot_api_version__))
    out.write(f"UPDATE_KINDS: tuple[str, ...] = {tuple(kinds)!r}\n\n")
    out.write("# update kind -> Bot API type of its payload\nKIND_TYPES: dict[str, str] = {\n")
    for kind in kinds:
        out.write(f"    {kind!r}: {schema['Update'][kind].nested!r},\n")
    out.write("}\n\n" + FIELDS_DOC + "FIELDS: dict[str, dict[str, str | None]] = {\n")
    for name, fields in schema.items():
        body = ", ".join(f"{field!r}: {spec.nested!r}" for field, spec in fields.items())
        out.write(f"    {name!r}: {{{body}}},\n")
    out.write("}\n\n" + ARRAYS_DOC + "ARRAYS: dict[str, dict[str, int]] = {\n")
    write_selected(out, schema, lambda spec: spec.depth or None)
    out.write("}\n\n# type name -> fields holding a Unix date\nDATES: dict[str, frozenset[str]] = {\n")
    write_selected(out, schema, lambda spec: spec.is_date or None, as_set=True)
    out.write("}\n")
    return out.getvalue()


def write_selected(
    out: io.StringIO, schema: dict[str, dict[str, FieldSpec]], pick: typing.Callable, as_set: bool = False
) -> None:
    """Write `type: {field: pick(spec)}` lines for the fields where pick() is truthy."""
    for name, fields in schema.items():
        chosen = {field: pick(spec) for field, spec in fields.items() if pick(spec)}
        if not chosen:
            continue
        body = repr(sorted(chosen)) if as_set else repr(chosen)
        out.write(f"    {name!r}: frozenset({body}),\n" if as_set else f"    {name!r}: {body},\n")


HEADER = '''"""Documented Bot API types (GENERATED: do not edit).

Generated by tools/gen_schema.py from python-telegram-bot {ptb} (Bot API {api}).
Regenerate with `python tools/gen_schema.py` after upgrading python-telegram-bot.
Field names are Bot API names (`from`, not PTB's `from_user`). An abstract base
(ChatMember, MessageOrigin, MaybeInaccessibleMessage, ...) lists the union of its
subclasses' fields.
"""

# fmt: off

PTB_VERSION = {ptb!r}
BOT_API_VERSION = {api!r}

'''
FIELDS_DOC = "# type name -> documented field -> Bot API type of nested object(s), None for scalars\n"
ARRAYS_DOC = "# type name -> array fields -> nesting depth (1: array of, 2: array of arrays)\n"


def main(argv: list[str] | None = None) -> int:
    """Write (or with --check, verify) the generated schema module."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the file is stale")
    args = parser.parse_args(argv)
    source = render(build_schema(exported_classes()))
    if args.check:
        if TARGET.read_text(encoding="utf-8") != source:
            print(f"{TARGET} is stale: run python tools/gen_schema.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(source, encoding="utf-8")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
