"""What ``--reload`` watches (the code folders and the config file) and which changes count."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from watchfiles import Change, DefaultFilter, watch

log = logging.getLogger("scaletg_ptb.reload")
SUFFIXES = (".py", ".yaml", ".yml")
STEP_MS = 50  # yield once nothing more changed for this long: one save, one restart


@dataclass(frozen=True)
class Target:
    """A watched folder (or file) and the name its changes are reported under."""

    path: Path  # resolved, so that symlinked folders are watched where they really are
    label: str

    def name(self, changed: Path) -> str | None:
        """Return how to show ``changed``, or None if it is not under this target."""
        if changed == self.path:
            return self.label
        try:
            return f"{self.label}/{changed.relative_to(self.path).as_posix()}"
        except ValueError:
            return None


class CodeFilter(DefaultFilter):
    """Let through only .py and .yaml files, never caches, editor files or the state folder."""

    def __call__(self, change: Change, path: str) -> bool:
        name = Path(path).name
        return name.endswith(SUFFIXES) and not name.startswith(".") and super().__call__(change, path)


class ConfigFilter(DefaultFilter):
    """Let through only the config file (its folder is watched, so a save by rename counts)."""

    def __init__(self, config: Path) -> None:
        super().__init__()
        self.config = config

    def __call__(self, change: Change, path: str) -> bool:
        return Path(path) == self.config


class Watcher:
    """Yield the names of the files changed since the last batch, until ``stop`` is set."""

    def __init__(self, config: Path, folders: Sequence[tuple[Path, str]], ignore: Sequence[Path] = ()) -> None:
        self.config = Target(config.resolve(), config.name)
        seen: set[Path] = set()
        self.folders: list[Target] = []
        for folder, label in folders:
            path = folder.resolve()
            if path.is_dir() and path not in seen:
                seen.add(path)
                self.folders.append(Target(path, label))
        self.ignore = [path.resolve() for path in ignore]

    def folder_names(self, conjunction: str = "and") -> str:
        """Name the watched folders in a phrase: "apps/, modules/ and scaletg_ptb/"."""
        names = [f"{target.label}/" for target in self.folders] or ["no folder"]
        return ", ".join(names[:-1]) + f" {conjunction} " + names[-1] if len(names) > 1 else names[0]

    def batches(self, stop: threading.Event) -> Iterator[list[str]]:
        """Yield each batch of relevant changes as sorted display names; end once ``stop`` is set."""
        found: queue.Queue[set[tuple[Change, str]] | None] = queue.Queue()
        # Two watchers: the folders recursively, and the config's folder alone. Watching the config
        # file itself would lose it after the first save by rename (vim, many IDEs).
        jobs = [([t.path for t in self.folders], CodeFilter(ignore_paths=self.ignore), True),
                ([self.config.path.parent], ConfigFilter(self.config.path), False)]
        jobs = [job for job in jobs if job[0]]
        for paths, check, recursive in jobs:
            threading.Thread(target=self._watch, args=(paths, check, recursive, stop, found),
                             name="scaletg-reload-watch", daemon=True).start()
        running = len(jobs)
        while running:
            batch = found.get()
            if batch is None:
                running -= 1
                continue
            while not found.empty():  # both watchers saw the same save: one restart
                more = found.get_nowait()
                if more is None:
                    running -= 1
                else:
                    batch |= more
            names = sorted({self.name(Path(path)) for _, path in batch})
            if names and not stop.is_set():
                yield names

    def name(self, changed: Path) -> str:
        """Return how to show a changed path: under its watched folder's label."""
        for target in [self.config, *self.folders]:
            name = target.name(changed)
            if name is not None:
                return name
        return str(changed)

    @staticmethod
    def _watch(paths: list[Path], check: DefaultFilter, recursive: bool, stop: threading.Event,
               found: queue.Queue[set[tuple[Change, str]] | None]) -> None:
        try:
            for changes in watch(*paths, watch_filter=check, recursive=recursive, stop_event=stop,
                                 step=STEP_MS, raise_interrupt=False):
                found.put(changes)
        except Exception as exc:  # noqa: BLE001 - e.g. out of inotify watches: say so, keep the bot
            log.error("Cannot watch %s for changes (%s: %s); --reload will miss them.",
                      ", ".join(map(str, paths)), type(exc).__name__, exc)
        finally:
            found.put(None)
