"""``python -m scaletg_ptb.emulator`` serves, prints its URL and token, and exits 0 on Ctrl-C."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def test_standalone_server_serves_and_stops_cleanly() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "scaletg_ptb.emulator", "--port", "0", "--token", "42:SECRET"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        url_line = process.stdout.readline()
        token_line = process.stdout.readline()
        base_url = url_line.rsplit(" ", 1)[-1].strip()
        assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/bot")
        assert token_line.strip() == "token: 42:SECRET"
        assert httpx.post(f"{base_url}42:SECRET/getMe").json()["result"]["id"] == 42
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0
    assert "Traceback" not in stderr
