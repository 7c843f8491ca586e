"""Print the results side by side and write them into docs/benchmarks.md."""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
from importlib.metadata import version
from pathlib import Path

from .bots import ROOT
from .scenarios import Result

BEGIN, END = "<!-- bench:results:begin -->", "<!-- bench:results:end -->"
HEADER = ("scenario", "bot", "updates", "upd/s", "CPU ms/upd", "startup CPU s", "start s", "p50 ms", "p99 ms",
          "latency from", "order viol.", "lost", "dup", "peak RSS MB", "exit")


def machine() -> str:
    """Describe the CPU, cores, Python and python-telegram-bot versions."""
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.partition(":")[2].strip()
            break
    return (f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"python-telegram-bot {version('python-telegram-bot')}, {platform.system()} {platform.release()}")


def revision() -> str:
    """Name the runner's code: the commit, and whether its files have uncommitted changes."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False).stdout.strip()

    dirty = git("status", "--porcelain", "--", "bot.py", "scaletg_ptb", "apps", "modules")
    return f"commit {git('rev-parse', '--short', 'HEAD') or 'unknown'}" + (
        f" + uncommitted changes to {len(dirty.splitlines())} runner file(s)" if dirty else "")


def rows(results: list[Result]) -> list[tuple[str, ...]]:
    """Return one row per bot run."""
    out: list[tuple[str, ...]] = []
    for result in results:
        for run in result.runs:
            out.append((result.name, run.bot, f"{run.updates:,}", f"{run.rate:,.0f}",
                        f"{run.cpu_per_update * 1000:.3f}",
                        f"{run.startup_cpu:.2f}", f"{run.startup_seconds:.2f}",
                        f"{run.p50 * 1000:,.1f}", f"{run.p99 * 1000:,.1f}", run.latency_from,
                        str(run.order_violations), str(run.lost), str(run.duplicates),
                        f"{run.peak_rss_kb / 1024:,.1f}", str(run.exit_code)))
    return out


def summary(result: Result) -> list[str]:
    """Return the ratio line, the targets and the notes of one scenario."""
    lines = [f"{result.name}: {result.workload}"]
    if len(result.runs) >= 2 and result.name != "scaleout":
        for other in range(1, len(result.runs)):
            lines.append(f"  {result.runs[0].bot} / {result.runs[other].bot}: "
                         f"throughput {result.ratio('rate', other):.3g}x, "
                         f"CPU per update {result.ratio('cpu_per_update', other):.3g}x, "
                         f"p99 latency {result.ratio('p99', other):.3g}x, "
                         f"peak RSS {result.ratio('peak_rss_kb', other):.3g}x")
    for run in result.runs:
        if run.extra:
            shown = ", ".join(f"{key} {value / 1024:,.1f} MB" if key.endswith("_kb") else f"{key} {value:.2f}"
                              for key, value in run.extra.items())
            lines.append(f"  {run.bot}: {shown}")
    lines += [f"  {note}" for note in result.notes]
    lines += [f"  target: {name}: {'met' if ok else 'MISSED'}" for name, ok in result.targets]
    return lines


def ceiling_line(ceiling: dict[str, float]) -> str:
    """Describe the emulator's own limit."""
    return (f"Physical limit (emulator alone, bench/emulator_ceiling.py): sendMessage "
            f"{ceiling['sendMessage_per_s']:,.0f} req/s over 8 connections, getUpdates(limit=100) "
            f"{ceiling['getUpdates_updates_per_s']:,.0f} updates/s: no echo bot can beat "
            f"~{ceiling['sendMessage_per_s']:,.0f} updates/s here.")


def text_table(table: list[tuple[str, ...]]) -> str:
    """Format rows as an aligned plain-text table."""
    widths = [max(len(row[i]) for row in [HEADER, *table]) for i in range(len(HEADER))]
    return "\n".join("  ".join(cell.ljust(w) if i < 2 else cell.rjust(w)
                               for i, (cell, w) in enumerate(zip(row, widths, strict=True)))
                     for row in [HEADER, *table])


def markdown_table(table: list[tuple[str, ...]]) -> str:
    """Format rows as a Markdown table."""
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * 2 + "---:|" * (len(HEADER) - 2)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in table])


