"""What an app can reach while it processes an update: extra sends, the bot, the commands, the project.

The runner sets a context variable around each update; ``asyncio`` tasks and the worker
threads of plain ``def`` apps both inherit it, so these helpers work from either kind of app.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .core import Reply, User


@dataclass(frozen=True)
class Project:
    """Where the running bot keeps its state, for modules that keep some (read-only).

    ``inbox`` is the inbox setting: ``sqlite`` (the file ``inbox.sqlite3`` in ``state_dir``),
    ``memory``, or a Redis URL, which may hold a password: show it with ``scaletg_ptb.urls.shown_url``.
    """

    state_dir: Path
    inbox: str = "sqlite"


@dataclass(frozen=True)
class Runtime:
    """The running bot as apps see it."""

    send: Callable[[Reply], Awaitable[Any]]
    loop: asyncio.AbstractEventLoop
    bot: User
    commands: Mapping[str, str]
    project: Project | None = None
    # Run by the adapter when the bot stops, after the last update: modules close what they opened.
    stop_callbacks: list[Callable[[], Awaitable[None]]] = field(default_factory=list, compare=False)
    download: Callable[[str], Awaitable[bytes]] | None = None  # getFile, then the file's bytes


current_runtime: ContextVar[Runtime] = ContextVar("scaletg_runtime")


def _runtime(helper: str) -> Runtime:
    try:
        return current_runtime.get()
    except LookupError:
        raise RuntimeError(
            f"scaletg_ptb.{helper}() works only while an app processes an update "
            f"(inside process(update))."
        ) from None


def send(reply: Reply, timeout: float | None = 60.0) -> Any:
    """Send ``reply`` now from a plain ``def`` app and return Telegram's result."""
    runtime = _runtime("send")
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    if running is runtime.loop:
        raise RuntimeError(
            "scaletg_ptb.send() blocks until Telegram answers; in an async app use "
            "'await scaletg_ptb.send_async(reply)' instead."
        )
    future = asyncio.run_coroutine_threadsafe(runtime_send(runtime, reply), runtime.loop)
    try:
        return future.result(timeout)
    except TimeoutError:
        future.cancel()  # the app has given up on it: it must not go out later
        raise


async def send_async(reply: Reply) -> Any:
    """Send ``reply`` now from an ``async def`` app and return Telegram's result."""
    return await runtime_send(_runtime("send_async"), reply)


async def runtime_send(runtime: Runtime, reply: Reply) -> Any:
    """Send through ``runtime``; split out so ``send`` can schedule it from a thread."""
    if not isinstance(reply, Reply):
        raise TypeError(f"send() takes a scaletg_ptb.Reply, got {type(reply).__name__}.")
    return await runtime.send(reply)



def download(file_id: str, timeout: float | None = 60.0) -> bytes:
    """Return the content of a file a user sent (by its ``file_id``), from a plain ``def`` app."""
    runtime = _runtime("download")
    if runtime.download is None:
        raise RuntimeError("this runner cannot download files")
    return asyncio.run_coroutine_threadsafe(runtime.download(file_id), runtime.loop).result(timeout)


async def download_async(file_id: str) -> bytes:
    """Return the content of a file a user sent (by its ``file_id``), from an ``async def`` app."""
    runtime = _runtime("download_async")
    if runtime.download is None:
        raise RuntimeError("this runner cannot download files")
    return await runtime.download(file_id)


def bot_info() -> User:
    """Return the bot's own user (from getMe)."""
    return _runtime("bot_info").bot


def enabled_commands() -> Mapping[str, str]:
    """Return command → description for the enabled apps, in config order."""
    return _runtime("enabled_commands").commands


def project() -> Project:
    """Return where the running bot keeps its state (its state folder and its inbox)."""
    found = _runtime("project").project
    if found is None:
        raise RuntimeError("scaletg_ptb.project() is not known to this runner.")
    return found


def on_stop(callback: Callable[[], Awaitable[None]]) -> None:
    """Have ``await callback()`` run once when the bot stops, after its last update (to close connections)."""
    _runtime("on_stop").stop_callbacks.append(callback)
