"""The ScaleTG adapter: python-telegram-bot's Application feeds every update into the apps."""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Sequence
from typing import Any

import telegram
from telegram.ext import Application, ApplicationBuilder, ContextTypes, ExtBot, TypeHandler
from telegram.request import HTTPXRequest
from telegram.warnings import PTBUserWarning

from .config import Config
from .context import Runtime
from .core import Reply, Update, User
from .dispatch import Dispatcher, Observer
from .ordering import Backlog, ChatOrderedProcessor
from .registry import Registry
from .sending import send_reply

log = logging.getLogger("scaletg_ptb")


class ScaleBot(ExtBot[None]):
    """PTB's ExtBot that waits for room in the backlog before fetching more updates.

    It is also quiet about ``do_api_request``: ScaleTG sends every reply through it by design.
    """

    def __init__(self, *args: Any, backlog: Backlog | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._backlog = backlog
        self._raw_updates: dict[int, dict[str, Any]] = {}

    def pop_raw_update(self, update_id: int) -> dict[str, Any] | None:
        """Return (once) the update's JSON exactly as Telegram sent it, if this bot fetched it."""
        return self._raw_updates.pop(update_id, None)

    async def _post(self, endpoint: str, *args: Any, **kwargs: Any) -> Any:
        result = await super()._post(endpoint, *args, **kwargs)
        if endpoint == "getUpdates" and isinstance(result, list):
            # Keep Telegram's own dicts: cheaper and truer than rebuilding them with to_dict().
            for raw in result:
                if isinstance(raw, dict) and isinstance(raw.get("update_id"), int):
                    self._raw_updates[raw["update_id"]] = raw
        return result

    async def get_updates(self, *args: Any, **kwargs: Any) -> tuple[telegram.Update, ...]:
        """Fetch updates once fewer than ``max_pending`` are waiting (backpressure)."""
        if self._backlog is not None:
            await self._backlog.wait_for_room()
        updates = await super().get_updates(*args, **kwargs)
        if self._backlog is not None:
            self._backlog.add(len(updates))
        return updates

    @classmethod
    def _warn(cls, message: str | PTBUserWarning, category: type[Warning] = PTBUserWarning,
              stacklevel: int = 0) -> None:
        if "instead of 'Bot.do_api_request" in str(message):
            return
        super()._warn(message, category=category, stacklevel=stacklevel + 1)


class ScaleApplication(Application):  # type: ignore[type-arg]
    """PTB's Application that starts and stops the adapter with itself.

    ``initialize``/``shutdown`` run both under ``run_polling`` and under ``async with
    application``, unlike ``post_init``, so tests and the sandbox get the same lifecycle.
    """

    def __init__(self, *, adapter: Adapter, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.adapter = adapter

    async def initialize(self) -> None:
        await super().initialize()  # calls getMe, so the bot knows its username
        await self.adapter.start(self.bot)

    async def shutdown(self) -> None:
        await self.adapter.stop()
        await super().shutdown()


class Adapter:
    """Own the dispatcher and its worker pool for the lifetime of one Application."""

    def __init__(self, config: Config, registry: Registry, observers: Sequence[Observer] = ()) -> None:
        self.config = config
        self.registry = registry
        self.observers = tuple(observers)
        self.dispatcher: Dispatcher | None = None
        self.executor: ThreadPoolExecutor | None = None

    async def start(self, bot: ExtBot[None]) -> None:
        """Create the worker pool and the dispatcher once the bot knows who it is."""
        if self.dispatcher is not None:
            return

        async def send(reply: Reply) -> Any:
            return await send_reply(bot, reply)

        self.executor = ThreadPoolExecutor(self.config.processing.workers, thread_name_prefix="scaletg-app")
        runtime = Runtime(send=send, loop=asyncio.get_running_loop(), bot=User(bot.bot.to_dict()),
                          commands=self.registry.commands())
        self.dispatcher = Dispatcher(self.registry, runtime, self.executor, self.observers)
        log.info("Bot @%s is up with apps: %s", bot.username,
                 ", ".join(a.name for a in self.registry.apps) or "(none: it will answer nothing)")
        for command, first, later in self.registry.command_clashes():
            log.warning("Command /%s is declared by both '%s' and '%s'; /help lists the one of '%s'.",
                        command, first, later, first)

    async def stop(self) -> None:
        """Let running app calls finish, then free the worker pool."""
        if self.executor is not None:
            await asyncio.to_thread(self.executor.shutdown, wait=True)
            self.executor = None
            self.dispatcher = None

    async def handle(self, update: telegram.Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Turn PTB's update into ScaleTG's view and run the apps over it."""
        assert self.dispatcher is not None, "Adapter.handle called before Adapter.start"
        bot = context.bot
        raw = bot.pop_raw_update(update.update_id) if isinstance(bot, ScaleBot) else None
        await self.dispatcher.dispatch(Update(raw if raw is not None else update.to_dict()))


def build_application(config: Config, registry: Registry,
                      observers: Sequence[Observer] = ()) -> ScaleApplication:
    """Build PTB's Application with one catch-all handler that feeds the ScaleTG adapter.

    ``observers`` are called with each update and its outcome once it is processed.
    """
    adapter = Adapter(config, registry, observers)
    processing = config.processing
    backlog = Backlog(processing.max_pending)
    bot = ScaleBot(
        config.token,
        base_url=config.base_url,
        request=HTTPXRequest(connection_pool_size=max(8, min(processing.concurrency, 256))),
        get_updates_request=HTTPXRequest(),
        backlog=backlog,
    )
    application = (
        ApplicationBuilder()
        .application_class(ScaleApplication, kwargs={"adapter": adapter})
        .bot(bot)
        .concurrent_updates(ChatOrderedProcessor(processing.concurrency, backlog))
        .build()
    )
    application.add_handler(TypeHandler(telegram.Update, adapter.handle))
    application.add_error_handler(_log_error)
    return application


async def _log_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    log.error("Error while handling update: %s", context.error, exc_info=context.error)


def allowed_updates(config: Config) -> list[str]:
    """Return the update kinds to ask Telegram for: the configured ones, or every kind."""
    if config.polling.allowed_updates is None:
        return list(telegram.Update.ALL_TYPES)
    return list(config.polling.allowed_updates)
