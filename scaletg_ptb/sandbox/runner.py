"""The emulator and the real runner, wired together: the bot of the sandbox chat."""

from __future__ import annotations

import dataclasses
import tempfile
import threading
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from ..background import BackgroundBot
from ..config import Config
from ..context import Runtime
from ..core import Update
from ..dispatch import Outcome
from ..emulator import Emulator
from ..registry import Registry


class BotRunner(Protocol):
    """What the chat needs from its bot: this process's (``SandboxRunner``) or a child's (``--reload``)."""

    config: Config
    emulator: Emulator

    @property
    def bot_username(self) -> str:
        """Return the bot's @username (without the @)."""

    @property
    def allowed_updates(self) -> list[str]:
        """Return the update kinds the bot asks for."""

    @property
    def processed(self) -> int:
        """Return how many updates have gone through the apps so far."""

    @property
    def running(self) -> bool:
        """Tell whether the bot is up or on its way up (False while a crashed bot waits for a fix)."""

    def wait_processed(self, matches: Callable[[Update], bool], timeout: float) -> Outcome | None:
        """Wait until an update that ``matches`` was processed; return its outcome, or None."""

    def stop(self, timeout: float = 30.0) -> None:
        """Stop the bot gracefully; TimeoutError if it has not stopped within ``timeout`` seconds."""


class Outcomes:
    """The latest processed updates with their outcomes, which the chat waits on."""

    def __init__(self, cond: threading.Condition | None = None, keep: int = 1000) -> None:
        self.cond = cond or threading.Condition()
        self._recent: deque[tuple[Update, Outcome]] = deque(maxlen=keep)
        self._count = 0

    @property
    def count(self) -> int:
        """Return how many updates have been recorded so far."""
        with self.cond:
            return self._count

    def record(self, update: Update, outcome: Outcome) -> None:
        """Record a processed update and wake the waiters."""
        with self.cond:
            self._recent.append((update, outcome))
            self._count += 1
            self.cond.notify_all()

    def wait_for(self, matches: Callable[[Update], bool], timeout: float,
                 give_up: Callable[[], bool] = lambda: False) -> Outcome | None:
        """Wait until an update that ``matches`` is recorded (or ``give_up()``); return its outcome or None."""
        def find() -> Outcome | None:
            return next((outcome for update, outcome in self._recent if matches(update)), None)

        with self.cond:
            self.cond.wait_for(lambda: find() is not None or give_up(), timeout)
            return find()


class EmulatorBot:
    """What every runner of the sandbox knows from its config and its emulator."""

    config: Config
    emulator: Emulator
    outcomes: Outcomes

    @property
    def processed(self) -> int:
        """Return how many updates have gone through the apps so far."""
        return self.outcomes.count

    @property
    def bot_username(self) -> str:
        """Return the bot's @username (without the @)."""
        return str(self.emulator.bot_user["username"])

    @property
    def allowed_updates(self) -> list[str]:
        """Return the update kinds the bot asks for, by its config."""
        from ..adapter import allowed_updates

        return allowed_updates(self.config)


class SandboxRunner(EmulatorBot):
    """Run ``registry``'s apps on python-telegram-bot long polling against a fresh Bot API emulator."""

    def __init__(self, config: Config, registry: Registry, emulator: Emulator | None = None,
                 state_dir: Path | None = None) -> None:
        self.config = config
        self.registry = registry
        self.emulator = emulator or Emulator()
        self.outcomes = Outcomes()
        self._bot: BackgroundBot | None = None
        self._state: tempfile.TemporaryDirectory[str] | None = None
        self.state_dir = state_dir

    def start(self) -> SandboxRunner:
        """Start the emulator, then the bot; return once the bot polls."""
        from ..adapter import build_application

        # A throw-away state folder unless given: the real bot's unfinished updates must not
        # replay here, nor the sandbox's updates end up in the real bot's folder.
        if self.state_dir is None:
            self._state = tempfile.TemporaryDirectory(prefix="scaletg-sandbox-")
        state = self.state_dir or Path(self._state.name)  # type: ignore[union-attr]
        self.emulator.start()
        try:
            config = dataclasses.replace(self.config, token=self.emulator.token,
                                         base_url=self.emulator.base_url, state=str(state))
            application = build_application(config, self.registry, observers=[self.outcomes.record])
            self._bot = BackgroundBot(application, allowed_updates=self.allowed_updates).start()
        except BaseException:
            self.stop()
            raise
        return self

    @property
    def running(self) -> bool:
        """Tell whether the bot is up (it is, from start() to stop())."""
        return self._bot is not None

    @property
    def runtime(self) -> Runtime | None:
        """Return what the running bot's apps see (its loop, its project), or None before it runs."""
        return None if self._bot is None else self._bot.application.adapter.runtime

    def stop(self, timeout: float = 30.0) -> None:
        """Stop the bot gracefully (the updates in hand finish), then the emulator.

        Raises TimeoutError if the bot has not stopped within ``timeout`` seconds.
        """
        try:
            if self._bot is not None:
                self._bot.stop(timeout)
                self._bot = None
        finally:
            self.emulator.stop()
            if self._state is not None:
                self._state.cleanup()
                self._state = None

    def wait_processed(self, matches: Callable[[Update], bool], timeout: float) -> Outcome | None:
        """Wait until an update that ``matches`` went through every app; return its outcome or None."""
        return self.outcomes.wait_for(matches, timeout)
