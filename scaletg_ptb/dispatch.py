"""Run the enabled apps over one update and send the first reply (ScaleTG's lifecycle)."""

from __future__ import annotations

import asyncio
import contextvars
import inspect
import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, replace
from typing import Any

from .context import Runtime, current_runtime
from .core import InvalidReplyError, Reply, Update, to_reply
from .registry import App, Registry

log = logging.getLogger("scaletg_ptb.dispatch")


@dataclass(frozen=True)
class Outcome:
    """What happened to one update."""

    update_id: int
    update_type: str | None
    app: str | None = None  # the app whose result was taken
    reply: Reply | None = None  # what was sent, if anything
    sent: bool = False
    dropped_by: str | None = None  # the module whose gate refused the update
    duration: float = 0.0

    def describe(self) -> str:
        """Say in a few words what happened, for the one log line per update."""
        if self.dropped_by:
            return f"dropped by module '{self.dropped_by}'"
        if self.app is None:
            return "not handled"
        if self.reply is None:
            return f"handled by '{self.app}' (nothing to send)"
        if not self.sent:
            return f"answered by '{self.app}' ({self.reply.method}) but sending failed"
        return f"answered by '{self.app}' ({self.reply.method})"


Observer = Callable[[Update, Outcome], None]
"""Called after each update with what happened (the testing kit and the sandbox listen)."""


class Dispatcher:
    """Give each update to every enabled app in config order; send the first non-None reply."""

    def __init__(self, registry: Registry, runtime: Runtime, executor: Executor,
                 observers: Sequence[Observer] = ()) -> None:
        self.registry = registry
        self.runtime = runtime
        self.executor = executor
        self.observers = tuple(observers)

    async def dispatch(self, update: Update) -> Outcome:
        """Process ``update`` and log one line about it."""
        started = time.perf_counter()
        token = current_runtime.set(self.runtime)
        try:
            outcome = await self._dispatch(update)
        finally:
            current_runtime.reset(token)
        duration = time.perf_counter() - started
        log.info("Update id=%s type=%s %s in %.1f ms", update.id, update.type, outcome.describe(),
                 duration * 1000)
        outcome = replace(outcome, duration=duration)
        for observer in self.observers:
            observer(update, outcome)
        return outcome

    async def _dispatch(self, update: Update) -> Outcome:
        base = Outcome(update.id, update.type)
        refused_by = self._refused_by(update)
        if refused_by:
            return Outcome(update.id, update.type, dropped_by=refused_by)
        chosen: App | None = None
        reply: Reply | None = None
        sending: asyncio.Task[bool] | None = None
        for app in self.registry.apps:
            result = await self._run(app, update)
            if result is None:
                continue
            if chosen is not None:
                log.debug("Update id=%s: reply of '%s' discarded, '%s' answered first",
                          update.id, app.name, chosen.name)
                continue
            try:
                reply = to_reply(result, app=app.name, update=update)
            except InvalidReplyError as exc:
                log.error("%s", exc)
                continue
            chosen = app
            if reply is not None:
                # Send as soon as the reply is known, while the later apps still run.
                sending = asyncio.create_task(self._send(reply, app, update))
        if chosen is None:
            return base
        sent = await sending if sending is not None else False
        return Outcome(update.id, update.type, app=chosen.name, reply=reply, sent=sent)

    def _refused_by(self, update: Update) -> str | None:
        for module in self.registry.modules:
            if module.allows is None:
                continue
            try:
                allowed = module.allows(update)
            except Exception:  # noqa: BLE001 - a gate that fails must close, not open
                log.exception("Module '%s' failed to check update id=%s; dropping it", module.name, update.id)
                return module.name
            if not allowed:
                return module.name
        return None

    async def _run(self, app: App, update: Update) -> Any:
        """Call the app's process(update); an exception counts as None."""
        try:
            if app.is_async:
                result = await app.process(update)
            else:
                result = await self._in_worker(app.process, update)
            if inspect.isawaitable(result):
                result = await result
            return result
        except Exception as exc:  # noqa: BLE001 - one app must never stop the others
            log.error("App '%s' raised %s on update id=%s: %s", app.name, type(exc).__name__,
                      update.id, exc, exc_info=True)
            return None

    async def _in_worker(self, function: Callable[[Update], Any], update: Update) -> Any:
        """Run a plain ``def`` app in the worker pool so it never blocks the event loop."""
        loop = asyncio.get_running_loop()
        context = contextvars.copy_context()
        return await loop.run_in_executor(self.executor, context.run, function, update)

    async def _send(self, reply: Reply, app: App, update: Update) -> bool:
        try:
            await self.runtime.send(reply)
        except Exception as exc:  # noqa: BLE001 - a failed send is logged, the bot goes on
            log.error("Sending the reply of '%s' (%s) for update id=%s failed: %s: %s",
                      app.name, reply.method, update.id, type(exc).__name__, exc)
            return False
        return True

