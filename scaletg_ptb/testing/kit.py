"""``SandboxBot``: the emulator plus the real runner with a chosen set of apps."""

from __future__ import annotations

import dataclasses
import tempfile
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from ..background import BackgroundBot
from ..config import load_config
from ..core import Update
from ..dispatch import Outcome
from ..emulator import Emulator
from ..registry import Registry
from .chat import ChatUser

Json = dict[str, Any]


class SandboxBot:
    """Run the apps of ``config`` (or the given ``apps``) against a fresh Bot API emulator."""

    def __init__(self, apps: Sequence[str] | None = None, *, config: str | Path = "config.yaml",
                 modules: Mapping[str, Mapping[str, Any]] | None = None, timeout: float = 5.0,
                 state_dir: str | Path | None = None) -> None:
        self.emulator = Emulator()
        self.timeout = timeout
        base = load_config(config, {}, require_token=False)
        # A fresh state folder per bot: tests must not share set-aside or unfinished updates.
        self.state_dir = Path(state_dir or tempfile.mkdtemp(prefix="scaletg-state-")).resolve()
        self.config = dataclasses.replace(
            base, token=self.emulator.token, base_url="",
            apps=tuple(base.apps if apps is None else apps),
            modules=base.modules if modules is None else modules,
            state=str(self.state_dir),
        )
        self._processed: list[tuple[Update, Outcome]] = []
        self._cond = threading.Condition()
        self._runner: BackgroundBot | None = None

    def start(self) -> SandboxBot:
        """Start the emulator, then the bot; return once it polls."""
        from ..adapter import allowed_updates, build_application

        self.emulator.start()
        config = dataclasses.replace(self.config, base_url=self.emulator.base_url)
        registry = Registry(config.root, config_name=config.path.name)
        registry.populate(config.apps, config.modules)
        application = build_application(config, registry, observers=[self._observe])
        self._runner = BackgroundBot(application, allowed_updates=allowed_updates(config)).start()
        return self

    def stop(self) -> None:
        """Stop the bot, then the emulator."""
        if self._runner is not None:
            self._runner.stop()
            self._runner = None
        self.emulator.stop()

    def __enter__(self) -> SandboxBot:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def user(self, first_name: str = "Alice", **fields: Any) -> ChatUser:
        """Create a user talking to the bot in a private chat."""
        user = self.emulator.create_user(first_name, **fields)
        return ChatUser(self, user, self.emulator.private_chat(user))

    def group(self, title: str = "Test group", *, supergroup: bool = False) -> Json:
        """Create a group chat that users can join with ``user.in_group(group)``."""
        return self.emulator.create_group(title, supergroup=supergroup)

    def wait_processed(self, matches: Callable[[Update], bool], what: str) -> Outcome:
        """Wait until an update that ``matches`` has gone through every app; return its outcome."""
        def find() -> Outcome | None:
            return next((outcome for update, outcome in self._processed if matches(update)), None)

        with self._cond:
            if not self._cond.wait_for(lambda: find() is not None, self.timeout):
                raise AssertionError(f"the bot did not process {what} within {self.timeout} s")
            return find()  # type: ignore[return-value]

    def _observe(self, update: Update, outcome: Outcome) -> None:
        with self._cond:
            self._processed.append((update, outcome))
            self._cond.notify_all()
