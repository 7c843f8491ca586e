"""Run the enabled apps over one update and send the first reply (ScaleTG's lifecycle)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from .context import Runtime, current_runtime
from .core import InvalidReplyError, Reply, Update, to_reply
from .registry import App, Registry
from .workers import WorkerPool

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

    def __init__(self, registry: Registry, runtime: Runtime, workers: WorkerPool,
                 observers: Sequence[Observer] = (), update_timeout: float | None = None) -> None:
        self.registry = registry
        self.update_timeout = update_timeout
        self.runtime = runtime
        self.workers = workers
        self.observers = tuple(observers)
        self.batches = _batches(registry.apps)

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
        refused_by = self._refused_by(update)
        if refused_by:
            return Outcome(update.id, update.type, dropped_by=refused_by)
        selection = _Selection(self, update)
        try:
            # A timeout scope, not wait_for: no extra task per update on the hot path.
            async with asyncio.timeout(self.update_timeout):
                await self._run_apps(update, selection)
        except TimeoutError:
            selection.closed = True  # what the stuck app returns later is ignored
            log.error("Update id=%s: app '%s' did not finish within %g s; moving on without it "
                      "(a plain app's thread runs on until it returns).",
                      update.id, selection.running, self.update_timeout)
        return await selection.outcome()

    async def _run_apps(self, update: Update, selection: _Selection) -> None:
        for batch in self.batches:
            if batch[0].is_async:
                selection.running = batch[0].name
                selection.offer(batch[0], await self._run_async(batch[0], update))
            else:
                await self._run_plain(batch, update, selection)

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

    async def _run_async(self, app: App, update: Update) -> Any:
        """Await an ``async def`` app's process(update); an exception counts as None."""
        try:
            return await app.process(update)
        except Exception as exc:  # noqa: BLE001 - one app must never stop the others
            _log_app_error(app, update, exc)
            return None

    async def _run_plain(self, batch: tuple[App, ...], update: Update, selection: _Selection) -> None:
        """Run consecutive plain ``def`` apps in one worker thread, off the event loop.

        One thread hop per batch instead of per app keeps the runner's CPU cost low; each
        result is handed to the loop at once, so the first reply is sent while later apps run.
        """
        loop = asyncio.get_running_loop()

        def run_batch() -> None:
            for app in batch:
                if selection.closed:
                    return
                selection.running = app.name
                try:
                    result = app.process(update)
                except Exception as exc:  # noqa: BLE001 - one app must never stop the others
                    _log_app_error(app, update, exc)
                    continue
                if result is not None:
                    loop.call_soon_threadsafe(selection.offer, app, result)

        # The offers are queued on the loop before the batch's own result, so all of them are
        # handled before this await returns.
        await self.workers.run(run_batch)

    async def _send(self, reply: Reply, app: App, update: Update) -> bool:
        try:
            await self.runtime.send(reply)
        except Exception as exc:  # noqa: BLE001 - a failed send is logged, the bot goes on
            log.error("Sending the reply of '%s' (%s) for update id=%s failed: %s: %s",
                      app.name, reply.method, update.id, type(exc).__name__, exc)
            return False
        return True



class _Selection:
    """The first app result that is not None, and the send of its reply (lives on the loop)."""

    def __init__(self, dispatcher: Dispatcher, update: Update) -> None:
        self.dispatcher = dispatcher
        self.update = update
        self.chosen: App | None = None
        self.reply: Reply | None = None
        self.sending: asyncio.Task[bool] | None = None
        self.running = ""  # the app running now, named if it hangs
        self.closed = False

    def offer(self, app: App, result: Any) -> None:
        """Take ``result`` if it is the first one; start sending its reply right away."""
        if result is None or self.closed:
            return
        update = self.update
        if self.chosen is not None:
            log.debug("Update id=%s: reply of '%s' discarded, '%s' answered first",
                      update.id, app.name, self.chosen.name)
            return
        try:
            reply = to_reply(result, app=app.name, update=update)
        except InvalidReplyError as exc:
            log.error("%s", exc)
            return
        self.chosen, self.reply = app, reply
        if reply is not None:
            self.sending = asyncio.ensure_future(self.dispatcher._send(reply, app, update))

    async def outcome(self) -> Outcome:
        """Wait for the send, if any, and say what happened."""
        update = self.update
        if self.chosen is None:
            return Outcome(update.id, update.type)
        sent = await self.sending if self.sending is not None else False
        return Outcome(update.id, update.type, app=self.chosen.name, reply=self.reply, sent=sent)


def _batches(apps: Sequence[App]) -> tuple[tuple[App, ...], ...]:
    """Group consecutive plain apps together; each async app stands alone."""
    batches: list[list[App]] = []
    for app in apps:
        if app.is_async or not batches or batches[-1][0].is_async:
            batches.append([app])
        else:
            batches[-1].append(app)
    return tuple(tuple(batch) for batch in batches)


def _log_app_error(app: App, update: Update, exc: Exception) -> None:
    log.error("App '%s' raised %s on update id=%s: %s", app.name, type(exc).__name__, update.id, exc,
              exc_info=exc)
