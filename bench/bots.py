"""The two bots under test: this runner (bot.py with a generated config) and the plain PTB baseline."""

from __future__ import annotations

import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
TOKEN = "123456:BENCH-TOKEN-0123456789"
WORKERS = 64
NEW_KEYS = {"concurrency": 256, "max_pending": 1000}  # per-chat ordered concurrency, if bot.py has it


@dataclass(frozen=True)
class Bot:
    """How to start one bot process."""

    name: str
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)


def processing_settings() -> dict[str, int]:
    """Return the `processing:` keys bot.py accepts: the new concurrency keys only if it knows them."""
    from scaletg_ptb.config import ConfigError, load_config

    with tempfile.TemporaryDirectory(prefix="scaletg-bench-check-") as folder:
        path = Path(folder) / "config.yaml"
        wanted = {"workers": WORKERS, **NEW_KEYS}
        path.write_text(yaml.safe_dump({"processing": wanted}))
        try:
            load_config(path, environ={}, require_token=False)
        except ConfigError:
            return {"workers": WORKERS}
        return wanted


def write_config(folder: Path, apps: list[str], processing: dict[str, int], inbox: str | None = None) -> Path:
    """Write a runner config into ``folder`` with apps/ and modules/ linked in; return its path."""
    (folder / "apps").mkdir(parents=True, exist_ok=True)
    (folder / "apps" / "__init__.py").touch()
    for name in apps:
        source = ROOT / "apps" / name
        if not source.is_dir():
            source = BENCH / "apps" / name
        (folder / "apps" / name).symlink_to(source, target_is_directory=True)
    (folder / "modules").symlink_to(ROOT / "modules", target_is_directory=True)
    config = {
        "apps": apps,
        "polling": {"timeout": 10},
        "processing": processing,
        "logging": {"level": "WARNING"},
        **({"inbox": inbox} if inbox else {}),
    }
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def scaletg(folder: Path, app: str, processing: dict[str, int], env: dict[str, str] | None = None,
            inbox: str | None = None) -> Bot:
    """Return this runner with the sample start and help apps followed by ``app`` (default inbox unless given)."""
    config = write_config(folder, ["start", "help", app], processing, inbox)
    name = f"ScaleTG inbox:{inbox}" if inbox else "ScaleTG"
    return Bot(name, [sys.executable, str(ROOT / "bot.py"), "--config", str(config)], env or {})


def baseline(*options: str) -> Bot:
    """Return the plain PTB echo bot with these command-line options."""
    return Bot("PTB", [sys.executable, str(BENCH / "ptb_echo.py"), *options])


def peer(*options: str) -> Bot:
    """Return aiogram's echo bot (a benchmark-only dependency) with these command-line options."""
    return Bot("aiogram", [sys.executable, str(BENCH / "aiogram_echo.py"), *options])


def has_aiogram() -> bool:
    """Tell whether aiogram is installed (pip install -r bench/requirements.txt)."""
    import importlib.util

    return importlib.util.find_spec("aiogram") is not None


def fleet(folder: Path, app: str, processing: dict[str, int], inbox: str, workers: int) -> tuple[Bot, list[Bot]]:
    """Return a poller and ``workers`` worker processes of this runner, sharing the Redis ``inbox``."""
    config = write_config(folder, ["start", "help", app], processing)
    command = [sys.executable, str(ROOT / "bot.py"), "--config", str(config)]
    env = {"SCALETG_INBOX": inbox}
    name = f"ScaleTG poll+{workers} work"
    return Bot(name, [*command, "poll"], env), [Bot(f"{name} (worker)", [*command, "work"], env)] * workers
