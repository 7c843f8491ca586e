"""The event loop of bot.py: uvloop's where it is installed, asyncio's on request or without it.

uvloop runs the same asyncio code on libuv, with the loop's own work (callbacks, timers,
socket reads and writes) in C. ``SCALETG_EVENT_LOOP=asyncio`` keeps the standard loop, e.g. to
rule uvloop out when chasing a problem.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import os
from collections.abc import Iterator, Mapping

from .errors import ConfigError

VARIABLE = "SCALETG_EVENT_LOOP"
CHOICES = ("uvloop", "asyncio")


def choose_event_loop(environ: Mapping[str, str] = os.environ) -> str:
    """Return the loop to run on: ``SCALETG_EVENT_LOOP`` if set, else uvloop if installed, else asyncio."""
    wanted = environ.get(VARIABLE, "").strip().lower()
    if wanted and wanted not in CHOICES:
        raise ConfigError(f"{VARIABLE}={environ[VARIABLE]!r} is not an event loop this runner knows: "
                          f"set it to {' or '.join(CHOICES)}, or unset it to use uvloop where it is installed.")
    if wanted == "asyncio" or importlib.util.find_spec("uvloop") is None:
        if wanted == "uvloop":
            raise ConfigError(f"{VARIABLE}=uvloop, but uvloop is not installed: pip install uvloop, "
                              f"or unset {VARIABLE} to run on asyncio's own loop.")
        return "asyncio"
    return "uvloop"


@contextlib.contextmanager
def event_loop(choice: str) -> Iterator[None]:
    """Make ``choice`` (from ``choose_event_loop``) the loop ``run_polling`` creates, for the block."""
    if choice == "asyncio":
        yield
        return
    import uvloop

    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    try:
        yield
    finally:
        asyncio.set_event_loop_policy(None)  # a caller in the same process gets asyncio's again
