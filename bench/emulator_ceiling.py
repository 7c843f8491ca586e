"""Measure the Bot API emulator's raw capacity with a minimal keep-alive HTTP client.

The emulator runs in this process (as in tests); the load comes from a separate client
process so the two do not share a GIL. Each connection sends one request, reads the
whole response, and repeats (no pipelining), like PTB's HTTP client does.

    python bench/emulator_ceiling.py [--seconds 2] [--connections 8]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scaletg_ptb.emulator import Emulator  # noqa: E402

TOKEN = "123456:BENCH"


def http_post(method: str, form: dict[str, str]) -> bytes:
    """Build a PTB-like form POST."""
    body = urlencode(form).encode()
    return (
        f"POST /bot{TOKEN}/{method} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body


async def _read(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    start = head.find(b"Content-Length: ") + 16
    length = int(head[start : head.find(b"\r\n", start)])
    return status, await reader.readexactly(length)


async def _connection(
    port: int, scenario: str, chat_id: int, deadline: float, latencies: list[float]
) -> tuple[int, int, int]:
    """Run one keep-alive connection until the deadline; return (requests, errors, updates)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    requests = errors = updates = 0
    offset = 0
    fixed = {
        "getMe": http_post("getMe", {}),
        "getUpdates-1": http_post("getUpdates", {"limit": "1", "timeout": "0"}),
        "sendMessage": http_post(
            "sendMessage", {"chat_id": str(chat_id), "text": "Hello from the benchmark!"}
        ),
    }.get(scenario)
    try:
        while time.perf_counter() < deadline:
            if fixed is not None:
                request = fixed
            else:  # getUpdates-100: consume the queue, confirming each batch like a bot
                request = http_post("getUpdates", {"offset": str(offset), "limit": "100", "timeout": "0"})
            sent = time.perf_counter()
            writer.write(request)
            status, body = await _read(reader)
            latencies.append(time.perf_counter() - sent)
            requests += 1
            if status != 200:
                errors += 1
            elif fixed is None:
                last = body.rfind(b'"update_id":')
                if last < 0:
                    break  # queue drained
                offset = int(body[last + 12 : body.find(b",", last)]) + 1
                updates += body.count(b'"update_id":')
    finally:
        writer.close()
        await writer.wait_closed()
    return requests, errors, updates


def _client(port: int, scenario: str, chat_id: int, connections: int, seconds: float, out: mp.Queue) -> None:
    async def run() -> None:
        latencies: list[float] = []
        started = time.perf_counter()
        results = await asyncio.gather(
            *(_connection(port, scenario, chat_id, started + seconds, latencies) for _ in range(connections))
        )
        elapsed = time.perf_counter() - started
        latencies.sort()
        p50 = latencies[len(latencies) // 2] if latencies else 0.0
        p99 = latencies[int(len(latencies) * 0.99)] if latencies else 0.0
        out.put((elapsed, *map(sum, zip(*results, strict=True)), p50, p99))

    asyncio.run(run())


def measure(
    emu: Emulator, scenario: str, chat_id: int, connections: int, seconds: float
) -> tuple[float, ...]:
    """Run one scenario in a client process; return (elapsed, requests, errors, updates, p50, p99)."""
    ctx = mp.get_context("spawn")
    out: mp.Queue = ctx.Queue()
    process = ctx.Process(target=_client, args=(emu.port, scenario, chat_id, connections, seconds, out))
    process.start()
    result = out.get(timeout=seconds + 60)
    process.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=2.0, help="duration of each scenario")
    parser.add_argument("--connections", type=int, default=8, help="concurrent keep-alive connections")
    parser.add_argument(
        "--preload", type=int, default=200_000, help="updates queued for getUpdates limit=100"
    )
    args = parser.parse_args()

    rows = []
    with Emulator(token=TOKEN, call_log_limit=10_000) as emu:
        user = emu.create_user("Bench")
        chat = emu.private_chat(user)
        emu.user_says(user, chat, "one pending update for the limit=1 scenario")
        for scenario, conns in (
            ("getMe", args.connections),
            ("getUpdates-1", args.connections),
            ("sendMessage", args.connections),
        ):
            rows.append((scenario, conns, *measure(emu, scenario, chat["id"], conns, args.seconds)))
        started = time.perf_counter()
        for n in range(args.preload):
            emu.user_says(user, chat, f"update {n}")
        preload_rate = args.preload / (time.perf_counter() - started)
        rows.append(
            ("getUpdates-100+offset", 1, *measure(emu, "getUpdates-100", chat["id"], 1, args.seconds))
        )

    print(f"\nBot API emulator ceiling ({args.seconds:g} s per scenario, client in a separate process)\n")
    columns = ("conns", 6), ("requests", 10), ("req/s", 10), ("updates/s", 11), ("p50 ms", 8), ("p99 ms", 8)
    print(f"{'scenario':<24}" + "".join(f"{name:>{width}}" for name, width in columns) + f"{'errors':>8}")
    for name, conns, elapsed, requests, errors, updates, p50, p99 in rows:
        per_update = f"{updates / elapsed:,.0f}" if updates else "-"
        print(
            f"{name:<24}{conns:>6}{requests:>10,}{requests / elapsed:>10,.0f}{per_update:>11}"
            f"{p50 * 1000:>8.2f}{p99 * 1000:>8.2f}{errors:>8}"
        )
    print(f"\nuser_says() preload from Python: {preload_rate:,.0f} updates/s")


if __name__ == "__main__":
    main()
