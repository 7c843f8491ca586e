"""Private files: the state folder and what it holds hold people's messages, so only the owner reads them."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

log = logging.getLogger("scaletg_ptb.state")
FOLDER_MODE, FILE_MODE = 0o700, 0o600


def private_folder(path: Path) -> None:
    """Create ``path`` (and its parents) as 0700 whatever the umask; warn if it exists open to others."""
    if path.is_dir():
        _warn_if_shared(path, "700")
        return
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, FOLDER_MODE)  # mkdir's mode is filtered by the umask: set it outright


def private_file(path: Path) -> None:
    """Create ``path`` empty as 0600 whatever the umask, before anything writes to it; warn if shared."""
    try:
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE)
    except FileExistsError:
        _warn_if_shared(path, "600")
        return
    try:
        os.fchmod(descriptor, FILE_MODE)
    finally:
        os.close(descriptor)


def _warn_if_shared(path: Path, mode: str) -> None:
    current = stat.S_IMODE(path.stat().st_mode)
    if current & 0o077:
        log.warning("%s is readable by other users (mode %03o) and holds people's messages. Fix: chmod %s %s",
                    path, current, mode, path)
