"""Load and validate ``config.yaml`` with its environment overrides."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from .errors import ConfigError
from .yamlcheck import Checker, kind

DEFAULT_BASE_URL = "https://api.telegram.org/bot"
TOKEN_ENV = "TELEGRAM_BOT_TOKEN"
BASE_URL_ENV = "TELEGRAM_BASE_URL"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_TOKEN_PATTERN = re.compile(r"^\d+:[A-Za-z0-9_-]{8,}$")


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
    base_url: str = DEFAULT_BASE_URL
    apps: tuple[str, ...] = ()
    modules: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    polling: PollingConfig = PollingConfig()
    processing: ProcessingConfig = ProcessingConfig()
    delivery: DeliveryConfig = DeliveryConfig()
    log_level: str = "INFO"
    state: str = "state"  # folder for the inbox, relative to the root
    inbox: str = "sqlite"  # where fetched updates wait: "sqlite" (durable) or "memory"

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
) -> Config:
    """Read, validate and return the config at ``path``, applying environment overrides."""
    path = Path(path)
    environ = os.environ if environ is None else environ
    data = _read_yaml(path)
    checker = Checker(path.name)
    checker.only_keys(data, "", {"token", "base_url", "apps", "modules", "polling", "delivery",
                                 "processing", "logging", "state_dir", "inbox"})
    base_url = environ.get(BASE_URL_ENV) or checker.optional(data, "base_url", str, DEFAULT_BASE_URL)
    config = Config(
        path=path.resolve(),
        token="",
        base_url=base_url,
        apps=_apps(checker, data),
        modules=_modules(checker, data),
        polling=_polling(checker, data.get("polling") or {}),
        processing=_processing(checker, data.get("processing") or {}),
        delivery=_delivery(checker, data.get("delivery") or {}),
        log_level=_log_level(checker, data.get("logging") or {}),
        state=checker.optional(data, "state_dir", str, "state"),
        inbox=_inbox(checker, data),
    )
    token = environ.get(TOKEN_ENV) or _token_from_file(data, path.name)
    if require_token:
        _check_token(token, path.name)
    return replace(config, token=token)


def _token_from_file(data: Mapping[str, Any], filename: str) -> str:
    token = data.get("token")
    if token is None:
        return ""
    if not isinstance(token, str):
        # Never quote the value: a token is a secret even when it is malformed.
        raise ConfigError(f"{filename}: 'token' must be a string; put it in quotes.")
    return token


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"Config file '{path}' does not exist. Create it or pass --config PATH.") from None
    except OSError as exc:
        raise ConfigError(f"Config file '{path}' cannot be read: {exc.strerror}.") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise ConfigError(f"{path.name}: YAML syntax error{where}: {problem}. Fix the syntax.") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path.name}: the top level must be a mapping of keys, got {kind(data)}.")
    return data


def _check_token(token: str, filename: str) -> None:
    if not token:
        raise ConfigError(
            f"{filename}: 'token' is not set. Put your bot token from @BotFather in 'token' "
            f"or in the {TOKEN_ENV} environment variable (or try: python bot.py --sandbox)."
        )
    if not _TOKEN_PATTERN.match(token):
        # Never quote the token itself: it is a secret even when malformed.
        raise ConfigError(
            f"{filename}: 'token' does not look like a bot token (expected '<digits>:<secret>' "
            f"as @BotFather gives it). Check 'token' or {TOKEN_ENV}."
        )


def _apps(checker: Checker, data: Mapping[str, Any]) -> tuple[str, ...]:
    apps = checker.optional(data, "apps", list, [])
    for index, name in enumerate(apps):
        if not isinstance(name, str):
            raise ConfigError(
                f"{checker.filename}: 'apps[{index}]' must be an app name (a string), got {kind(name)}."
            )
    return tuple(apps)


def _modules(checker: Checker, data: Mapping[str, Any]) -> Mapping[str, Mapping[str, Any]]:
    modules = checker.optional(data, "modules", dict, {})
    settings: dict[str, Mapping[str, Any]] = {}
    for name, value in modules.items():
        if value is not None and not isinstance(value, dict):
            raise ConfigError(
                f"{checker.filename}: 'modules.{name}' must be a mapping of settings "
                f"(or empty), got {kind(value)}."
            )
        settings[str(name)] = MappingProxyType(dict(value or {}))
    return MappingProxyType(settings)


def _polling(checker: Checker, data: Any) -> PollingConfig:
    checker.mapping(data, "polling")
    checker.only_keys(data, "polling.", {"timeout", "allowed_updates", "drop_pending_updates"})
    timeout = checker.optional(data, "timeout", (int, float), 10.0, "polling.")
    if timeout < 0:
        raise ConfigError(f"{checker.filename}: 'polling.timeout' must be 0 or more seconds, got {timeout!r}.")
    allowed = checker.optional(data, "allowed_updates", (list, str), "all", "polling.")
    if isinstance(allowed, str) and allowed != "all":
        raise ConfigError(
            f"{checker.filename}: 'polling.allowed_updates' must be 'all' or a list of update kinds, "
            f"got {allowed!r}."
        )
    return PollingConfig(
        timeout=float(timeout),
        allowed_updates=None if allowed == "all" else tuple(str(kind) for kind in allowed),
        drop_pending_updates=checker.optional(data, "drop_pending_updates", bool, False, "polling."),
    )


def _processing(checker: Checker, data: Any) -> ProcessingConfig:
    checker.mapping(data, "processing")
    counts = ("concurrency", "workers", "max_pending", "connections", "max_attempts")
    seconds = ("update_timeout", "stop_timeout")
    checker.only_keys(data, "processing.", {*counts, *seconds})
    defaults = ProcessingConfig()
    values: dict[str, Any] = {}
    for key in counts + seconds:
        value = checker.optional(data, key, int if key in counts else (int, float), getattr(defaults, key),
                                 "processing.")
        if value <= 0:
            least = "at least 1" if key in counts else "more than 0 seconds"
            raise ConfigError(f"{checker.filename}: 'processing.{key}' must be {least}, got {value!r}.")
        values[key] = value
    return ProcessingConfig(**values)


def _delivery(checker: Checker, data: Any) -> DeliveryConfig:
    checker.mapping(data, "delivery")
    numbers = ("max_retries", "backoff_base", "backoff_max", "max_retry_after")
    checker.only_keys(data, "delivery.", {*numbers, "rate_limit", "uncertain"})
    defaults = DeliveryConfig()
    values: dict[str, Any] = {}
    for key in numbers:
        value = checker.optional(data, key, int if key == "max_retries" else (int, float),
                                 getattr(defaults, key), "delivery.")
        if value < 0:
            unit = "" if key == "max_retries" else " seconds"
            raise ConfigError(f"{checker.filename}: 'delivery.{key}' must be 0 or more{unit}, got {value!r}.")
        values[key] = value
    rate_limit = data.get("rate_limit", "off")
    # YAML reads a bare `off` as false.
    rate_limit = "off" if rate_limit is False or rate_limit is None else rate_limit
    if rate_limit not in ("off", "telegram"):
        raise ConfigError(
            f"{checker.filename}: 'delivery.rate_limit' must be off or telegram, got {kind(rate_limit)}."
        )
    uncertain = data.get("uncertain")
    uncertain = "resend" if uncertain is None else uncertain
    if uncertain not in ("resend", "give_up"):
        raise ConfigError(
            f"{checker.filename}: 'delivery.uncertain' must be resend or give_up, got {kind(uncertain)}."
        )
    return DeliveryConfig(**values, rate_limit=rate_limit, uncertain=uncertain)


def _inbox(checker: Checker, data: Mapping[str, Any]) -> str:
    inbox = checker.optional(data, "inbox", str, "sqlite")
    if inbox not in ("sqlite", "memory"):
        raise ConfigError(f"{checker.filename}: 'inbox' must be sqlite or memory, got {inbox!r}.")
    return inbox


def _log_level(checker: Checker, data: Any) -> str:
    checker.mapping(data, "logging")
    checker.only_keys(data, "logging.", {"level"})
    level = checker.optional(data, "level", str, "INFO", "logging.")
    if level.upper() not in LOG_LEVELS:
        raise ConfigError(
            f"{checker.filename}: 'logging.level' is {level!r}; use one of {', '.join(LOG_LEVELS)}."
        )
    return level.upper()
