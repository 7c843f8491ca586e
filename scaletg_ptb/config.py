"""Load and validate ``config.yaml`` with its environment overrides."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .bottoken import TOKEN_ENV as TOKEN_ENV  # re-exported: it has always been importable from here
from .bottoken import read_token
from .errors import ConfigError
from .urls import is_redis_url, redis_url_problem, shown_url
from .yamlcheck import Checker, kind, read_yaml

DEFAULT_BASE_URL = "https://api.telegram.org/bot"
BASE_URL_ENV = "TELEGRAM_BASE_URL"
INBOX_ENV = "SCALETG_INBOX"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


@dataclass(frozen=True)
class PollingConfig:
    """How the Updater long-polls getUpdates."""

    timeout: float = 10.0
    allowed_updates: tuple[str, ...] | None = None  # None: every update kind
    drop_pending_updates: bool = False


@dataclass(frozen=True)
class ProcessingConfig:
    """How updates are processed."""

    concurrency: int = 256  # updates of different chats processed at once
    workers: int = 64  # threads for plain `def` apps, sized for blocking I/O
    max_pending: int = 1000  # fetched but unprocessed updates before fetching pauses
    # Bot API requests in flight at once (getUpdates has its own connection). httpcore checks
    # every pooled connection for each request, so a few busy ones cost less CPU than many;
    # 4 connections still carry more than Telegram's 30 messages/s at 100 ms per request.
    connections: int = 4
    update_timeout: float = 60.0  # seconds an update may spend in the apps before it is abandoned
    stop_timeout: float = 30.0  # seconds to finish the updates in hand at SIGINT/SIGTERM
    max_attempts: int = 3  # crashes during one update before it is set aside (a poison update)
    lease: float = 30.0  # Redis inbox: seconds a worker keeps a chat (and a poller its turn) without a heartbeat


@dataclass(frozen=True)
class DeliveryConfig:
    """How replies reach Telegram: retries on its faults and an optional proactive rate limit."""

    max_retries: int = 5  # retries of one call after its first attempt, whatever the fault
    backoff_base: float = 0.5  # seconds before the first retry after a 5xx or network error; doubles
    backoff_max: float = 30.0  # longest back-off between two attempts
    max_retry_after: float = 60.0  # give up when a 429 asks to wait longer than this
    rate_limit: str = "off"  # "telegram": 30 calls/s overall, 1/s per chat, 20/min per group
    # A send whose connection dropped before Telegram answered: "resend" (a duplicate is
    # possible) or "give_up" (the reply may be lost).
    uncertain: str = "resend"


@dataclass(frozen=True)
class Config:
    """A validated configuration. ``root`` holds ``apps/`` and ``modules/``."""

    path: Path
    token: str
    token_source: str = ""  # where the token came from, for messages: TELEGRAM_BOT_TOKEN or the file
    base_url: str = DEFAULT_BASE_URL
    apps: tuple[str, ...] = ()
    modules: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    polling: PollingConfig = PollingConfig()
    processing: ProcessingConfig = ProcessingConfig()
    delivery: DeliveryConfig = DeliveryConfig()
    log_level: str = "INFO"
    state: str = "state"  # folder for the inbox, relative to the root
    inbox: str = "sqlite"  # where fetched updates wait: "sqlite" (durable), "memory" or a Redis URL
    dead_letter_days: float = 30.0  # set-aside updates are deleted after this many days

    @property
    def root(self) -> Path:
        """Return the project folder: the one that holds the config file."""
        return self.path.parent

    @property
    def state_dir(self) -> Path:
        """Return the folder that holds the inbox."""
        return self.root / self.state


def load_config(
    path: str | Path = "config.yaml",
    environ: Mapping[str, str] | None = None,
    *,
    require_token: bool = True,
    validate_token: bool | None = None,
) -> Config:
    """Read, validate and return the config at ``path``, applying environment overrides.

    Every mistake found is reported at once, in one ConfigError. Without ``require_token`` a
    missing token is fine; ``validate_token`` (default: ``require_token``) checks a set one.
    """
    config, checker = check_config(path, environ, require_token=require_token, validate_token=validate_token)
    checker.raise_errors()
    return config


def check_config(
    path: str | Path = "config.yaml",
    environ: Mapping[str, str] | None = None,
    *,
    require_token: bool = True,
    validate_token: bool | None = None,
) -> tuple[Config, Checker]:
    """Return the config at ``path`` (defaults in place of bad values) and the checker holding its errors.

    A file that cannot be read or parsed raises ConfigError: there is nothing else to check.
    """
    path = Path(path)
    environ = os.environ if environ is None else environ
    raw, source = read_yaml(path)
    checker = Checker(path.name, source)
    if raw is not None and not isinstance(raw, dict):
        raise ConfigError(f"{path.name}: the top level must be a mapping of keys, got {kind(raw)}.")
    data: dict[str, Any] = raw or {}
    checker.only_keys(data, "", {"token", "base_url", "apps", "modules", "polling", "delivery",
                                 "processing", "logging", "state_dir", "inbox"})
    base_url = environ.get(BASE_URL_ENV) or checker.optional(data, "base_url", str, DEFAULT_BASE_URL)
    settings = {
        "apps": _apps(checker, data),
        "modules": _modules(checker, data),
        "polling": _polling(checker, _section(checker, data, "polling")),
        "processing": _processing(checker, _section(checker, data, "processing")),
        "delivery": _delivery(checker, _section(checker, data, "delivery")),
        "log_level": _log_level(checker, _section(checker, data, "logging")),
        "state": checker.optional(data, "state_dir", str, "state"),
        **_inbox(checker, data, environ),
    }
    token, token_source = read_token(checker, data, environ, required=require_token,
                                 validate=require_token if validate_token is None else validate_token)
    config = Config(path=path.resolve(), token=token, token_source=token_source, base_url=base_url, **settings)
    return config, checker


def _section(checker: Checker, data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = data.get(key)
    if value is None:
        return {}
    return value if checker.mapping(value, key) else {}


def _apps(checker: Checker, data: Mapping[str, Any]) -> tuple[str, ...]:
    """Return the valid app names; record a line-numbered error for each bad one."""
    apps = checker.optional(data, "apps", list, [])
    names: list[str] = []
    for index, name in enumerate(apps):
        where = f"apps[{index}]"
        if not isinstance(name, str):
            checker.error(where, f"'{where}' must be an app name (a string), got {kind(name)}.")
        elif not name.isidentifier():
            hint = " (one item per line, each '- name')" if " - " in name else ""
            checker.error(where, f"App name {name!r} is not a valid Python package name{hint}. "
                                 "Use letters, digits and underscores.")
        elif name in names:
            checker.error(where, f"App '{name}' is listed twice in 'apps'. Remove the duplicate.")
        else:
            names.append(name)
    return tuple(names)


def _modules(checker: Checker, data: Mapping[str, Any]) -> Mapping[str, Mapping[str, Any]]:
    modules = checker.optional(data, "modules", dict, {})
    settings: dict[str, Mapping[str, Any]] = {}
    for name, value in modules.items():
        if value is not None and not isinstance(value, dict):
            checker.error(f"modules.{name}", f"'modules.{name}' must be a mapping of settings "
                                              f"(or empty), got {kind(value)}.")
            continue
        settings[str(name)] = MappingProxyType(dict(value or {}))
    return MappingProxyType(settings)


def _polling(checker: Checker, data: Mapping[str, Any]) -> PollingConfig:
    checker.only_keys(data, "polling.", {"timeout", "allowed_updates", "drop_pending_updates"})
    timeout = checker.optional(data, "timeout", (int, float), 10.0, "polling.")
    if timeout < 0:
        checker.error("polling.timeout", f"'polling.timeout' must be 0 or more seconds, got {timeout!r}.")
        timeout = 10.0
    allowed = checker.optional(data, "allowed_updates", (list, str), "all", "polling.")
    if isinstance(allowed, str) and allowed != "all":
        checker.error("polling.allowed_updates", "'polling.allowed_updates' must be 'all' or a list of "
                                                 f"update kinds, got {allowed!r}.")
        allowed = "all"
    return PollingConfig(
        timeout=float(timeout),
        allowed_updates=None if allowed == "all" else tuple(str(kind) for kind in allowed),
        drop_pending_updates=checker.optional(data, "drop_pending_updates", bool, False, "polling."),
    )


def _processing(checker: Checker, data: Mapping[str, Any]) -> ProcessingConfig:
    counts = ("concurrency", "workers", "max_pending", "connections", "max_attempts")
    seconds = ("update_timeout", "stop_timeout", "lease")
    checker.only_keys(data, "processing.", {*counts, *seconds})
    defaults = ProcessingConfig()
    values: dict[str, Any] = {}
    for key in counts + seconds:
        value = checker.optional(data, key, int if key in counts else (int, float), getattr(defaults, key),
                                 "processing.")
        if value <= 0:
            least = "at least 1" if key in counts else "more than 0 seconds"
            checker.error(f"processing.{key}", f"'processing.{key}' must be {least}, got {value!r}.")
            value = getattr(defaults, key)
        values[key] = value
    return ProcessingConfig(**values)


def _delivery(checker: Checker, data: Mapping[str, Any]) -> DeliveryConfig:
    numbers = ("max_retries", "backoff_base", "backoff_max", "max_retry_after")
    checker.only_keys(data, "delivery.", {*numbers, "rate_limit", "uncertain"})
    defaults = DeliveryConfig()
    values: dict[str, Any] = {}
    for key in numbers:
        value = checker.optional(data, key, int if key == "max_retries" else (int, float),
                                 getattr(defaults, key), "delivery.")
        if value < 0:
            unit = "" if key == "max_retries" else " seconds"
            checker.error(f"delivery.{key}", f"'delivery.{key}' must be 0 or more{unit}, got {value!r}.")
            value = getattr(defaults, key)
        values[key] = value
    rate_limit = data.get("rate_limit", "off")
    # YAML reads a bare `off` as false.
    rate_limit = "off" if rate_limit is False or rate_limit is None else rate_limit
    if rate_limit not in ("off", "telegram"):
        checker.error("delivery.rate_limit", f"'delivery.rate_limit' must be off or telegram, got {kind(rate_limit)}.")
        rate_limit = "off"
    uncertain = data.get("uncertain")
    uncertain = "resend" if uncertain is None else uncertain
    if uncertain not in ("resend", "give_up"):
        checker.error("delivery.uncertain", f"'delivery.uncertain' must be resend or give_up, got {kind(uncertain)}.")
        uncertain = "resend"
    return DeliveryConfig(**values, rate_limit=rate_limit, uncertain=uncertain)


def _inbox(checker: Checker, data: Mapping[str, Any], environ: Mapping[str, str]) -> dict[str, Any]:
    """Read ``inbox: URL`` or ``inbox: {url: URL, dead_letter_days: N}``; SCALETG_INBOX overrides the URL."""
    section: Any = data.get("inbox")
    if isinstance(section, dict):
        checker.only_keys(section, "inbox.", {"url", "dead_letter_days"})
        days = checker.optional(section, "dead_letter_days", (int, float), 30.0, "inbox.")
        if days <= 0:
            checker.error("inbox.dead_letter_days", f"'inbox.dead_letter_days' must be more than 0, got {days!r}.")
            days = 30.0
        url = _inbox_url(checker, section, environ, "inbox.url", "url")
    else:
        days, url = 30.0, _inbox_url(checker, data, environ, "inbox", "inbox")
    return {"inbox": url, "dead_letter_days": float(days)}


def _inbox_url(checker: Checker, data: Mapping[str, Any], environ: Mapping[str, str], name: str, key: str) -> str:
    from_environ = environ.get(INBOX_ENV, "").strip()
    prefix = name.removesuffix(key)
    inbox = from_environ or checker.optional(data, key, str, "sqlite", prefix)
    where = f"{INBOX_ENV}" if from_environ else f"'{name}'"
    if inbox in ("sqlite", "memory") or is_redis_url(inbox):
        problem = is_redis_url(inbox) and redis_url_problem(inbox)
        if not problem:
            return inbox
        message = f"{where}: {problem}"
    else:
        message = (f"{where} must be sqlite, memory or a Redis URL (redis://host:6379/0, rediss://…), "
                   f"got {shown_url(inbox)!r}.")
    if from_environ:
        raise ConfigError(message + " Fix the environment variable.")
    checker.error(name, message)
    return "sqlite"


def _log_level(checker: Checker, data: Mapping[str, Any]) -> str:
    checker.only_keys(data, "logging.", {"level"})
    level = checker.optional(data, "level", str, "INFO", "logging.")
    if level.upper() not in LOG_LEVELS:
        checker.error("logging.level", f"'logging.level' is {level!r}; use one of {', '.join(LOG_LEVELS)}.")
        return "INFO"
    return level.upper()
