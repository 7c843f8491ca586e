"""pytest fixtures: ``sandbox_bot`` (the config's apps, started), ``make_sandbox_bot``, ``sandbox_config``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from .kit import SandboxBot, find_config


@pytest.fixture
def sandbox_config(request: pytest.FixtureRequest) -> Path:
    """Return the project's config: the nearest config.yaml in the test's folder or above it.

    Found from the test file, not the current folder, so ``cd apps/weather && pytest`` works;
    override this fixture in a conftest.py to run the tests against another config.
    """
    return find_config(request.path.parent)


@pytest.fixture
def make_sandbox_bot(sandbox_config: Path) -> Iterator[Callable[..., SandboxBot]]:
    """Return a factory: ``make_sandbox_bot(apps=["echo"], modules=..., config=...)``, started."""
    started: list[SandboxBot] = []

    def make(apps: Any = None, **options: Any) -> SandboxBot:
        options.setdefault("config", sandbox_config)
        bot = SandboxBot(apps, **options).start()
        started.append(bot)
        return bot

    yield make
    for bot in reversed(started):
        bot.stop()


@pytest.fixture
def sandbox_bot(make_sandbox_bot: Callable[..., SandboxBot]) -> SandboxBot:
    """Return a running bot with the apps and modules of the project's config.yaml."""
    return make_sandbox_bot()
