"""Profile a bot under the echo burst with py-spy: ``python -m bench.profile [--bot scaletg|ptb|aiogram]``.

    python -m bench.profile --updates 8000 --out profile.txt

Starts the emulator with the burst preloaded, starts the bot as a real process, attaches
``py-spy record`` to it until every reply arrived, and prints the share of samples per
library (the top of each stack that is not the standard library's event loop) and the hottest
functions. ``--raw FILE`` keeps py-spy's collapsed stacks for a flame graph.
"""

from __future__ import annotations

import argparse
import collections
import shutil
import subprocess
import tempfile
from pathlib import Path

from .bots import Bot, baseline, peer, processing_settings, scaletg
from .harness import Session

# Library of a frame, from its file path; the first match wins.
LIBRARIES = (("scaletg_ptb/inbox", "scaletg inbox"), ("scaletg_ptb", "scaletg"), ("telegram/", "ptb"),
             ("aiogram", "aiogram"), ("httpx", "httpx"), ("httpcore", "httpcore"), ("h11", "h11"),
             ("anyio", "anyio"), ("aiohttp", "aiohttp"), ("yarl", "aiohttp"), ("multidict", "aiohttp"),
             ("uvloop", "uvloop"), ("asyncio", "asyncio"), ("selectors", "asyncio"), ("json", "json"),
             ("logging", "logging"), ("sqlite3", "sqlite"), ("ssl", "ssl"), ("socket", "socket"),
             ("apps/", "apps"), ("pydantic", "pydantic"))


def library(frame: str) -> str:
    """Return the library a py-spy frame ``name (path:line)`` belongs to."""
    for needle, name in LIBRARIES:
        if needle in frame:
            return name
    return "other"


def summarise(raw: Path, top: int = 25) -> str:
    """Return the share of samples by library of the innermost frame, and the hottest frames."""
    by_library: collections.Counter[str] = collections.Counter()
    by_frame: collections.Counter[str] = collections.Counter()
    inclusive: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = [frame for frame in stack.split(";") if frame and not frame.startswith(("process ", "thread "))]
        if not frames or not count.isdigit():
            continue
        n = int(count)
        total += n
        by_library[library(frames[-1])] += n
        by_frame[frames[-1]] += n
        for name in {library(frame) for frame in frames}:
            inclusive[name] += n
    lines = [f"{total} samples", "self time by library (innermost frame):"]
    lines += [f"  {name:16} {n / total:6.1%}   (on the stack {inclusive[name] / total:6.1%})"
              for name, n in by_library.most_common()]
    lines.append("hottest frames (self):")
    lines += [f"  {n / total:6.1%}  {frame}" for frame, n in by_frame.most_common(top)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Profile one bot over an echo burst; print the summary."""
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bot", choices=("scaletg", "ptb", "aiogram"), default="scaletg")
    parser.add_argument("--inbox", default=None, help="the runner's inbox (default: SQLite)")
    parser.add_argument("--updates", type=int, default=8000)
    parser.add_argument("--chats", type=int, default=100)
    parser.add_argument("--rate", type=int, default=200, help="py-spy samples per second")
    parser.add_argument("--raw", type=Path, default=None, help="keep py-spy's collapsed stacks here")
    args = parser.parse_args(argv)
    spy = shutil.which("py-spy")
    if spy is None:
        parser.error("py-spy is not installed (pip install py-spy)")
    with tempfile.TemporaryDirectory(prefix="scaletg-profile-") as folder:
        workdir = Path(folder)
        bot: Bot = {"scaletg": lambda: scaletg(workdir / "bot", "echo", processing_settings(), inbox=args.inbox),
                    "ptb": baseline, "aiogram": peer}[args.bot]()
        raw = args.raw or workdir / "profile.raw"
        with Session(workdir) as session:
            ids = session.add_chats(args.chats)
            for seq in range(args.updates // args.chats):
                for chat in ids:
                    session.say(chat, seq)
            session.start(bot)
            assert session.process is not None
            record = subprocess.Popen([spy, "record", "-p", str(session.process.pid), "-r", str(args.rate),
                                       "-f", "raw", "-o", str(raw), "--nonblocking"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            session.wait(len(session.sent))
            record.send_signal(2)
            record.wait(timeout=30)
            run = session.result(*session.stop())
        print(f"{run.bot}: {run.replies:,} replies, {run.rate:,.0f} upd/s, "
              f"{run.cpu_per_update * 1000:.3f} ms CPU per update (under py-spy)")
        print(summarise(raw))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
