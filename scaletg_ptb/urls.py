"""Service URLs (the inbox's Redis): what kind they name, and how to show them without secrets."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote, urlsplit

REDIS_SCHEMES = ("redis", "rediss", "unix")


def is_redis_url(value: str) -> bool:
    """Tell whether ``value`` is a Redis URL (``redis://``, ``rediss://`` or ``unix://``)."""
    return urlsplit(value).scheme in REDIS_SCHEMES and "://" in value


def shown_url(url: str) -> str:
    """Return ``url`` with its user and password replaced by ``***`` (safe for logs and messages)."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return parts._replace(netloc=f"***@{host}").geturl()


def url_credentials(url: str) -> tuple[str, str]:
    """Return the (user, password) of ``url``, decoded; empty strings when it has none."""
    parts = urlsplit(url)
    return unquote(parts.username or ""), unquote(parts.password or "")


def secret_urls(inbox: str, modules: Mapping[str, Any]) -> list[str]:
    """Return the service URLs a config holds (the inbox's, the storage module's) whose secrets to redact."""
    storage = modules.get("storage")
    url = storage.get("url") if isinstance(storage, Mapping) else None
    return [inbox, *([url] if isinstance(url, str) else [])]
