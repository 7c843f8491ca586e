"""Serve the emulator standalone: ``python -m scaletg_ptb.emulator [--host H] [--port P] [--token T]``."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType

from .server import Emulator


def main(argv: list[str] | None = None) -> int:
    """Serve until Ctrl-C or SIGTERM; return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m scaletg_ptb.emulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default="123456:TEST-TOKEN")
    args = parser.parse_args(argv)
    try:
        emulator = Emulator(token=args.token, host=args.host, port=args.port).start()
    except (ValueError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    done = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        done.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    print(f"Bot API emulator serving at {emulator.base_url}", flush=True)
    print(f"token: {emulator.token}", flush=True)
    # wait() with a timeout so the main thread gets to run the signal handler promptly
    while not done.wait(0.5):
        pass
    emulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
