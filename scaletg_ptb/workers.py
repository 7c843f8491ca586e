"""The worker threads that run plain ``def`` apps off the event loop."""

from __future__ import annotations

import asyncio
import contextvars
import queue
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
_Job = tuple[Callable[..., Any], tuple[Any, ...], asyncio.AbstractEventLoop, "asyncio.Future[Any]",
             contextvars.Context]


class WorkerPool:
    """Up to ``size`` threads, started as needed, that run calls for the event loop.

    Leaner per call than ``loop.run_in_executor`` with a ThreadPoolExecutor (no
    concurrent.futures.Future to chain): the hop to a thread and back is most of what the
    runner adds to an update's CPU cost.
    """

    def __init__(self, size: int, name: str = "scaletg-app") -> None:
        self.size = size
        self.name = name
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._idle = 0  # threads waiting for a job: when none is, another may start
        self._lock = threading.Lock()

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        """Run ``function(*args)`` in a worker thread, in the caller's context; return its result."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._jobs.put((function, args, loop, future, contextvars.copy_context()))
        with self._lock:
            start = self._idle == 0 and len(self._threads) < self.size
        if start:
            self._start_thread()
        return await future

    def shutdown(self) -> None:
        """Let running calls finish, then stop every thread."""
        with self._lock:
            threads, self._threads = self._threads, []
        for _ in threads:
            self._jobs.put(None)
        for thread in threads:
            thread.join()

    def _start_thread(self) -> None:
        with self._lock:
            if len(self._threads) >= self.size:
                return
            thread = threading.Thread(target=self._work, name=f"{self.name}-{len(self._threads)}", daemon=True)
            self._threads.append(thread)
        thread.start()

    def _work(self) -> None:
        while True:
            with self._lock:
                self._idle += 1
            job = self._jobs.get()
            with self._lock:
                self._idle -= 1
            if job is None:
                return
            function, args, loop, future, context = job
            try:
                result = context.run(function, *args)
            except BaseException as exc:  # noqa: BLE001 - handed to the awaiting coroutine
                _hand_over(loop, future, None, exc)
            else:
                _hand_over(loop, future, result, None)


def _hand_over(loop: asyncio.AbstractEventLoop, future: asyncio.Future[Any], result: Any,
               error: BaseException | None) -> None:
    try:
        loop.call_soon_threadsafe(_settle, future, result, error)
    except RuntimeError:  # the loop is closed: nobody waits any more
        pass


def _settle(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if future.cancelled():  # the update timed out: its result is not wanted
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)
