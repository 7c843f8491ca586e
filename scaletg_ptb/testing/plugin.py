"""pytest fixtures: ``sandbox_bot`` (the config's apps, started) and ``make_sandbox_bot``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from .kit import SandboxBot


@pytest.fixture
def make_sandbox_bot() -> Iterator[Callable[..., SandboxBot]]:
    """Return a factory: ``make_sandbox_bot(apps=["echo"], modules=..., config=...)``, started."""
    started: list[SandboxBot] = []

    def make(apps: Any = None, **options: Any) -> SandboxBot:
        bot = SandboxBot(apps, **options).start()
        started.append(bot)
        return bot

    yield make
    for bot in reversed(started):
        bot.stop()


@pytest.fixture
def sandbox_bot(make_sandbox_bot: Callable[..., SandboxBot]) -> SandboxBot:
    """Return a running bot with the apps and modules of ./config.yaml."""
    return make_sandbox_bot()
