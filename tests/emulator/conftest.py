"""Fixtures: a running emulator, an HTTP client bound to its bot URL, a user and their chat."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from scaletg_ptb.emulator import Emulator


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator() as emulator:
        yield emulator


@pytest.fixture
def api(emu: Emulator) -> Iterator[httpx.Client]:
    """A client whose relative URLs are Bot API method names."""
    with httpx.Client(base_url=f"{emu.base_url}{emu.token}/", timeout=10) as client:
        yield client


@pytest.fixture
def user(emu: Emulator) -> dict[str, Any]:
    return emu.create_user("Alice", username="alice")


@pytest.fixture
def chat(emu: Emulator, user: dict[str, Any]) -> dict[str, Any]:
    return emu.private_chat(user)
