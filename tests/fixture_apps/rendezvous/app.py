"""A blocking plain app that answers 'met' only when 3 updates are inside it at the same time."""
import threading

PARTIES = 3
barrier = threading.Barrier(PARTIES)
wait_seconds = 5.0  # only ever reached when the runner is not concurrent enough


def process(update):
    try:
        barrier.wait(timeout=wait_seconds)
    except threading.BrokenBarrierError:
        return "alone"
    return "met"
