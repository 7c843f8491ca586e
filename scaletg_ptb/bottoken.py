"""The bot token: where it comes from, and whether it looks like one. Never quoted in a message."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .yamlcheck import Checker

TOKEN_ENV = "TELEGRAM_BOT_TOKEN"
_TOKEN_PATTERN = re.compile(r"^\d+:[A-Za-z0-9_-]{8,}$")


def read_token(checker: Checker, data: Mapping[str, Any], environ: Mapping[str, str], *,
           required: bool, validate: bool) -> tuple[str, str]:
    """Return the token (trimmed) and where it came from; record what is wrong with it.

    Never quote the token in a message: it is a secret even when it is malformed.
    """
    from_env = environ.get(TOKEN_ENV, "").strip()
    if from_env:
        if validate and not _TOKEN_PATTERN.match(from_env):
            checker.errors.append(f"{TOKEN_ENV} does not look like a bot token (expected "
                                  f"'<digits>:<secret>' as @BotFather gives it). Fix the environment variable.")
        return from_env, TOKEN_ENV
    value = data.get("token")
    if value is not None and not isinstance(value, str):
        if validate:
            checker.error("token", "'token' must be a string; put it in quotes.")
        return "", ""
    token = (value or "").strip()
    if not token:
        if required:
            checker.errors.append(f"{checker.filename}: {token_not_set()}")
        return "", ""
    if validate and not _TOKEN_PATTERN.match(token):
        checker.error("token", "'token' does not look like a bot token (expected '<digits>:<secret>' as "
                               f"@BotFather gives it). Check 'token' or {TOKEN_ENV}.")
    return token, f"'token' in {checker.filename}"


def token_not_set() -> str:
    """Say that the token is missing and where to put it."""
    return (f"'token' is not set. Put your bot token from @BotFather in 'token' or in the {TOKEN_ENV} "
            "environment variable (or try: python bot.py --sandbox).")
