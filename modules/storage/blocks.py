"""The ``with`` / ``async with`` blocks that load a key's dict, lock it, and save it when the block succeeds."""

from __future__ import annotations

import asyncio
import json
from contextvars import ContextVar
from types import TracebackType
from typing import Any

from scaletg_ptb.context import Runtime, current_runtime

from . import settings as configured
from .stores import Held, Store

_open_keys: ContextVar[frozenset[str]] = ContextVar("scaletg_storage_open", default=frozenset())
_stores: dict[int, Store] = {}  # one per running bot (its Runtime), created on first use


class Data:
    """One block over one key's dict: ``with`` in a plain ``def`` app, ``async with`` in an ``async def`` one.

    The dict is loaded when the block starts and saved when it ends without an exception;
    meanwhile no other block of the same key runs (in this process, or on any worker with Redis).
    """

    def __init__(self, key: str, what: str, ttl: float | None = None) -> None:
        if ttl is not None and not (isinstance(ttl, (int, float)) and not isinstance(ttl, bool) and ttl > 0):
            raise ValueError(f"{what}: ttl must be a number of seconds above 0, got {ttl!r}.")
        self.key, self.what, self.ttl = key, what, ttl
        self.data: dict[str, Any] = {}
        self._store: Store | None = None
        self._held: Held | None = None
        self._before: str | None = None
        self._runtime: Runtime | None = None
        self._token: Any = None

    # -- plain apps: the work runs on the bot's loop, this thread waits --------------------------

    def __enter__(self) -> dict[str, Any]:
        runtime = self._begin("with", "async with")
        try:
            asyncio.run_coroutine_threadsafe(self._open(runtime), runtime.loop).result()
        except BaseException:
            self._end()
            raise
        return self.data

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        assert self._runtime is not None
        try:
            text = self._encode() if kind is None else None
        except BaseException:
            asyncio.run_coroutine_threadsafe(self._close(False, None), self._runtime.loop).result()
            self._end()
            raise
        try:
            asyncio.run_coroutine_threadsafe(self._close(kind is None, text), self._runtime.loop).result()
        finally:
            self._end()

    # -- async apps: the work runs right here, on the loop --------------------------------------

    async def __aenter__(self) -> dict[str, Any]:
        runtime = self._begin("async with", "with")
        try:
            await self._open(runtime)
        except BaseException:
            self._end()
            raise
        return self.data

    async def __aexit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        try:
            text = self._encode() if kind is None else None
        except BaseException:
            await self._close(False, None)
            self._end()
            raise
        try:
            await self._close(kind is None, text)
        finally:
            self._end()

    # -- the steps -----------------------------------------------------------------------------

    def _begin(self, used: str, other: str) -> Runtime:
        try:
            runtime = current_runtime.get()
        except LookupError:
            raise RuntimeError(f"{self.what}: storage blocks work only while an app processes an update "
                               "(inside process(update)).") from None
        on_loop = _running_loop() is runtime.loop
        if on_loop != (used == "async with"):
            kind = "an async def app" if on_loop else "a plain def app (it runs in a worker thread)"
            raise RuntimeError(f"{self.what}: in {kind} use '{other} ...', not '{used} ...'.")
        if self._runtime is not None:
            raise RuntimeError(f"{self.what}: this block object was already used; call chat_data(...) again.")
        held = _open_keys.get()
        if self.key in held:
            raise RuntimeError(f"{self.what} is already open in an enclosing block; use that block's dict "
                               "(a second block of the same key would wait for the first forever).")
        self._token = _open_keys.set(held | {self.key})
        self._runtime = runtime
        return runtime

    def _end(self) -> None:
        _open_keys.reset(self._token)

    async def _open(self, runtime: Runtime) -> None:
        store = self._store = store_for(runtime)
        self._held = await store.lock(self.key, configured.current.lock_timeout)
        try:
            self._before = await store.read(self.key)
        except BaseException:
            await self._held.release()
            raise
        self.data = json.loads(self._before) if self._before else {}

    async def _close(self, save: bool, text: str | None) -> None:
        assert self._store is not None and self._held is not None
        ttl = self.ttl if self.ttl is not None else configured.current.ttl
        try:
            if save and (text != self._before or (ttl is not None and text is not None)):
                await self._store.write(self._held, text, ttl)
        finally:
            await self._held.release()

    def _encode(self) -> str | None:
        return encode(self.data, self.what)


def encode(data: dict[str, Any], what: str) -> str | None:
    """Return ``data`` as JSON (None when empty: the key is deleted); TypeError naming a key that JSON would change."""
    if not isinstance(data, dict):
        raise TypeError(f"{what}: the data must stay a dict, got {type(data).__name__}.")
    if not data:
        return None
    for key, value in data.items():
        if not isinstance(key, str):
            raise TypeError(f"{what}: key {key!r} is not a string; JSON keys are strings (use {str(key)!r}).")
        try:
            text = json.dumps(value, ensure_ascii=False, allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"{what}: the value of {key!r} cannot be saved as JSON ({exc}). Store str, int, "
                            "float, bool, None, lists and dicts with string keys (a datetime as its "
                            ".isoformat()).") from None
        back = json.loads(text)
        if back != value:
            raise TypeError(f"{what}: the value of {key!r} would come back from JSON changed, as {back!r} "
                            "(tuples become lists, dict keys become strings). Store lists and dicts with "
                            "string keys.")
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def store_for(runtime: Runtime) -> Store:
    """Return the running bot's store, opening it on first use (on the bot's loop)."""
    store = _stores.get(id(runtime))
    if store is None:
        if runtime.project is None:
            raise RuntimeError("modules.storage needs scaletg_ptb.project(), which this runner does not set.")
        store = _stores[id(runtime)] = configured.open_store(configured.current, runtime.project)
        # What scaletg_ptb.on_stop does; this coroutine runs in the loop's context, not the app's.
        runtime.stop_callbacks.append(lambda: _close(id(runtime)))
    return store


async def _close(runtime_id: int) -> None:
    store = _stores.pop(runtime_id, None)
    if store is not None:
        await store.close()


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None
