"""``--sandbox --log-level DEBUG``: the project's detail in the chat, not httpx's and httpcore's."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from scaletg_ptb.sandbox.logfilter import ProjectDetailOnly, shows_line

ROOT = Path(__file__).parents[2]
SLEEPY = Path(__file__).parents[1] / "fixture_apps" / "sleepy"


def debug_sandbox(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Pipe one message into ``bot.py --sandbox --log-level DEBUG`` with the fixture app sleepy."""
    (tmp_path / "apps").mkdir()
    (tmp_path / "apps" / "sleepy").symlink_to(SLEEPY, target_is_directory=True)
    (tmp_path / "config.yaml").write_text("apps: [sleepy]\n")
    environ = {k: v for k, v in os.environ.items() if k not in ("USER", "SCALETG_DEBUG_ALL")
               and not k.startswith("TELEGRAM_")}
    return subprocess.run([sys.executable, "bot.py", "--sandbox", "--config", str(tmp_path / "config.yaml"),
                           "--log-level", "DEBUG"], cwd=ROOT, env={**environ, **env}, input="sleep 0\n",
                          capture_output=True, text=True, timeout=60)


def logger_names(stderr: str) -> set[str]:
    return {line.split()[3].rstrip(":") for line in stderr.splitlines() if line[:2].isdigit()}


def test_debug_shows_the_project_and_telegram_but_not_httpx_or_httpcore(tmp_path):
    result = debug_sandbox(tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-3:] == ["You › sleep 0", "ScaleTGBot › slept 0",
                                               "» Bye: the bot and the emulator are stopped."]
    names = logger_names(result.stderr)
    assert {"scaletg_ptb.dispatch", "telegram.ext.Updater"} <= names
    assert not {name for name in names if name.startswith(("httpx", "httpcore", "asyncio"))}, names


def test_scaletg_debug_all_lets_every_library_through(tmp_path):
    result = debug_sandbox(tmp_path, SCALETG_DEBUG_ALL="1")
    assert result.returncode == 0, result.stderr
    names = logger_names(result.stderr)
    # asyncio's "Using selector" line: the Bot API calls go over aiohttp, which logs nothing here.
    assert "asyncio" in names


@pytest.mark.parametrize(("name", "level", "shown"), [
    ("httpcore.http11", logging.DEBUG, False),
    ("httpx", logging.INFO, False),
    ("httpx", logging.WARNING, True),
    ("scaletg_ptb.polling", logging.DEBUG, True),
    ("telegram.ext.ExtBot", logging.DEBUG, True),
    ("apps.weather.app", logging.DEBUG, True),
    ("root", logging.INFO, True),
])
def test_the_filter_keeps_warnings_from_anyone_and_detail_from_the_project(name, level, shown):
    record = logging.LogRecord(name, level, __file__, 1, "text", (), None)
    assert ProjectDetailOnly().filter(record) is shown


def test_a_reload_childs_lines_follow_the_same_rule():
    assert not shows_line("2024-05-01 10:00:00,123 DEBUG   httpcore.http11: send_request_headers.started")
    assert shows_line("2024-05-01 10:00:00,123 DEBUG   scaletg_ptb.polling: fetched 1")
    assert shows_line("2024-05-01 10:00:00,123 WARNING httpx: odd")
    assert shows_line("print() output of an app")
    assert shows_line("2024-05-01 10:00:00,123 DEBUG   httpcore.http11: x", {"SCALETG_DEBUG_ALL": "1"})
