"""Serve the Bot API emulator standalone until Ctrl-C: ``python -m scaletg_ptb.emulator``."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType

from .control import PREFIX
from .server import Emulator

DEFAULT_PORT = 8081
DEFAULT_TOKEN = "123456:TEST-TOKEN"
DESCRIPTION = """Serve a fake Telegram Bot API on your machine, offline. Point a bot at it with
TELEGRAM_BASE_URL=http://HOST:PORT/bot and TELEGRAM_BOT_TOKEN=TOKEN; play its users over HTTP
under /_emulator/ (send a message, press a button, read a chat: see the README)."""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the emulator's command line."""
    parser = argparse.ArgumentParser(prog="python -m scaletg_ptb.emulator", description=DESCRIPTION)
    parser.add_argument("--host", default="127.0.0.1",
                        help="the address to listen on (default: 127.0.0.1, this machine only)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help=f"the TCP port (default: {DEFAULT_PORT}; 0 picks a free one)")
    parser.add_argument("--token", default=DEFAULT_TOKEN,
                        help=f"the only bot token it accepts, shaped '<bot id>:<secret>' (default: {DEFAULT_TOKEN})")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Serve until Ctrl-C or SIGTERM; return the exit status."""
    args = parse_args(argv)
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
    print(f"users' side: http://{emulator.host}:{emulator.port}{PREFIX} (Ctrl-C stops)", flush=True)
    # wait() with a timeout so the main thread gets to run the signal handler promptly
    while not done.wait(0.5):
        pass
    emulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
