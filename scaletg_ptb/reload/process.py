"""One run of the bot as a child process: start it, hear from it, stop it gracefully."""

from __future__ import annotations

import signal
import socket
import subprocess
import threading
from collections.abc import Callable, Mapping, Sequence

from .link import FD_ENV, Report, open_link, read_reports

DRAIN_TIMEOUT = 5.0


class BotProcess:
    """``python bot.py ...`` in its own process group, linked to this process by a socket.

    Its own process group keeps a Ctrl-C at the terminal away from it: the reloader decides
    when it stops, and a SIGINT on top of the reloader's SIGTERM would force the stop.
    """

    def __init__(self, command: Sequence[str], env: Mapping[str, str], *,
                 on_report: Callable[[Report], None], on_exit: Callable[[BotProcess, int], None],
                 on_output: Callable[[str], None] | None = None) -> None:
        self.command = list(command)
        self.env = dict(env)
        self.on_report = on_report
        self.on_exit = on_exit
        self.on_output = on_output  # None: the child writes to this process's stdout and stderr
        self.stopping = False  # whether the exit was asked for (so it is no failure)
        self._process: subprocess.Popen[str] | None = None
        self._threads: list[threading.Thread] = []

    def start(self) -> BotProcess:
        """Start the child; raise OSError if it cannot be started."""
        mine, theirs = open_link()
        env = {**self.env, FD_ENV: str(theirs.fileno())}
        piped = self.on_output is not None
        try:
            self._process = subprocess.Popen(
                self.command, env=env, pass_fds=(theirs.fileno(),), process_group=0,
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE if piped else None,
                stderr=subprocess.STDOUT if piped else None, text=True, errors="replace")
        except BaseException:
            mine.close()
            raise
        finally:
            theirs.close()  # the child holds it now; closing ours lets reading end at its exit
        self._spawn(self._reports, mine)
        if piped:
            self._spawn(self._relay)
        self._spawn(self._wait, mine)
        return self

    @property
    def alive(self) -> bool:
        """Tell whether the child has not exited yet."""
        return self._process is not None and self._process.poll() is None

    def terminate(self) -> None:
        """Ask the child to stop gracefully (SIGTERM: the updates in hand finish first)."""
        self.stopping = True
        self._signal(signal.SIGTERM)

    def force(self) -> None:
        """Ask again: the runner treats a second SIGTERM as "stop at once"."""
        self._signal(signal.SIGTERM)

    def kill(self) -> None:
        """Kill the child outright (it ignored both requests)."""
        self._signal(signal.SIGKILL)

    def wait(self, timeout: float | None = None) -> int | None:
        """Wait until the child has exited and been reported; return its status or None on timeout."""
        for thread in self._threads:
            thread.join(timeout)
        return None if self._process is None else self._process.poll()

    def _signal(self, number: int) -> None:
        if self.alive:
            assert self._process is not None
            try:
                self._process.send_signal(number)
            except ProcessLookupError:  # it exited meanwhile
                pass

    def _spawn(self, target: Callable[..., None], *args: object) -> None:
        thread = threading.Thread(target=target, args=args, name="scaletg-reload-child", daemon=True)
        self._threads.append(thread)
        thread.start()

    def _reports(self, sock: socket.socket) -> None:
        read_reports(sock, self.on_report)

    def _relay(self) -> None:
        assert self._process is not None and self._process.stdout is not None
        for line in self._process.stdout:
            assert self.on_output is not None
            self.on_output(line.rstrip("\n"))

    def _wait(self, sock: socket.socket) -> None:
        assert self._process is not None
        status = self._process.wait()
        for thread in self._threads:
            if thread is not threading.current_thread():
                # Every report and output line comes before the exit is announced; bounded, as
                # a process the bot started may still hold the pipe or the socket.
                thread.join(DRAIN_TIMEOUT)
        try:
            sock.shutdown(socket.SHUT_RDWR)  # wakes the reading thread if it still waits
        except OSError:
            pass
        sock.close()
        self.on_exit(self, status)
