"""What a kit bot's storage holds for one key: a dict to read, and a ``with`` block to seed it."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Any


class StoredData(dict[str, Any]):
    """A copy of a key's data; edits made inside ``with`` are saved when the block ends without an exception."""

    def __init__(self, data: dict[str, Any], save: Callable[[dict[str, Any]], None]) -> None:
        super().__init__(data)
        self._save = save

    def __enter__(self) -> StoredData:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if kind is None:
            self._save(dict(self))
