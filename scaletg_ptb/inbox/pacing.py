"""When the SQLite inbox may commit next: at once while the event loop has CPU to spare, else paced.

A commit costs far more than the rows it writes (locks on the WAL index, a WAL frame per page
touched), and each update makes a few marks. When the loop is busy, every commit takes CPU from
the updates, so the marks of many updates should share one: then commits are at most one per
``interval``. When the loop mostly waits (for Telegram, or for apps running in threads), a
commit takes nothing anyone needs, while waiting would hold up the next update of a chat, so
the commit runs at the next loop turn.
"""

from __future__ import annotations

import time

INTERVAL = 0.010  # seconds between commits while busy: at most ~100 a second
BUSY_SHARE = 0.5  # the loop counts as busy above this share of CPU time per second of wall time
WINDOW = 0.1  # seconds over which that share is measured


class CommitPacer:
    """Tell how long the next commit should wait; told of every commit.

    Call both from the event loop's thread: its CPU time is the loop's.
    """

    def __init__(self, interval: float = INTERVAL, busy_share: float = BUSY_SHARE, window: float = WINDOW) -> None:
        self.interval = interval
        self.busy_share = busy_share
        self.window = window
        self.busy = False
        self._committed_at = float("-inf")
        self._window_wall = time.monotonic()
        self._window_cpu = time.thread_time()

    def delay(self) -> float:
        """Return the seconds to wait before the next commit (0: at the next loop turn)."""
        if not self.busy:
            return 0.0
        return max(0.0, self._committed_at + self.interval - time.monotonic())

    def committed(self) -> None:
        """Note a commit; once per window, measure whether the loop is busy."""
        now = time.monotonic()
        self._committed_at = now
        elapsed = now - self._window_wall
        if elapsed >= self.window:
            cpu = time.thread_time()
            self.busy = cpu - self._window_cpu > self.busy_share * elapsed
            self._window_wall, self._window_cpu = now, cpu
