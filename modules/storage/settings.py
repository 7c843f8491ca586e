"""The module's settings (``modules: storage:`` in config.yaml) and the choice of back end."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scaletg_ptb import Project
from scaletg_ptb.urls import is_redis_url, redis_url_problem, shown_url

from .stores import MemoryStore, SqliteStore, Store

INBOX_FILE = "inbox.sqlite3"  # the SQLite inbox's file in the state folder
_KEYS = ("url", "ttl", "lock_timeout")


@dataclass(frozen=True)
class Settings:
    """Where the data lives and how long it lasts."""

    url: str | None = None  # None: follow the inbox; else sqlite, memory or a Redis URL
    ttl: float | None = None  # default expiry in seconds after the last save; None: never
    lock_timeout: float = 30.0  # seconds a block waits for another block of the same key


def parse_settings(settings: Mapping[str, Any]) -> Settings:
    """Validate ``settings``; raise ValueError saying what is wrong and the fix."""
    for key in settings:
        if key not in _KEYS:
            raise ValueError(f"unknown setting {key!r}; use {', '.join(_KEYS)}.")
    url = settings.get("url")
    if url is not None and not (isinstance(url, str) and (url in ("sqlite", "memory") or is_redis_url(url))):
        shown = shown_url(url) if isinstance(url, str) else url
        raise ValueError(f"'url' must be sqlite, memory or a Redis URL (redis://host:6379/0), got {shown!r}.")
    if url is not None and is_redis_url(url) and (problem := redis_url_problem(url)):
        raise ValueError(problem)
    return Settings(url=url, ttl=_seconds(settings, "ttl", None),
                    lock_timeout=_seconds(settings, "lock_timeout", 30.0))  # type: ignore[arg-type]


def _seconds(settings: Mapping[str, Any], key: str, default: float | None) -> float | None:
    value = settings.get(key, default)
    if value is None or (isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0):
        return value
    raise ValueError(f"'{key}' must be a number of seconds above 0, got {value!r}.")


def open_store(settings: Settings, project: Project) -> Store:
    """Return the back end for ``project``: the module's own url, else the inbox's kind."""
    where = settings.url or project.inbox
    if is_redis_url(where):
        from .redis_store import RedisStore

        return RedisStore(where)
    if where == "memory":
        return MemoryStore()
    return SqliteStore(project.state_dir / INBOX_FILE)


current = Settings()  # set once at start by setup(); blocks only read it
