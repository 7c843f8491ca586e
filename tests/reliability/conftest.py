"""A real bot.py process against the emulator, with its output in a file that tests can wait on."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scaletg_ptb.emulator import Emulator

from ..project import FIXTURE_PROJECT, ROOT

FIXTURE_APPS = ROOT / "tests" / "fixture_apps"
TOKEN = "424242:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
SECRET = TOKEN.split(":")[1]


def make_project(folder: Path, apps: list[str], extra: str = "") -> Path:
    """Write a project folder with the given apps (the fixture project's or fixture ones); return its config."""
    (folder / "apps").mkdir(parents=True, exist_ok=True)
    for name in apps:
        source = FIXTURE_PROJECT / "apps" / name
        if not source.exists():
            source = FIXTURE_APPS / name
        link = folder / "apps" / name
        if not link.exists():
            link.symlink_to(source)
    if not (folder / "modules").exists():
        (folder / "modules").symlink_to(ROOT / "modules")
    config = folder / "config.yaml"
    config.write_text(f"apps: [{', '.join(apps)}]\npolling: {{timeout: 1}}\n{extra}")
    return config


class BotProcess:
    """``python bot.py`` as a child process whose combined output goes to a file."""

    def __init__(self, config: Path, base_url: str, *args: str) -> None:
        self.log_path = config.parent / f"bot-{time.monotonic_ns()}.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
        env.update(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_BASE_URL=base_url, PYTHONUNBUFFERED="1")
        self._log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "bot.py"), "--config", str(config), "--log-level", "DEBUG", *args],
            cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT)

    @property
    def output(self) -> str:
        return self.log_path.read_text()

    def wait_for_output(self, text: str, timeout: float = 20.0) -> None:
        """Poll the output until ``text`` appears (bounded)."""
        deadline = time.monotonic() + timeout
        while text not in self.output:
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"{text!r} never appeared; output:\n{self.output}")
            time.sleep(0.02)

    def signal(self, number: int = signal.SIGTERM) -> None:
        self.process.send_signal(number)

    def wait(self, timeout: float = 30.0) -> int:
        try:
            return self.process.wait(timeout)
        finally:
            self._log.close()

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._log.close()


@pytest.fixture
def emu():
    with Emulator(token=TOKEN) as emulator:
        yield emulator


@pytest.fixture
def start_bot():
    started: list[BotProcess] = []

    def start(config: Path, base_url: str, *args: str) -> BotProcess:
        bot = BotProcess(config, base_url, *args)
        started.append(bot)
        return bot

    yield start
    for bot in started:
        bot.kill()
        assert SECRET not in bot.output, "the token leaked into the output"