def render(results: list[Result], ceiling: dict[str, float] | None) -> str:
    """Return the plain-text report."""
    parts = [text_table(rows(results)), ""]
    for result in results:
        parts += summary(result)
    if ceiling:
        parts += ["", ceiling_line(ceiling)]
    return "\n".join(parts)


def write_doc(path: Path, results: list[Result], ceiling: dict[str, float] | None, command: str,
              processing: dict[str, int], seconds: float, load: float, code: str) -> None:
    """Replace the generated section of ``path`` (creating the file from the template if needed)."""
    block = "\n".join([
        BEGIN,
        (f"Measured {dt.date.today().isoformat()} on {machine()}, code at {code}, with `{command}` "
         f"(took {seconds / 60:.1f} min; 1-min load average at the end {load:.2f}). "
         f"Runner config: `processing: {processing}`, log level WARNING."),
        "", markdown_table(rows(results)), "", "```", *[line for r in results for line in summary(r)], "```",
        *([f"\n{ceiling_line(ceiling)}"] if ceiling else []), END,
    ])
    text = path.read_text() if path.exists() else TEMPLATE
    if BEGIN not in text or END not in text:
        text = TEMPLATE
    head, _, rest = text.partition(BEGIN)
    path.write_text(head + block + rest.partition(END)[2])


TEMPLATE = f"""# Benchmarks

`python -m bench` compares this runner (`bot.py`) with a plain python-telegram-bot 22 echo
bot (`bench/ptb_echo.py`, like PTB's echobot example: default one-update-at-a-time
processing) on the same workloads, in the same run. It is not part of the pytest suite.

```sh
python -m bench                      # full run (~15 min on 2 cores), rewrites the results below
python -m bench --quick              # smoke run (~2 min), prints only
python -m bench --scenario echo      # one scenario (echo, blocking, slow_chat, memory)
```

## Method

* Each run starts a fresh Bot API emulator (`scaletg_ptb.emulator`, real HTTP on 127.0.0.1)
  in the bench process, preloads the messages (unless the scenario injects them live), then
  starts the bot as a real subprocess (`python bot.py --config <generated>` or
  `python bench/ptb_echo.py`) with `TELEGRAM_BOT_TOKEN`/`TELEGRAM_BASE_URL` pointing at the
  emulator and logging at WARNING. The runner's config is generated into a temporary folder
  whose `apps/` links the project's `start`, `help` and the scenario's app (`echo`, or
  `bench/apps/sleepy`, `bench/apps/slow_chat`) and whose `modules/` links the project's.
* Every message text is unique (`c17-m42`: chat 17, message 42) and echoed back, so each
  reply is matched to its message through the emulator's `subscribe` events.
* **upd/s**: replies / (first update fetched -> last reply received). "Fetched" is when the
  emulator answered the `getUpdates` call that delivered the update.
* **CPU ms/upd**: the bot process's user+sys CPU (from `/proc/<pid>/stat` just before
  SIGINT, start-up included, nothing subtracted) / updates. **startup CPU s**: the part used
  before its first `getUpdates` was answered (imports, `getMe`).
* **p50/p99 ms**: reply latency, from the fetch for preloaded bursts, from the injection for
  live ones (column "latency from"). For a preloaded burst it includes queueing: PTB fetches
  the whole burst at once, while the runner stops fetching at `max_pending`.
* **order viol.**: replies that arrived after the reply to a later message of the same chat.
  **lost**/**dup**: messages with no reply / replies received twice.
* **peak RSS MB**: `VmHWM` of the bot process just before stopping. Both bots are stopped
  with SIGINT; "exit" is their exit status.
* echo and blocking run 3 rounds (bots alternating) and keep each bot's fastest round,
  because other work on the machine disturbs single runs; the notes list every round.

Scenarios: **echo** 5,000 texts over 100 chats with the sample apps (start, help, echo);
**blocking** an app that blocks 100 ms (`time.sleep`) per update, 600 updates over 50 chats,
against PTB doing the same sleep in a thread, one update at a time, on 50 updates; **slow_chat**
one chat whose app takes 2 s per message (5 messages) while 50 other chats send 20 msg/s in
total for 10 s, live; **memory** 100,000 updates over 10,000 chats, then another 100,000 over
10,000 new chats (injected while the bot runs): RSS after each burst.

## Results

{BEGIN}
{END}
"""
