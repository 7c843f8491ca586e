"""The registry: loads the enabled apps and configured modules once, in config order."""

from __future__ import annotations

import importlib
import inspect
import re
import sys
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType, ModuleType
from typing import Any

from .core._suggest import closest
from .errors import ConfigError

_COMMAND_NAME = re.compile(r"^[a-z0-9_]{1,32}$")


@dataclass(frozen=True)
class App:
    """An enabled app: its name, its ``process`` callable and the commands it declares."""

    name: str
    process: Callable[[Any], Any]
    is_async: bool
    commands: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Module:
    """A configured module; ``allows`` is its optional gate over every update."""

    name: str
    package: ModuleType
    allows: Callable[[Any], bool] | None = None


class Registry:
    """Own app and module discovery: populate once, keep config order, check every shape."""

    def __init__(self, root: Path, *, config_name: str = "config.yaml",
                 apps_dir: Path | None = None, modules_dir: Path | None = None) -> None:
        self.config_name = config_name
        apps_dir, modules_dir = Path(apps_dir or Path(root) / "apps"), Path(modules_dir or Path(root) / "modules")
        # Messages name the folders as the user sees them, even when they are symbolic links.
        self._apps_label, self._modules_label = apps_dir.name, modules_dir.name
        self.apps_dir, self.modules_dir = apps_dir.resolve(), modules_dir.resolve()
        self.apps: tuple[App, ...] = ()
        self.modules: tuple[Module, ...] = ()
        self.ready = False

    def populate(self, app_names: Sequence[str], module_settings: Mapping[str, Mapping[str, Any]]) -> None:
        """Set up the modules, then import and check the apps; only the first call does work."""
        if self.ready:
            return
        errors: list[ConfigError] = []
        modules = [_collect(errors, self._load_module, name, settings) for name, settings in module_settings.items()]
        names = _collect(errors, self._check_app_names, app_names) or ()
        apps = [_collect(errors, self._load_app, name) for name in names]
        self.modules = tuple(module for module in modules if module is not None)
        self.apps = tuple(app for app in apps if app is not None)
        if errors:
            # Every mistake at once: fixing one to discover the next is slow.
            raise ConfigError.combine(errors)
        self.ready = True

    def commands(self) -> dict[str, str]:
        """Return command → description for every enabled app, the first app winning a clash."""
        merged: dict[str, str] = {}
        for app in self.apps:
            for command, description in app.commands.items():
                merged.setdefault(command, description)
        return merged

    def command_clashes(self) -> list[tuple[str, str, str]]:
        """Return (command, first app, later app) for every command declared twice."""
        owner: dict[str, str] = {}
        clashes = []
        for app in self.apps:
            for command in app.commands:
                if command in owner:
                    clashes.append((command, owner[command], app.name))
                else:
                    owner[command] = app.name
        return clashes

    def _check_app_names(self, names: Sequence[str]) -> Sequence[str]:
        seen: set[str] = set()
        for name in names:
            if not name.isidentifier():
                raise ConfigError(
                    f"App name {name!r} in {self.config_name} is not a valid Python package name. "
                    f"Use letters, digits and underscores."
                )
            if name in seen:
                raise ConfigError(
                    f"App '{name}' is listed twice in 'apps' in {self.config_name}. Remove the duplicate."
                )
            seen.add(name)
        return names

    def _missing_app(self, name: str, where: str) -> ConfigError:
        existing = [path.parent.name for path in self.apps_dir.glob("*/app.py")]
        guess = closest(name, existing)
        start = f"App '{name}' is enabled in {self.config_name} but {where} does not exist"
        create = f"python bot.py startapp {name}"
        if guess is not None:
            return ConfigError(f"{start}: did you mean '{guess}'? Otherwise create it ({create}) "
                               "or remove it from 'apps'.")
        return ConfigError(f"{start}. Create it ({create}) or remove it from 'apps'.")

    def _load_app(self, name: str) -> App:
        where = f"{self._apps_label}/{name}/app.py"
        if not (self.apps_dir / name / "app.py").is_file():
            raise self._missing_app(name, where)
        package = _import(self.apps_dir, f"{name}.app", f"App '{name}'", "apps", self.config_name)
        process = getattr(package, "process", None)
        if process is None:
            raise ConfigError(f"App '{name}' ({where}) does not define process(update). Add it.")
        _check_signature(process, name, where)
        return App(
            name=name,
            process=process,
            is_async=inspect.iscoroutinefunction(process),
            commands=_commands(getattr(package, "COMMANDS", {}), name),
        )

    def _load_module(self, name: str, settings: Mapping[str, Any]) -> Module:
        if not name.isidentifier() or not (self.modules_dir / name).is_dir():
            raise ConfigError(
                f"Module '{name}' is configured under 'modules' in {self.config_name} but "
                f"{self._modules_label}/{name}/ does not exist. Create it or remove it from 'modules'."
            )
        package = _import(self.modules_dir, name, f"Module '{name}'", "modules", self.config_name)
        setup = getattr(package, "setup", None)
        if setup is not None:
            try:
                setup(MappingProxyType(dict(settings)))
            except (TypeError, ValueError) as exc:
                raise ConfigError(
                    f"{self.config_name}: 'modules.{name}' is invalid: {exc} Fix it in {self.config_name}."
                ) from exc
        return Module(name=name, package=package, allows=getattr(package, "allows", None))


