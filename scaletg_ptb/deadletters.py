"""Files under the state directory: set-aside updates, and updates left unfinished at a forced stop."""

from __future__ import annotations

import json
import logging
import os
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

log = logging.getLogger("scaletg_ptb.state")


class DeadLetters:
    """Append updates that could not be processed to a JSON Lines file, one per line."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def add(self, raw: Any, reason: str) -> None:
        """Record ``raw`` with why it was set aside; never raise (the bot must go on)."""
        entry = {"at": datetime.now(UTC).isoformat(timespec="seconds"), "reason": reason,
                 "update": raw}
        try:
            line = json.dumps(entry, ensure_ascii=False, default=repr)
            with self._lock:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with self.path.open("a", encoding="utf-8") as file:
                    file.write(line + "\n")
        except OSError as exc:
            log.error("Cannot write to %s (%s); the update is only in this log: %s", self.path, exc, line)


class UnfinishedUpdates:
    """Keep updates that were confirmed to Telegram but not processed, across a forced stop."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def save(self, updates: list[dict[str, Any]]) -> None:
        """Write ``updates`` atomically, replacing what was there."""
        if not updates:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text("".join(json.dumps(u, ensure_ascii=False) + "\n" for u in updates),
                             encoding="utf-8")
        os.replace(temporary, self.path)

    def take(self) -> list[dict[str, Any]]:
        """Return the saved updates and remove the file (they are the caller's now)."""
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
        updates = []
        for line in lines:
            try:
                update = json.loads(line)
            except json.JSONDecodeError:
                log.error("Skipping a damaged line in %s: %r", self.path, line[:200])
                continue
            if isinstance(update, dict) and isinstance(update.get("update_id"), int):
                updates.append(update)
        self.path.unlink()
        return updates
