"""The ``Emulator`` facade: a Bot API server on 127.0.0.1 in a daemon thread, and test helpers."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Any

from . import files as file_server
from .calls import Call, CallLog, Event, EventBus
from .control import PREFIX, Control
from .faults import Fault, FaultTable
from .http import HttpServer, Request, Response
from .media import FileStore
from .methods import BotApi
from .people import People
from .router import Router
from .state import World
from .updates import UpdateQueue
from .users import UserActions

Json = dict[str, Any]


class Emulator(People):
    """A fake Telegram Bot API over real HTTP; every method is thread-safe."""

    def __init__(
        self,
        token: str = "123456:TEST-TOKEN",
        bot_username: str = "ScaleTGBot",
        bot_first_name: str = "ScaleTG",
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        call_log_limit: int | None = 100_000,
    ) -> None:
        bot_id, colon, secret = token.partition(":")
        if not (bot_id.isdigit() and colon and secret):
            raise ValueError(f"token {token!r} is not shaped like a bot token: use '<bot id>:<secret>'")
        self.token = token
        self.host = host
        self.port = port
        self.bot_user: Json = {
            "id": int(bot_id), "is_bot": True, "first_name": bot_first_name, "username": bot_username,
            "can_join_groups": True, "can_read_all_group_messages": False,
            # inline mode is on (as /setinline would set it): the users may send inline queries
            "supports_inline_queries": True, "can_connect_to_business": False, "has_main_web_app": False,
        }  # fmt: skip
        self._world = World(self.bot_user)
        self._updates = UpdateQueue(self._world.cond)
        self._log = CallLog(self._world.cond, call_log_limit)
        self._events = EventBus()
        self._faults = FaultTable()
        files = self._files = FileStore()
        self._users = UserActions(self._world, self._updates, files)
        self._router = Router(
            token, BotApi(self._world, self._updates, files, self._events), self._faults, self._log
        )
        self._control = Control(self._world, self._users)  # the user side, for other processes
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> Emulator:
        """Bind the port and serve from a daemon thread; return self."""
        if self._thread is not None:
            raise RuntimeError("the emulator is already running")
        started = threading.Event()
        failure: list[BaseException] = []
        self._thread = threading.Thread(
            target=self._serve, args=(started, failure), name="bot-api-emulator", daemon=True
        )
        self._thread.start()
        started.wait()
        if failure:
            self._thread.join()
            self._thread = None
            raise failure[0]
        return self

    def _serve(self, started: threading.Event, failure: list[BaseException]) -> None:
        loop = self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        server = HttpServer(self._route)
        try:
            try:
                self.port = loop.run_until_complete(server.start(self.host, self.port))
            except BaseException as err:  # e.g. port in use: re-raised by start()
                failure.append(err)
                return
            self._updates.attach(loop)
            started.set()
            loop.run_forever()
            loop.run_until_complete(server.close())
            pending = asyncio.all_tasks(loop)
            for task in pending:
                task.cancel()
            if pending:
                loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        finally:
            self._updates.attach(None)
            asyncio.set_event_loop(None)
            loop.close()
            started.set()

    def _route(self, request: Request) -> Response | Any:
        """Send a request to the users' API, the file server or the Bot API."""
        if request.path.startswith(PREFIX):
            return self._control(request)
        if request.path.startswith(file_server.FILE_PREFIX):
            return file_server.download(request, self.token, self._files)
        return self._router(request)

    def stop(self) -> None:
        """Close every connection and stop the server thread; idempotent."""
        thread, loop = self._thread, self._loop
        if thread is None or loop is None:
            return
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        self._thread = self._loop = None

    def __enter__(self) -> Emulator:
        return self if self._thread is not None else self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def file_url(self, file_path: str) -> str:
        """Return the download URL of a file_path that getFile gave (as PTB builds it)."""
        return f"http://{self.host}:{self.port}{file_server.FILE_PREFIX}{self.token}/{file_path}"

    @property
    def base_url(self) -> str:
        """The URL to give PTB's ``base_url`` (PTB appends the token)."""
        if self._thread is None:
            raise RuntimeError("start() the emulator first: its port is chosen when it binds")
        return f"http://{self.host}:{self.port}/bot"

    # -- observing the bot -----------------------------------------------------------------

    def history(self, chat_id: int) -> list[Json]:
        """Return the chat's messages, user's and bot's, in order."""
        return self._world.history(chat_id)

    def bot_messages(self, chat_id: int) -> list[Json]:
        """Return only the bot's messages in the chat."""
        return self._world.bot_messages(chat_id)

    @property
    def calls(self) -> list[Call]:
        """Return every API request so far, oldest first."""
        return self._log.all()

    @property
    def commands(self) -> list[Json]:
        """Return the commands last set for the default scope and no language."""
        with self._world.cond:
            return list(self._world.commands.get(("default", ""), []))

    @property
    def callback_answers(self) -> dict[str, Json]:
        """Return answerCallbackQuery's text/show_alert/url by callback query id."""
        with self._world.cond:
            return dict(self._world.callback_answers)

    def wait_for_bot_messages(self, chat_id: int, count: int, timeout: float = 5.0) -> list[Json]:
        """Wait until the chat holds ``count`` bot messages; return all the bot's messages."""
        return self._world.wait_for_bot_messages(chat_id, count, timeout)

    def wait_for_call(
        self, method: str | None, timeout: float = 5.0, predicate: Callable[[Call], bool] | None = None
    ) -> Call:
        """Return the oldest matching call not returned before, waiting for it."""
        return self._log.wait_for(method, timeout, predicate)

    def wait_until_confirmed(self, timeout: float = 5.0) -> None:
        """Wait until the bot confirmed (via offset) every queued update."""
        self._updates.wait_confirmed(timeout)

    def wait_for_long_poll(self, timeout: float = 5.0) -> None:
        """Wait until a getUpdates long poll is parked waiting for updates."""
        self._updates.wait_parked(timeout)

    def pending_update_count(self) -> int:
        """Return how many updates the bot has not confirmed yet."""
        return self._updates.pending()

    def subscribe(self, callback: Callable[[Event], None]) -> Callable[[], None]:
        """Call ``callback(event)`` from the server thread on every bot action; return unsubscribe."""
        return self._events.subscribe(callback)

    # -- misbehaving -----------------------------------------------------------------------

    def revoke_token(self) -> None:
        """Answer every request from now on with 401 Unauthorized."""
        self._router.revoked = True

    def inject_fault(
        self,
        method: str | None = "sendMessage",
        *,
        status: int | None = None,
        retry_after: int | None = None,
        delay: float | None = None,
        drop: bool = False,
        times: int | None = 1,
        description: str | None = None,
        after: bool = False,
        every: int = 1,
    ) -> Fault:
        """Make the next ``times`` requests of ``method`` (None or "*": any) fail, stall or drop.

        ``drop`` closes the connection unanswered before the method runs; with ``after`` the
        method runs first (a message is sent, the call logged as answered) and only its answer
        is lost. ``every=N`` hits one matching request in N (the Nth, 2Nth, ...).
        """
        method = None if method == "*" else method
        return self._faults.add(Fault(method, status, retry_after, delay, drop, times, description, after, every))

    def clear_faults(self) -> None:
        """Disarm every injected fault."""
        self._faults.clear()