def _collect(errors: list[ConfigError], load: Callable[..., Any], *args: Any) -> Any:
    """Return ``load(*args)``, or None after adding its ConfigError to ``errors``."""
    try:
        return load(*args)
    except ConfigError as exc:
        errors.append(exc)
        return None


def _import(base: Path, dotted: str, who: str, section: str, config_name: str) -> ModuleType:
    """Import ``<base>.<dotted>`` with base's parent on sys.path, reporting the code's own error."""
    parent = str(base.parent)
    if parent not in sys.path:
        sys.path.insert(0, parent)
    try:
        _search_first(base, only=section == "apps")
        return importlib.import_module(f"{base.name}.{dotted}")
    except Exception as exc:  # noqa: BLE001 - any import-time error is the app's own; show it
        # A SyntaxError's str() ends with its own "(file, line N)": say the location once.
        detail = exc.msg if isinstance(exc, SyntaxError) else exc
        raise ConfigError(
            f"{who} failed to import: {type(exc).__name__}: {detail}{_location(exc, base)}. "
            f"Fix it or remove it from '{section}' in {config_name}."
        ) from exc


def _search_first(base: Path, *, only: bool = False) -> None:
    """Make the package named like ``base`` look in ``base`` first (with ``only``, in ``base`` alone).

    Another folder of that name may win the import: one loaded earlier in this process (tests
    running several projects), or a regular package on sys.path when ``base`` has no __init__.py.
    Apps look in ``base`` alone: another project's app, a regular package, would otherwise
    shadow a same-named app of this one that has no __init__.py.
    """
    package = importlib.import_module(base.name)
    if only:
        package.__path__ = [str(base)]
        return
    search = getattr(package, "__path__", None)
    if search is None or str(base) in search:
        return
    if isinstance(search, list):
        search.insert(0, str(base))
    else:  # a namespace package's path only appends
        search.append(str(base))


def _location(exc: BaseException, base: Path) -> str:
    """Return ' (file, line N)' for the innermost frame of the error inside ``base``."""
    if isinstance(exc, SyntaxError) and exc.filename:
        frames = [(exc.filename, exc.lineno)]
    else:
        frames = [(f.filename, f.lineno) for f in traceback.extract_tb(exc.__traceback__)]
    for filename, lineno in reversed(frames):
        path = Path(filename).resolve()
        if path.is_relative_to(base):
            return f" ({path.relative_to(base.parent)}, line {lineno})"
    return ""


def _check_signature(process: Any, name: str, where: str) -> None:
    if not callable(process):
        raise ConfigError(
            f"App '{name}' ({where}) has process = {process!r}, which is not a function. "
            f"Define def process(update): ..."
        )
    try:
        signature = inspect.signature(process)
        signature.bind(object())
    except TypeError:
        raise ConfigError(
            f"App '{name}' ({where}) has process{signature} but ScaleTG calls process(update) "
            f"with one argument. Change its signature to process(update)."
        ) from None
    except ValueError:
        return  # a builtin without a signature: trust it


def _commands(declared: Any, app: str) -> Mapping[str, str]:
    if not isinstance(declared, Mapping):
        raise ConfigError(
            f"App '{app}' has COMMANDS = {declared!r}; it must be a dict of command to description, "
            f'e.g. {{"start": "Greet the user"}}.'
        )
    for command, description in declared.items():
        if not isinstance(command, str) or not _COMMAND_NAME.match(command):
            raise ConfigError(
                f"App '{app}' declares command {command!r} in COMMANDS; a command is 1-32 lowercase "
                f"letters, digits or underscores, without the '/'."
            )
        if not isinstance(description, str) or not 1 <= len(description) <= 256:
            raise ConfigError(
                f"App '{app}' gives command '{command}' the description {description!r}; "
                f"it must be a string of 1-256 characters."
            )
    return MappingProxyType(dict(declared))
