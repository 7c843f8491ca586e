"""Service URLs (the inbox's Redis): what kind they name, and how to show them without secrets."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

REDIS_SCHEMES = ("redis", "rediss", "unix")
# The TLS options a rediss:// URL may carry in its query (redis-py passes them to its SSL connection).
TLS_OPTIONS = ("ssl_ca_certs", "ssl_ca_path", "ssl_certfile", "ssl_keyfile", "ssl_cert_reqs", "ssl_check_hostname")
OTHER_OPTIONS = ("db", "socket_timeout", "socket_connect_timeout", "socket_keepalive", "health_check_interval",
                 "max_connections", "protocol")


def is_redis_url(value: str) -> bool:
    """Tell whether ``value`` is a Redis URL (``redis://``, ``rediss://`` or ``unix://``)."""
    return urlsplit(value).scheme in REDIS_SCHEMES and "://" in value


def redis_url_problem(url: str) -> str | None:
    """Say what is wrong with the query options of a Redis URL (an unknown one, TLS ones without TLS), or None."""
    parts = urlsplit(url)
    for name in parse_qs(parts.query, keep_blank_values=True):
        if name not in TLS_OPTIONS + OTHER_OPTIONS:
            return (f"unknown option {name!r} in the Redis URL {shown_url(url)!r}; the TLS options are "
                    f"{', '.join(TLS_OPTIONS)}.")
        if name in TLS_OPTIONS and parts.scheme != "rediss":
            return f"{name!r} needs TLS: start the URL {shown_url(url)!r} with rediss:// instead of {parts.scheme}://."
    return None


def shown_url(url: str) -> str:
    """Return ``url`` with its user and password replaced by ``***`` and its options left out (for logs, messages)."""
    parts = urlsplit(url)._replace(query="")  # the options (TLS files) only lengthen the line
    if "@" not in parts.netloc:
        return parts.geturl()
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
