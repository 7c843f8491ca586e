"""The ScaleTG adapter: python-telegram-bot's Application feeds every update into the apps."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any, Literal

import telegram
from telegram.ext import ApplicationBuilder, ContextTypes, ExtBot, TypeHandler

from .application import ScaleApplication
from .config import Config
from .context import Project, Runtime
from .core import Reply, Update, User
from .delivery import Delivery
from .dispatch import Dispatcher, Observer
from .inbox import Inbox, create_inbox
from .menu import sync_command_menu
from .ordering import ChatOrderedProcessor
from .poller import InboxUpdater
from .ptbcompat import quiet_ptb_warnings
from .registry import Registry
from .request import BoundedRequest
from .sending import send_reply
from .updates import ViewedUpdate
from .urls import shown_url
from .workers import WorkerPool

log = logging.getLogger("scaletg_ptb")
Role = Literal["all", "poll", "work"]


class Adapter:
    """Own the dispatcher and its worker pool for the lifetime of one Application."""

    def __init__(self, config: Config, registry: Registry, inbox: Inbox, observers: Sequence[Observer] = (),
                 role: Role = "all") -> None:
        self.config = config
        self.registry = registry
        self.inbox = inbox
        self.role = role
        self.observers = tuple(observers)
        self.dispatcher: Dispatcher | None = None
        self.runtime: Runtime | None = None
        self.workers: WorkerPool | None = None

    async def start(self, bot: ExtBot[None]) -> None:
        """Create the worker pool and the dispatcher once the bot knows who it is."""
        if self.dispatcher is not None:
            return
        if self.role == "poll":
            log.info("@%s is polling %s into the inbox %s; workers (python bot.py work) run the apps. "
                     "Ctrl-C stops it.", bot.username, self.config.base_url.removesuffix("/bot"),
                     shown_url(self.config.inbox))
            return

        delivery = Delivery(self.config.delivery)  # one per bot: it holds the chats' flood pauses

        async def send(reply: Reply) -> Any:
            return await send_reply(bot, reply, delivery)

        async def download(file_id: str) -> bytes:
            return bytes(await (await bot.get_file(file_id)).download_as_bytearray())

        self.workers = WorkerPool(self.config.processing.workers)
        commands = self.registry.commands()
        project = Project(state_dir=self.config.state_dir, inbox=self.config.inbox)
        self.runtime = runtime = Runtime(send=send, loop=asyncio.get_running_loop(), bot=User(bot.bot.to_dict()),
                                         commands=commands, project=project, download=download)
        self.dispatcher = Dispatcher(self.registry, runtime, self.workers, self.observers,
                                     update_timeout=self.config.processing.update_timeout)
        doing = (f"working on the inbox {shown_url(self.config.inbox)}" if self.role == "work"
                 else f"long polling {self.config.base_url.removesuffix('/bot')}")
        log.info("@%s is running, %s. Apps: %s. Modules: %s. Ctrl-C stops it.", bot.username, doing,
                 ", ".join(a.name for a in self.registry.apps) or "none (it will answer nothing)",
                 ", ".join(m.name for m in self.registry.modules) or "none")
        for command, first, later in self.registry.command_clashes():
            log.warning("Command /%s is declared by both '%s' and '%s'; /help lists the one of '%s'.",
                        command, first, later, first)
        await sync_command_menu(bot, commands)

    async def stop(self) -> None:
        """Let running app calls finish, then free the worker pool and run the modules' stop callbacks."""
        if self.workers is not None:
            await asyncio.to_thread(self.workers.shutdown)
            self.workers = None
            self.dispatcher = None
        if self.runtime is not None:
            callbacks, self.runtime = self.runtime.stop_callbacks, None
            for callback in callbacks:
                try:
                    await callback()
                except Exception:  # noqa: BLE001 - one module's cleanup must not stop the others'
                    log.exception("A stop callback (%s) failed", getattr(callback, "__qualname__", callback))

    async def handle(self, update: telegram.Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Run the apps over the update's ScaleTG view."""
        assert self.dispatcher is not None, "Adapter.handle called before Adapter.start"
        if not isinstance(update, ViewedUpdate):
            await self.dispatcher.dispatch(Update(update.to_dict()))  # put in the queue by other code
            return
        # Marked in progress first: a crash in its apps then counts against it (poison protection).
        await self.inbox.begin(update.update_id)
        try:
            await self.dispatcher.dispatch(update.view)
        finally:
            self.inbox.done(update.update_id)


def build_application(config: Config, registry: Registry, observers: Sequence[Observer] = (), *,
                      handle_signals: bool = False, role: Role = "all") -> ScaleApplication:
    """Build PTB's Application with one catch-all handler that feeds the ScaleTG adapter.

    ``observers`` are called with each update and its outcome once it is processed;
    ``handle_signals`` makes SIGINT/SIGTERM drain gracefully, a second one force the stop.
    ``role``: ``all`` polls and runs the apps; ``poll`` only fetches into the (shared) inbox;
    ``work`` only runs the apps on what the inbox holds.
    """
    quiet_ptb_warnings()  # every bot is built here: one place for the filters
    inbox = create_inbox(config)
    adapter = Adapter(config, registry, inbox, observers, role)
    processing = config.processing
    polling_request, calls_request = BoundedRequest(), BoundedRequest(processing.connections)
    bot = ExtBot(
        config.token,
        base_url=config.base_url,
        # files come from the same server: https://api.telegram.org/file/bot<token>/<file_path>
        base_file_url=config.base_url.removesuffix("/bot") + "/file/bot",
        request=calls_request,
        get_updates_request=polling_request,
    )
    updater = InboxUpdater(bot, asyncio.Queue(), inbox, read_timeout=polling_request.read_timeout or 0,
                           poll=role != "work", feed=role != "poll")
    application = (
        ApplicationBuilder()
        .application_class(ScaleApplication, kwargs={
            "adapter": adapter, "inbox": inbox, "handle_signals": handle_signals,
            "stop_timeout": processing.stop_timeout, "requests": (polling_request, calls_request)})
        .updater(updater)  # the Application takes its bot from it
        .concurrent_updates(ChatOrderedProcessor(processing.concurrency))
        .build()
    )
    updater.on_fatal = application.fatal
    if role != "poll":
        application.add_handler(TypeHandler(telegram.Update, adapter.handle))
    application.add_error_handler(_log_error)
    return application


async def _log_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    update_id = update.update_id if isinstance(update, telegram.Update) else None
    log.error("Error while handling update id=%s: %s", update_id, context.error, exc_info=context.error)


def allowed_updates(config: Config) -> list[str]:
    """Return the update kinds to ask Telegram for: the configured ones, or every kind."""
    if config.polling.allowed_updates is None:
        return list(telegram.Update.ALL_TYPES)
    return list(config.polling.allowed_updates)
