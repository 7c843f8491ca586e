"""One measured run: an emulator with chats, a bot as a real subprocess, and what came back."""

from __future__ import annotations

import bisect
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from scaletg_ptb.emulator import Call, Emulator, Event

from .bots import ROOT, TOKEN, Bot

TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Sent:
    """One injected message, whose echo is its own text."""

    chat: int  # index of the chat in the session
    seq: int  # position in the chat's messages
    update_id: int
    at: float  # time.monotonic() when injected


@dataclass
class Run:
    """What one bot did with one workload."""

    bot: str
    updates: int
    replies: int  # distinct echoes received
    lost: int
    duplicates: int
    order_violations: int  # replies that arrived after a later message's reply of the same chat
    seconds: float  # first update fetched -> last reply received
    cpu: float  # user+sys seconds of the bot process, start to stop
    startup_cpu: float  # ... until its first getUpdates was answered
    startup_seconds: float  # wall time from the process start to its first getUpdates
    p50: float
    p99: float
    latency_from: str  # "fetch" or "injection"
    peak_rss_kb: int
    exit_code: int | None = None
    extra: dict[str, float] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        """Return replies per second."""
        return self.replies / self.seconds if self.seconds > 0 else 0.0

    @property
    def cpu_per_update(self) -> float:
        """Return the bot's CPU seconds per injected update."""
        return self.cpu / self.updates if self.updates else 0.0


