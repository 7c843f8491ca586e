"""What the bot did: the log of its API requests and the stream of its visible actions."""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

_log = logging.getLogger(__name__)

Event = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Call:
    """One API request as the emulator understood it."""

    method: str
    params: dict[str, Any]  # decoded: ints, JSON objects and booleans as values
    files: dict[str, tuple[str, int]]  # part name -> (file name, size in bytes)
    status: int  # HTTP status answered; 0 when the connection was dropped
    at: float  # time.monotonic() when the answer was decided
    error: str | None = field(default=None, compare=False)  # the error description, if any


class CallLog:
    """Every request, oldest first, bounded so long benchmarks don't grow without end."""

    def __init__(self, cond: threading.Condition, limit: int | None = 100_000) -> None:
        self._cond = cond
        self._calls: deque[Call] = deque(maxlen=limit)
        self._seen = 0  # how many calls were ever recorded
        self._consumed: set[int] = set()  # sequence numbers wait_for_call already returned

    def record(self, call: Call) -> None:
        """Append ``call`` and wake the waiters."""
        with self._cond:
            self._calls.append(call)
            self._seen += 1
            self._cond.notify_all()

    def all(self) -> list[Call]:
        """Return a snapshot of the log."""
        with self._cond:
            return list(self._calls)

    def wait_for(self, method: str | None, timeout: float, predicate: Callable[[Call], bool] | None) -> Call:
        """Return the oldest matching call no earlier wait_for returned, waiting for one."""
        found: list[Call] = []

        def match() -> bool:
            first = self._seen - len(self._calls)  # sequence number of the oldest kept call
            for offset, call in enumerate(self._calls):
                seq = first + offset
                if seq in self._consumed or (method is not None and call.method != method):
                    continue
                if predicate is None or predicate(call):
                    self._consumed.add(seq)
                    found.append(call)
                    return True
            return False

        with self._cond:
            if not self._cond.wait_for(match, timeout):
                seen = [f"{c.method}:{c.status}" for c in list(self._calls)[-10:]]
                raise AssertionError(
                    f"no {method or 'API'} call{' matching the predicate' if predicate else ''} "
                    f"within {timeout}s; last calls: {seen}"
                )
            return found[0]


class EventBus:
    """Deliver bot actions to subscribers, on the server thread, outside every lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: tuple[Callable[[Event], None], ...] = ()

    def subscribe(self, callback: Callable[[Event], None]) -> Callable[[], None]:
        """Call ``callback(event)`` for every bot action; return the function that stops it."""
        with self._lock:
            self._subscribers += (callback,)

        def unsubscribe() -> None:
            with self._lock:
                self._subscribers = tuple(s for s in self._subscribers if s is not callback)

        return unsubscribe

    @property
    def active(self) -> bool:
        """Tell whether anyone listens (so emitters can skip building events)."""
        return bool(self._subscribers)

    def emit(self, event: Event) -> None:
        """Hand ``event`` to every subscriber; a failing one is logged, not propagated."""
        for callback in self._subscribers:  # a tuple snapshot: subscribe() may run meanwhile
            try:
                callback(event)
            except Exception:
                _log.exception("emulator subscriber %r failed on %s", callback, event.get("kind"))
