"""``python bot.py inbox [retry|drop ID|all]``: look into the inbox and repair it, also while the bot runs."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Sequence
from datetime import datetime

from ..config import Config
from ..urls import is_redis_url
from . import sqlite_file
from .base import DeadLetter, InboxError, Status

USAGE = "python bot.py inbox [--show-content] [retry ID|all] [drop ID|all]"
SET_ASIDE = ("Set aside (python bot.py inbox retry ID|all puts them back, drop ID|all deletes them, "
             "--show-content shows their text):")
CONTENT_FIELDS = ("text", "caption", "data", "query")  # what a person wrote, by update kind


def run_inbox_command(config: Config, words: Sequence[str], show_content: bool = False) -> str:
    """Carry out ``inbox`` with ``words`` (nothing, or retry/drop and ID or all); return what to print.

    The set-aside updates' text (people's messages) is shown only with ``show_content``.
    """
    action, ids = parse(words) if words else ("status", None)
    if is_redis_url(config.inbox):
        from .redis_command import run_on_redis

        return asyncio.run(run_on_redis(config.inbox, action, ids, config.dead_letter_days, show_content))
    if config.inbox == "memory":
        return ("The inbox is 'memory': updates wait inside the bot process only, so there is nothing to "
                "show here. Use 'inbox: sqlite' (the default) to keep them on disk.")
    path = config.state_dir / sqlite_file.FILENAME
    if not path.exists():
        return f"The inbox {path} does not exist yet: the bot has not run with this config."
    db = sqlite_file.connect(path)
    try:
        sqlite_file.forget_dead_letters(db, config.dead_letter_days)
        if action == "status":
            return describe(path, sqlite_file.status(db), sqlite_file.dead_letters(db), show_content)
        if action == "retry":
            count = sqlite_file.retry(db, ids)
            return f"Put {count} set-aside update(s) back; the bot processes them next (within a second if it runs)."
        count = sqlite_file.drop(db, ids)
        return f"Deleted {count} set-aside update(s)."
    finally:
        db.close()


def parse(words: Sequence[str]) -> tuple[str, list[int] | None]:
    """Return the action and the update ids (None: all); InboxError on a bad command line."""
    if len(words) < 2 or words[0] not in ("retry", "drop"):
        raise InboxError(f"unknown inbox command {' '.join(words)!r}; use: {USAGE}")
    if list(words[1:]) == ["all"]:
        return words[0], None
    try:
        return words[0], [int(word) for word in words[1:]]
    except ValueError:
        raise InboxError(f"'{' '.join(words[1:])}' is not a list of update ids; use: {USAGE}") from None


def describe(path: object, status: Status, letters: list[DeadLetter], show_content: bool = False) -> str:
    """Format the counts and the set-aside updates (id, chat, kind, time, reason; their text if asked)."""
    lines = [f"Inbox {path}",
             f"  stored (waiting)  {status.stored}",
             f"  in progress       {status.in_progress}",
             f"  set aside         {status.set_aside}"]
    if status.oldest_waiting is not None:
        age = time.time() - status.oldest_waiting.timestamp()
        lines.append(f"  oldest waiting    {_age(age)} old (stored {_when(status.oldest_waiting)})")
    if letters:
        lines.append(SET_ASIDE)
        for letter in letters:
            lines.append(f"  id={letter.update_id}  {letter.chat or '-'}  {kind_of(letter.raw)}  {_when(letter.at)}  "
                         f"{letter.reason}")
            if show_content:
                lines.append(f"      content: {content_of(letter.raw)}")
    return "\n".join(lines)


def kind_of(raw: object) -> str:
    """Return an update's kind (message, callback_query, ...) as Telegram names it; '?' when it has none."""
    kinds = [key for key in raw if key != "update_id"] if isinstance(raw, dict) else []
    return kinds[0] if kinds else "?"


def content_of(raw: object) -> str:
    """Return what the person wrote in an update (text, caption, button data, inline query), quoted."""
    payload = raw.get(kind_of(raw)) if isinstance(raw, dict) else None
    if isinstance(payload, dict):
        for field in CONTENT_FIELDS:
            if isinstance(payload.get(field), str):
                return json.dumps(payload[field], ensure_ascii=False)
    return "(no text)"


def age(seconds: float) -> str:
    """Say how long ``seconds`` is, roughly."""
    return _age(seconds)


def _age(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")
