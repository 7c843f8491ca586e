"""Fault injection: make the next N requests of a method fail, stall or lose their connection."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from http import HTTPStatus

from .params import ApiError


@dataclass(slots=True)
class Fault:
    """What to do instead of (or before) answering a matching request."""

    method: str | None  # None matches every method
    status: int | None = None
    retry_after: int | None = None
    delay: float | None = None  # seconds to wait before answering; other requests go on
    drop: bool = False  # close the connection without answering
    times: int | None = 1  # None: forever
    description: str | None = None
    after: bool = False  # with drop: run the method first (Telegram acted; its answer is lost)
    every: int = 1  # hit one matching request in every ``every`` (the last of each run of them)
    seen: int = 0  # matching requests so far, for ``every``

    def matches(self, method: str) -> bool:
        """Tell whether this fault applies to ``method`` (Telegram method names ignore case)."""
        return self.method is None or self.method.lower() == method.lower()

    def error(self) -> ApiError | None:
        """Return the error to answer with, or None to answer normally (after the delay)."""
        status = self.status
        if status is None and self.retry_after is not None:
            status = 429
        if status is None:
            return None
        if status == 429:
            retry_after = self.retry_after if self.retry_after is not None else 1
            description = self.description or f"Too Many Requests: retry after {retry_after}"
            return ApiError(429, description, {"retry_after": retry_after})
        if self.description:
            description = self.description
        else:
            try:
                description = HTTPStatus(status).phrase
            except ValueError:
                description = "Error"
            if status == 400:
                description = "Bad Request: injected fault"
        return ApiError(status, description)


class FaultTable:
    """Armed faults, first armed first served; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> Fault:
        """Arm ``fault``."""
        if fault.times is not None and fault.times < 1:
            raise ValueError(f"times must be >= 1 or None (forever), got {fault.times}")
        if fault.status is not None and not 400 <= fault.status <= 599:
            raise ValueError(f"status must be an HTTP error status (400-599), got {fault.status}")
        if not (fault.status or fault.retry_after is not None or fault.delay or fault.drop):
            raise ValueError("a fault needs at least one of status, retry_after, delay or drop")
        if fault.after and not fault.drop:
            raise ValueError("after=True means 'drop the answer once the method ran': it needs drop=True")
        if fault.every < 1:
            raise ValueError(f"every must be >= 1, got {fault.every}")
        with self._lock:
            self._faults.append(fault)
        return fault

    def take(self, method: str) -> Fault | None:
        """Return the first fault matching ``method``, using up one of its times."""
        if not self._faults:  # the common case costs no lock
            return None
        with self._lock:
            for i, fault in enumerate(self._faults):
                if fault.matches(method):
                    fault.seen += 1
                    if fault.seen % fault.every:
                        continue  # spared: the next fault may still apply
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times == 0:
                            del self._faults[i]
                    return fault
        return None

    def clear(self) -> None:
        """Disarm every fault."""
        with self._lock:
            self._faults.clear()
