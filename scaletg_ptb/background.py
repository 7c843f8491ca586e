"""Run a bot's long polling in a background thread (for the sandbox chat and the testing kit)."""

from __future__ import annotations

import asyncio
import threading
from types import TracebackType

from telegram.ext import Application


class BackgroundBot:
    """Poll with ``application`` on its own event loop in a daemon thread until ``stop()``."""

    def __init__(self, application: Application, *, poll_timeout: float = 1.0,  # type: ignore[type-arg]
                 allowed_updates: list[str] | None = None) -> None:
        self.application = application
        self.poll_timeout = poll_timeout
        self.allowed_updates = allowed_updates
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._started = threading.Event()
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="scaletg-bot", daemon=True)

    def start(self, timeout: float = 30.0) -> BackgroundBot:
        """Start polling; return once the bot is up, or raise what stopped it from starting."""
        self._thread.start()
        if not self._started.wait(timeout):
            raise TimeoutError(f"the bot did not start within {timeout} s")
        if self._failure is not None:
            raise self._failure
        return self

    def stop(self, timeout: float = 30.0) -> None:
        """Stop polling, let the update in hand finish, shut down, and join the thread."""
        if self._loop is not None and self._stopping is not None and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._stopping.set)
        if self._thread.is_alive():
            self._thread.join(timeout)
        if self._thread.is_alive():
            raise TimeoutError(f"the bot did not stop within {timeout} s")

    def __enter__(self) -> BackgroundBot:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def _run(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as exc:  # noqa: BLE001 - handed to the thread that called start()
            self._failure = exc
        finally:
            self._started.set()

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        application = self.application
        if hasattr(application, "request_stop"):
            application.request_stop = self._stopping.set  # a fatal error ends the thread, not the loop
        async with application:
            await application.start()
            await application.updater.start_polling(  # type: ignore[union-attr]
                poll_interval=0, timeout=self.poll_timeout, allowed_updates=self.allowed_updates)
            self._started.set()
            try:
                await self._stopping.wait()
            finally:
                await application.updater.stop()  # type: ignore[union-attr]
                await application.stop()
