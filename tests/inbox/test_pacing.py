"""The commit pacer: at once while the loop has CPU to spare, at most once per interval while it is busy."""

from __future__ import annotations

import time

from scaletg_ptb.inbox.pacing import CommitPacer

from .conftest import burn


def wait(seconds: float) -> None:
    """Let wall time pass without CPU, as a loop waiting for Telegram does."""
    time.sleep(seconds)


def test_a_loop_with_cpu_to_spare_never_waits_even_right_after_a_commit():
    pacer = CommitPacer(window=0.02)
    for _ in range(3):
        wait(0.025)
        pacer.committed()
        assert (pacer.busy, pacer.delay()) == (False, 0.0)


def test_a_busy_loop_waits_out_the_interval_since_the_last_commit_then_not_at_all():
    pacer = CommitPacer(interval=0.05, window=0.02)
    burn(0.025)
    pacer.committed()
    assert pacer.busy
    assert 0.04 < pacer.delay() <= 0.05
    wait(0.06)
    assert pacer.delay() == 0.0


def test_the_loop_counts_as_busy_again_only_while_it_is():
    pacer = CommitPacer(window=0.02)
    burn(0.025)
    pacer.committed()
    wait(0.025)
    pacer.committed()
    assert not pacer.busy
