"""Shared helpers: real Bot API payloads stored as JSON files in payloads/."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from scaletg_ptb.core import Update

PAYLOADS = Path(__file__).parent / "payloads"


def load(name: str) -> dict[str, Any]:
    """Return a fresh copy of the payload stored as payloads/<name>.json."""
    return json.loads((PAYLOADS / f"{name}.json").read_text(encoding="utf-8"))


@pytest.fixture
def update() -> Callable[[str], Update]:
    """Return a factory building the Update of a stored payload."""
    return lambda name: Update(load(name))
