"""Scale-out: one poller and 1 to 4 worker processes on a real Redis, against one process."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from scaletg_ptb.testing.redis_server import RedisServer

from .bots import fleet, scaletg
from .harness import Run, Session
from .scenarios import Result, Setup, burst

THREADS = 4  # processing.workers per worker process: the app blocks, so threads bound each process


def scaleout(setup: Setup) -> Result:
    """An app that blocks 100 ms, 4 threads per process: 1 to 4 workers through Redis vs one process; echo CPU."""
    binary = shutil.which("redis-server")
    chats, per_chat = (40, 3) if setup.quick else (64, 8)
    result = Result("scaleout", f"100 ms each, {THREADS} threads per process; {chats * per_chat} updates over "
                                f"{chats} chats, preloaded; poller + N workers on one Redis", [])
    if binary is None:
        result.notes.append("skipped: redis-server is not installed (apt install redis-server)")
        return result
    processing = {**setup.processing, "workers": THREADS}
    with tempfile.TemporaryDirectory(prefix="bench-redis-") as folder:
        server = RedisServer(Path(folder), binary).start()
        try:
            single = scaletg(setup.folder("scaleout-one"), "sleepy", processing)
            result.runs.append(burst(single, setup.workdir, chats, per_chat))
            for workers in (1, 2, 3, 4):
                result.runs.append(_fleet_burst(setup, server, processing, "sleepy", workers, chats, per_chat))
            echo_chats, echo_per_chat = (50, 10) if setup.quick else (100, 30)
            echo_one = burst(scaletg(setup.folder("scaleout-echo"), "echo", setup.processing), setup.workdir,
                             echo_chats, echo_per_chat)
            echo_redis = _fleet_burst(setup, server, setup.processing, "echo", 1, echo_chats, echo_per_chat)
        finally:
            server.stop()
    one, *fleets = result.runs
    by_workers = {int(run.bot.split("+")[1].split()[0]): run for run in fleets}
    result.runs += [_renamed(echo_one, "ScaleTG (echo)"), _renamed(echo_redis, "ScaleTG poll+1 work (echo)")]
    three = by_workers[3].rate / by_workers[1].rate if by_workers[1].rate else 0.0
    result.notes.append("throughput vs 1 worker: " + ", ".join(
        f"{n} workers {run.rate / by_workers[1].rate:.2f}x" for n, run in by_workers.items()))
    result.notes.append(f"echo, {echo_chats * echo_per_chat:,} updates: CPU per update through Redis (poller + "
                        f"worker, summed) {echo_redis.cpu_per_update / echo_one.cpu_per_update:.2f}x one process")
    result.targets = [
        ("3 workers >= 2.5x the throughput of 1", three >= 2.5),
        ("no order violation, nothing lost", not any(run.order_violations or run.lost for run in result.runs)),
    ]
    return result


def _renamed(run: Run, name: str) -> Run:
    run.bot = name
    return run



def _fleet_burst(setup: Setup, server: RedisServer, processing: dict[str, int], app: str, workers: int,
                 chats: int, per_chat: int) -> Run:
    import redis

    redis.Redis.from_url(server.url).flushall()  # each run starts from an empty inbox
    poller, hands = fleet(setup.folder(f"scaleout-{app}-{workers}"), app, processing, server.url, workers)
    with Session(setup.workdir) as session:
        ids = session.add_chats(chats)
        for seq in range(per_chat):
            for chat in ids:
                session.say(chat, seq)
        session.start(poller, helpers=hands)
        session.wait(len(session.sent))
        return session.result(*session.stop())
