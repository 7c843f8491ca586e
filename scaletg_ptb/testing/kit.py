"""``SandboxBot``: the emulator plus the real runner with a chosen set of apps."""

from __future__ import annotations

import asyncio
import dataclasses
import importlib
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import ModuleType, TracebackType
from typing import Any

from ..config import load_config
from ..context import current_runtime
from ..core import Update
from ..dispatch import Outcome
from ..emulator import Emulator
from ..errors import ConfigError
from ..inbox import DeadLetter, sqlite_file
from ..registry import Registry
from ..sandbox.runner import SandboxRunner
from ..urls import is_redis_url
from .actions import ActionLog
from .chat import ChatUser
from .isolation import forget_imports
from .stored import StoredData

Json = dict[str, Any]
CONFIG_NAME = "config.yaml"


def find_config(start: str | Path | None = None) -> Path:
    """Return the nearest config.yaml in ``start`` (default: the current folder) or a folder above it."""
    here = Path(start or Path.cwd()).resolve()
    if here.is_file():
        here = here.parent
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder / CONFIG_NAME
    raise ConfigError(
        f"No {CONFIG_NAME} in {here} or any folder above it. Run the tests inside the project, "
        f"or pass config=PATH (the project's config file)."
    )


class SandboxBot:
    """Run the apps of ``config`` (or the given ``apps``) against a fresh Bot API emulator.

    ``config`` defaults to the nearest config.yaml at or above the current folder. Every bot
    imports the project's apps and modules afresh, so module-level state never leaks between bots.
    """

    def __init__(self, apps: Sequence[str] | None = None, *, config: str | Path | None = None,
                 modules: Mapping[str, Mapping[str, Any]] | None = None, timeout: float = 5.0,
                 state_dir: str | Path | None = None) -> None:
        self.timeout = timeout
        base = load_config(find_config() if config is None else config, {}, require_token=False)
        # A fresh state folder per bot: tests must not share set-aside or unfinished updates.
        self.state_dir = Path(state_dir or tempfile.mkdtemp(prefix="scaletg-state-")).resolve()
        self.config = dataclasses.replace(
            base, apps=tuple(base.apps if apps is None else apps),
            modules=_own_storage(base.modules if modules is None else modules),
        )
        self._runner: SandboxRunner | None = None
        self._saved_path: list[str] = []
        self._apps_package, self._modules_package = "apps", "modules"
        self.emulator = Emulator()
        self.actions = ActionLog()  # what the bot did, for the exchanges' edits, deletions, answers
        self.emulator.subscribe(self.actions.record)

    def start(self) -> SandboxBot:
        """Start the emulator, then the bot; return once it polls."""
        self._saved_path = list(sys.path)  # the registry puts the project's folder on it
        registry = Registry(self.config.root, config_name=self.config.path.name)
        # Import the apps and modules afresh: an earlier bot's module state (or another project's
        # package of the same name) must not be what this bot runs.
        forget_imports(registry.apps_dir.name, registry.modules_dir.name)
        registry.populate(self.config.apps, self.config.modules)
        self._apps_package, self._modules_package = registry.apps_dir.name, registry.modules_dir.name
        self._runner = SandboxRunner(self.config, registry, self.emulator, self.state_dir).start()
        return self

    def stop(self) -> None:
        """Stop the bot, then the emulator."""
        if self._runner is not None:
            self._runner.stop()
            self._runner = None
            # Leave imports as they were: a later test's `import apps...` must find its own project.
            sys.path[:] = self._saved_path
            forget_imports(self._apps_package, self._modules_package)

    def __enter__(self) -> SandboxBot:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def app_module(self, name: str) -> ModuleType:
        """Return app ``name``'s app.py as this bot imported it, to reach its module-level state."""
        if name not in self.config.apps:
            raise ValueError(f"App {name!r} is not one of this bot's apps: {', '.join(self.config.apps)}.")
        return importlib.import_module(f"{self._apps_package}.{name}.app")

    def user(self, first_name: str = "Alice", **fields: Any) -> ChatUser:
        """Create a user talking to the bot in a private chat."""
        user = self.emulator.create_user(first_name, **fields)
        return ChatUser(self, user, self.emulator.private_chat(user))

    def group(self, title: str = "Test group", *, supergroup: bool = False) -> Json:
        """Create a group chat that users can join with ``user.in_group(group)``."""
        return self.emulator.create_group(title, supergroup=supergroup)

    def chat_data(self, chat: ChatUser | Json | int) -> StoredData:
        """Return what ``chat_data`` holds for this user's chat (a group, after ``in_group``); ``with`` saves edits.

        ``bot.chat_data(alice)["items"]`` reads; ``with bot.chat_data(alice) as data: data["items"] = []`` seeds.
        """
        chat_id = chat.chat["id"] if isinstance(chat, ChatUser) else chat["id"] if isinstance(chat, dict) else chat
        return self._stored("chat_data", chat_id)

    def user_data(self, user: ChatUser | int) -> StoredData:
        """Return what ``user_data`` holds for this user, across chats; ``with`` saves edits."""
        return self._stored("user_data", user.user["id"] if isinstance(user, ChatUser) else user)

    def bot_data(self) -> StoredData:
        """Return what ``bot_data`` holds; ``with`` saves edits."""
        return self._stored("bot_data")

    def _stored(self, helper: str, *key: int) -> StoredData:
        """Read a key through the bot's own modules.storage, on its loop, as an app would."""
        storage = importlib.import_module(f"{self._modules_package}.storage")

        async def load() -> dict[str, Any]:
            async with getattr(storage, helper)(*key) as data:
                return dict(data)

        async def save(new: dict[str, Any]) -> None:
            async with getattr(storage, helper)(*key) as data:
                data.clear()
                data.update(new)

        return StoredData(self._on_bot(load), lambda new: self._on_bot(lambda: save(new)))

    def _on_bot(self, work: Callable[[], Any]) -> Any:
        runtime = None if self._runner is None else self._runner.runtime
        if runtime is None:
            raise RuntimeError("the bot is not running: call start() first (storage lives with the running bot)")

        async def as_an_app() -> Any:
            current_runtime.set(runtime)  # this task's own context: what an app's update has
            return await work()

        return asyncio.run_coroutine_threadsafe(as_an_app(), runtime.loop).result(self.timeout)

    def dead_letters(self) -> list[DeadLetter]:
        """Return the updates set aside so far (what ``python bot.py inbox`` lists)."""
        db = sqlite_file.connect(self.state_dir / sqlite_file.FILENAME)
        try:
            return sqlite_file.dead_letters(db)
        finally:
            db.close()

    def wait_processed(self, matches: Callable[[Update], bool], what: str) -> Outcome:
        """Wait until an update that ``matches`` has gone through every app; return its outcome."""
        if self._runner is None:
            raise RuntimeError("the bot is not running: call start() first")
        outcome = self._runner.wait_processed(matches, self.timeout)
        if outcome is None:
            raise AssertionError(f"the bot did not process {what} within {self.timeout} s")
        return outcome


def _own_storage(modules: Mapping[str, Mapping[str, Any]]) -> Mapping[str, Mapping[str, Any]]:
    """Keep a kit bot's storage in its own state folder: a Redis URL would share one database across tests."""
    settings = modules.get("storage")
    if settings is None or not is_redis_url(str(settings.get("url", ""))):
        return modules
    return {**modules, "storage": {**settings, "url": "sqlite"}}