def percentile(values: list[float], q: float) -> float:
    """Return the q-quantile (0..1) of ``values`` by rank; 0 when empty."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class BotProcess:
    """A bot running as a child process, measured through /proc."""

    def __init__(self, bot: Bot, base_url: str, log: Path) -> None:
        env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_BASE_URL": base_url, **bot.env}
        self.log = log
        self.started = time.monotonic()
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                bot.argv, env=env, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT
            )
        self.pid = self.process.pid

    def cpu(self) -> float:
        """Return the process's user+sys CPU seconds so far."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime

    def memory(self) -> dict[str, int]:
        """Return VmRSS and VmHWM in kB."""
        found = {}
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                found[key] = int(value.split()[0])
        return found

    def alive(self) -> bool:
        """Tell whether the process is still running (without reaping it)."""
        return os.waitid(os.P_PID, self.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None

    def stop(self, timeout: float = 30.0) -> int:
        """Send SIGINT, wait for the exit and return its status (SIGKILL after ``timeout``)."""
        os.kill(self.pid, signal.SIGINT)
        deadline = time.monotonic() + timeout
        while True:
            pid, status, _ = os.wait4(self.pid, os.WNOHANG)
            if pid:
                self.process.returncode = code = os.waitstatus_to_exitcode(status)
                return code
            if time.monotonic() > deadline:
                self.process.kill()
                deadline = float("inf")
            time.sleep(0.02)

    def tail(self, lines: int = 15) -> str:
        """Return the end of the bot's output."""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


class Session:
    """An emulator with private chats, one bot under test, and the bot's replies as they arrive."""

    def __init__(self, workdir: Path) -> None:
        self.bot = Bot("?", [])
        self.workdir = workdir
        self.emu = Emulator(token=TOKEN, call_log_limit=None).start()
        self.chats: list[tuple[dict[str, Any], dict[str, Any]]] = []  # (user, chat)
        self.sent: dict[str, Sent] = {}
        self.replies: list[tuple[float, int, str]] = []  # (arrival, chat id, text)
        self.process: BotProcess | None = None
        self.helpers: list[BotProcess] = []  # more processes of the same bot (workers beside a poller)
        self.startup_cpu = 0.0
        self.startup_seconds = 0.0
        self._next_update_id = 1  # the emulator numbers updates from 1, in injection order
        self._unsubscribe = self.emu.subscribe(self._on_event)

    def _on_event(self, event: Event) -> None:
        if event["kind"] == "send":
            self.replies.append((time.monotonic(), event["chat_id"], event["message"].get("text", "")))

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        for process in [self.process, *self.helpers]:
            if process is not None and process.process.returncode is None:
                process.process.kill()
                process.process.wait()
        self._unsubscribe()
        self.emu.stop()

    def add_chats(self, count: int) -> range:
        """Create ``count`` users with their private chats; return their indices."""
        first = len(self.chats)
        for n in range(first, first + count):
            user = self.emu.create_user(f"User{n}", f"user{n}")
            self.chats.append((user, self.emu.private_chat(user)))
        return range(first, first + count)

    def say(self, chat: int, seq: int) -> None:
        """Have chat ``chat`` send its message ``seq``, text "c<chat>-m<seq>"."""
        text = f"c{chat}-m{seq}"
        user, private = self.chats[chat]
        at = time.monotonic()
        self.emu.user_says(user, private, text)
        self.sent[text] = Sent(chat, seq, self._next_update_id, at)
        self._next_update_id += 1

    def start(self, bot: Bot, timeout: float = 60.0, helpers: Sequence[Bot] = ()) -> None:
        """Start ``bot`` (and ``helpers`` first); return once it fetched the preloaded updates, or parked a poll."""
        self.bot = bot
        self.helpers = [BotProcess(helper, self.emu.base_url, self.workdir / f"{helper.name}-{n}.log")
                        for n, helper in enumerate(helpers)]
        self.process = BotProcess(bot, self.emu.base_url, self.workdir / f"{bot.name}.log")
        deadline = time.monotonic() + timeout
        while True:
            try:
                if self.sent:
                    polled = self.emu.wait_for_call("getUpdates", timeout=0.2).at
                else:
                    self.emu.wait_for_long_poll(timeout=0.2)
                    polled = time.monotonic()
                break
            except AssertionError:
                if not self.process.alive() or time.monotonic() > deadline:
                    raise RuntimeError(f"{self.bot.name} did not start polling:\n{self.process.tail()}") from None
        self.startup_cpu = sum(process.cpu() for process in self.all_processes)
        self.startup_seconds = polled - min(process.started for process in self.all_processes)

    def wait(self, count: int, stall: float = 20.0) -> bool:
        """Wait until ``count`` replies arrived; False if none came for ``stall`` seconds."""
        seen, since = len(self.replies), time.monotonic()
        while len(self.replies) < count:
            time.sleep(0.02)
            if len(self.replies) != seen:
                seen, since = len(self.replies), time.monotonic()
            elif time.monotonic() - since > stall:
                return False
        return True

    @property
    def all_processes(self) -> list[BotProcess]:
        """Return the bot's processes: the main one, then its helpers."""
        return [process for process in [self.process, *self.helpers] if process is not None]

    def stop(self) -> tuple[float, dict[str, int], int]:
        """Read the bot's CPU and memory (summed over its processes), stop them with SIGINT.

        Return (cpu, memory, exit status: the first non-zero one).
        """
        processes = self.all_processes
        cpu = sum(process.cpu() for process in processes)
        readings = [process.memory() for process in processes]
        memory = {key: sum(reading.get(key, 0) for reading in readings) for key in ("VmRSS", "VmHWM")}
        code = 0
        for process in processes:
            status = process.stop()
            if status != 0:
                print(f"  ! {self.bot.name} ({process.log.name}) exited with status {status}:\n{process.tail()}")
                code = code or status
        return cpu, memory, code

    def result(self, cpu: float, memory: dict[str, int], code: int, *, latency_from: str = "fetch",
               texts: Iterable[str] | None = None) -> Run:
        """Compare the replies with the sent messages (or only ``texts``) and summarise the run."""
        wanted = set(self.sent if texts is None else texts)
        fetched = _fetch_times(self.emu.calls)
        arrivals: dict[str, float] = {}
        duplicates = violations = 0
        last_seq: dict[int, int] = {}
        for at, _, text in self.replies:
            sent = self.sent.get(text)
            if sent is None:
                continue
            if text in arrivals:
                duplicates += 1
                continue
            arrivals[text] = at
            if sent.seq < last_seq.get(sent.chat, -1):
                violations += 1
            last_seq[sent.chat] = max(sent.seq, last_seq.get(sent.chat, -1))
        done = [text for text in wanted if text in arrivals]
        fetch = {t: fetched(self.sent[t].update_id) for t in done}
        starts = fetch if latency_from == "fetch" else {t: self.sent[t].at for t in done}
        latencies = [arrivals[t] - starts[t] for t in done]
        seconds = max((arrivals[t] for t in done), default=0.0) - min(fetch.values(), default=0.0)
        return Run(self.bot.name, len(wanted), len(done), len(wanted) - len(done), duplicates, violations,
                   seconds, cpu, self.startup_cpu, self.startup_seconds, percentile(latencies, 0.5),
                   percentile(latencies, 0.99), latency_from, memory.get("VmHWM", 0), code)


def _fetch_times(calls: list[Call]) -> Callable[[int], float]:
    """Return update_id -> when the getUpdates call that delivered it was answered."""
    polls = [(int(c.params.get("offset") or 0), c.at) for c in calls if c.method == "getUpdates" and c.status == 200]
    offsets = [offset for offset, _ in polls]

    def fetched(update_id: int) -> float:
        index = bisect.bisect_right(offsets, update_id) - 1
        return polls[max(index, 0)][1]

    return fetched
