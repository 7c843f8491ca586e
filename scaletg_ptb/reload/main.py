"""``python bot.py --reload``: this process watches the files and runs the bot as its child."""

from __future__ import annotations

import argparse
import os
import sys
import threading
from pathlib import Path

from ..cli import sigterm_interrupts
from ..config import load_config
from ..errors import ConfigError
from .reloader import Reloader
from .watch import Watcher

PACKAGE = Path(__file__).resolve().parents[1]  # scaletg_ptb/: a change to the framework restarts too
DEFAULT_STOP_TIMEOUT = 30.0


def run_reload(args: argparse.Namespace, script: str) -> int:
    """Run the bot of ``args`` as a child process, restarting it on every change; return the exit status."""
    if args.sandbox:
        from .sandbox import run_sandbox_reload

        return run_sandbox_reload(args, script)
    watcher = project_watcher(Path(args.config))
    command = bot_command(script, args.config, args.log_level)
    reloader = Reloader(lambda: command, child_env, watcher, _say,
                        stop_timeout=lambda: _stop_timeout(args.config))
    _say(f"Watching {watcher.config.label} and the .py and .yaml files in {watcher.folder_names()}: "
         "the bot restarts when one changes. Ctrl-C stops it.")
    return supervise(reloader)


def supervise(reloader: Reloader) -> int:
    """Run ``reloader`` until Ctrl-C or SIGTERM; a second one stops the bot at once."""
    stop = threading.Event()
    # The loop runs in a thread so that the main thread only waits, where Ctrl-C is safe to take.
    threading.Thread(target=reloader.run, args=(stop,), name="scaletg-reloader", daemon=True).start()
    interrupts = 0
    with sigterm_interrupts():
        while not reloader.done.is_set():
            try:
                reloader.done.wait()
            except KeyboardInterrupt:
                interrupts += 1
                if interrupts == 1:
                    _say("Stopping: the bot finishes the updates in hand (Ctrl-C again stops it at once).")
                    stop.set()
                else:
                    reloader.force()
    return 1 if reloader.status is None else reloader.status  # None: the loop itself failed


def project_watcher(config: Path) -> Watcher:
    """Watch the project's apps/ and modules/, the framework and the config file, not the state folder."""
    root = config.resolve().parent
    try:
        state = load_config(config, require_token=False).state_dir
    except ConfigError:
        state = root / "state"
    return Watcher(config, [(root / "apps", "apps"), (root / "modules", "modules"), (PACKAGE, PACKAGE.name)],
                   ignore=[state])


def bot_command(script: str, config: str, log_level: str | None) -> list[str]:
    """Return the command line of the child: the ordinary runner with the same config and log level."""
    options = ["--config", config] + (["--log-level", log_level] if log_level else [])
    return [sys.executable, *(f"-W{option}" for option in sys.warnoptions), script, *options]


def child_env(**extra: str) -> dict[str, str]:
    """Return the child's environment: this one, plus ``extra``, without writing bytecode.

    Python trusts a .pyc whose source has the same size and mtime to the second, so an edit
    that keeps the size within a second of the last start would run the old code.
    """
    return {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **extra}


def _stop_timeout(config: str) -> float:
    try:
        return load_config(config, require_token=False).processing.stop_timeout
    except ConfigError:
        return DEFAULT_STOP_TIMEOUT


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


