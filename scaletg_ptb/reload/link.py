"""The socket between the reloader and its bot child: readiness and outcomes up, a lifeline down.

The child writes one JSON line per event (``ready`` once it is about to poll, ``processed``
per update); it never reads anything but end-of-file, which means the reloader is gone.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import signal
import socket
import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..application import ScaleApplication
    from ..config import Config
    from ..core import Update
    from ..dispatch import Outcome

FD_ENV = "SCALETG_RELOAD_FD"  # the child's end of the socket
STATE_ENV = "SCALETG_RELOAD_STATE"  # a state folder to use instead of the config's (the sandbox's)

log = logging.getLogger("scaletg_ptb.reload")
Report = dict[str, Any]


def open_link() -> tuple[socket.socket, socket.socket]:
    """Return a connected pair: the reloader's end and the end to hand to the child."""
    mine, theirs = socket.socketpair()
    theirs.set_inheritable(True)
    return mine, theirs


def read_reports(sock: socket.socket, on_report: Callable[[Report], None]) -> None:
    """Call ``on_report`` for every complete line until the child's end closes."""
    pending = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except OSError:  # closed on our side: the child is done with
            return
        if not chunk:
            return  # a half-written last line (the child was killed) is dropped
        pending += chunk
        *lines, pending = pending.split(b"\n")
        for line in lines:
            try:
                on_report(json.loads(line))
            except ValueError:
                log.debug("Ignoring a malformed report from the bot process: %r", line[:200])


class ReloaderLink:
    """The child's side: report to the reloader and stop gracefully if it disappears."""

    def __init__(self, sock: socket.socket, state: str | None) -> None:
        self._sock = sock
        self._state = state
        self._lock = threading.Lock()  # observers run on several threads: keep lines whole

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> ReloaderLink | None:
        """Return the link when ``--reload`` started this process, else None."""
        if environ is None:
            # Taken out, so that processes the apps start do not think they are the reloader's.
            fd, state = os.environ.pop(FD_ENV, ""), os.environ.pop(STATE_ENV, "")
        else:
            fd, state = environ.get(FD_ENV, ""), environ.get(STATE_ENV, "")
        if not fd.isdigit():
            return None
        try:
            sock = socket.socket(fileno=int(fd))
        except OSError:
            return None
        sock.set_inheritable(False)  # the apps' own subprocesses must not keep the lifeline open
        return cls(sock, state or None)

    def adapt(self, config: Config) -> Config:
        """Return ``config`` with the reloader's state folder, if it chose one."""
        return dataclasses.replace(config, state=self._state) if self._state else config

    def attach(self, application: ScaleApplication) -> None:
        """Report readiness and outcomes of ``application``; stop it when the reloader dies."""
        application.adapter.observers += (self._observe,)
        previous = application.post_init

        async def ready(app: Any) -> None:
            if previous is not None:
                await previous(app)
            self._send({"event": "ready"})

        application.post_init = ready
        threading.Thread(target=self._lifeline, name="scaletg-reload-lifeline", daemon=True).start()

    def _observe(self, update: Update, outcome: Outcome) -> None:
        self._send({"event": "processed", "update": update.to_dict(), "app": outcome.app,
                    "method": outcome.reply.method if outcome.reply is not None else None,
                    "sent": outcome.sent, "dropped_by": outcome.dropped_by})

    def _send(self, report: Report) -> None:
        data = json.dumps(report, ensure_ascii=False, separators=(",", ":"), default=str).encode() + b"\n"
        with self._lock:
            try:
                self._sock.sendall(data)
            except OSError:  # the reloader is gone; the lifeline stops the bot
                pass

    def _lifeline(self) -> None:
        """Wait for end-of-file from the reloader, then stop like SIGTERM does (in-flight updates finish)."""
        try:
            while self._sock.recv(1):
                pass
        except OSError:
            pass
        log.warning("The --reload process is gone; stopping.")
        os.kill(os.getpid(), signal.SIGTERM)
