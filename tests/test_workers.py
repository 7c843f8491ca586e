"""The worker pool that runs plain apps off the event loop."""

import asyncio
import contextvars
import threading

import pytest

from scaletg_ptb.workers import WorkerPool

NAME: contextvars.ContextVar[str] = contextvars.ContextVar("name")


def test_calls_run_in_a_worker_thread_with_the_callers_context():
    pool = WorkerPool(2)

    async def main():
        NAME.set("caller")
        return await pool.run(lambda x: (threading.current_thread().name, NAME.get(), x * 2), 21)
    try:
        thread, name, value = asyncio.run(main())
    finally:
        pool.shutdown()
    assert thread.startswith("scaletg-app-") and name == "caller" and value == 42


def test_exceptions_reach_the_caller():
    pool = WorkerPool(1)

    def fail():
        raise ValueError("nope")
    try:
        with pytest.raises(ValueError, match="nope"):
            asyncio.run(pool.run(fail))
    finally:
        pool.shutdown()


def test_at_most_size_threads_run_at_once():
    pool = WorkerPool(3)
    running, most, started = 0, 0, 0
    lock = threading.Lock()
    release = threading.Event()
    three_in = threading.Barrier(4)  # three workers and this test

    def job():
        nonlocal running, most, started
        with lock:
            running += 1
            started += 1
            first_three = started <= 3
            most = max(most, running)
        if first_three:
            three_in.wait(5)
        release.wait(5)
        with lock:
            running -= 1

    async def main():
        jobs = [asyncio.create_task(pool.run(job)) for _ in range(6)]
        await asyncio.to_thread(three_in.wait, 5)
        release.set()
        await asyncio.gather(*jobs)
    try:
        asyncio.run(main())
    finally:
        pool.shutdown()
    assert most == 3 and len(pool._threads) == 0


def test_a_cancelled_wait_leaves_the_late_result_unclaimed():
    pool = WorkerPool(1)
    release = threading.Event()

    async def main():
        waiting = asyncio.create_task(pool.run(release.wait, 5))
        await asyncio.sleep(0)
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        release.set()
        return await pool.run(lambda: "next")  # the pool still works
    try:
        assert asyncio.run(main()) == "next"
    finally:
        pool.shutdown()
