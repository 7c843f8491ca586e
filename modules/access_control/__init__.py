"""Allow only listed users to use the bot. Off by default.

config.yaml::

    modules:
      access_control:
        enabled: true
        allowed_user_ids: [12345678]

When enabled, the runner drops every update whose user is not on the list (and every
update without a user, such as channel posts) before any app sees it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Policy", "setup", "allows", "policy"]

log = logging.getLogger(__name__)
_KEYS = ("enabled", "allowed_user_ids")


@dataclass(frozen=True)
class Policy:
    """Who may use the bot."""

    enabled: bool = False
    allowed_user_ids: frozenset[int] = frozenset()

    def allows(self, user_id: int | None) -> bool:
        """Tell whether the user with ``user_id`` may use the bot."""
        return not self.enabled or (user_id is not None and user_id in self.allowed_user_ids)


_policy = Policy()


def setup(settings: Mapping[str, Any]) -> None:
    """Take the settings from config.yaml; raise ValueError saying what is wrong."""
    global _policy  # the registry calls setup once at start; apps only read the policy
    _policy = parse_settings(settings)
    if _policy.enabled and not _policy.allowed_user_ids:
        log.warning("access_control is enabled with an empty allowed_user_ids: nobody can use the bot")


def parse_settings(settings: Mapping[str, Any]) -> Policy:
    """Validate ``settings`` and return the policy they describe."""
    for key in settings:
        if key not in _KEYS:
            raise ValueError(f"unknown setting {key!r}; use {' or '.join(_KEYS)}.")
    enabled = settings.get("enabled", False)
    if not isinstance(enabled, bool):
        raise ValueError(f"'enabled' must be true or false, got {enabled!r}.")
    ids = settings.get("allowed_user_ids") or []
    if not isinstance(ids, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        raise ValueError(f"'allowed_user_ids' must be a list of numeric user ids, got {ids!r}.")
    return Policy(enabled=enabled, allowed_user_ids=frozenset(ids))


def policy() -> Policy:
    """Return the policy in force."""
    return _policy


def allows(update: Any) -> bool:
    """Tell whether ``update`` comes from an allowed user (the runner's gate)."""
    user = update.effective_user
    return _policy.allows(user.id if user is not None else None)
