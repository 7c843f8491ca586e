"""``python bot.py startapp NAME``: lay out a new app with a passing test, like Django's startapp."""

from __future__ import annotations

import keyword
import re
from pathlib import Path

from .errors import ConfigError

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,31}$")

APP_TEMPLATE = '''"""{title}: answer /{name}. Describe here what this app does."""

from modules.commands import match
from scaletg_ptb import Update

# Listed by /help and registered as the bot's command menu.
COMMANDS = {{"{name}": "Say hello from {name}"}}


# A plain def runs in a worker thread, so blocking calls (requests, a database) are fine here.
# An app that never blocks can be `async def process(update)`: it then runs on the event loop.
def process(update: Update) -> str | None:
    """Answer /{name}; leave every other update to the other apps (return None)."""
    command = match(update, "{name}")
    if command is None:
        return None
    return f"Hello from {name}! You said: {{command.args or 'nothing'}}"
'''

TEST_TEMPLATE = '''"""Tests of the {name} app, written with the ScaleTG testing kit (no token, no network)."""


def test_{name}_answers_its_command(make_sandbox_bot):
    bot = make_sandbox_bot(apps=["{name}"])
    bot.user("Alice").says("/{name} hi there").expect("Hello from {name}! You said: hi there")


def test_{name}_leaves_other_messages_alone(make_sandbox_bot):
    bot = make_sandbox_bot(apps=["{name}"])
    bot.user("Alice").says("just chatting").expect_nothing()
'''


def check_app_name(name: str, apps_dir: Path) -> None:
    """Raise ConfigError unless ``name`` can be a new app (and its command) in ``apps_dir``."""
    if not _NAME.match(name) or keyword.iskeyword(name):
        raise ConfigError(
            f"App name {name!r} is not valid: use 1-32 lowercase letters, digits and underscores, "
            f"starting with a letter (it is also the app's command, /{name.lower()})."
        )
    if (apps_dir / name).exists():
        raise ConfigError(f"App '{name}' already exists in {apps_dir.name}/{name}/. Pick another name.")


def create_app(name: str, apps_dir: Path) -> list[Path]:
    """Write ``apps_dir/name/`` with app.py and test_app.py; return the files written."""
    check_app_name(name, apps_dir)
    folder = apps_dir / name
    folder.mkdir(parents=True)
    files = {
        folder / "__init__.py": "",
        folder / "app.py": APP_TEMPLATE.format(name=name, title=name.replace("_", " ").capitalize()),
        folder / "test_app.py": TEST_TEMPLATE.format(name=name),
    }
    for path, text in files.items():
        path.write_text(text, encoding="utf-8")
    return list(files)


FALLBACK_APP = "unknown_command"  # answers any command no app took: it must stay last


def enable_in_config(name: str, config_path: Path) -> bool:
    """Add ``name`` to the end of the block-style ``apps:`` list (before the fallback); False if not found.

    A text edit rather than a YAML round trip, so that the user's comments survive.
    """
    lines = config_path.read_text(encoding="utf-8").splitlines(keepends=True)
    try:
        start = next(i for i, line in enumerate(lines) if re.match(r"^apps:\s*(#.*)?$", line))
    except StopIteration:
        return False
    last, indent = start, "  "
    for index in range(start + 1, len(lines)):
        item = re.match(r"^(\s+)-\s", lines[index])
        if item:
            last, indent = index, item.group(1)
        elif lines[index].strip() and not lines[index].lstrip().startswith("#"):
            break
    if not lines[last].endswith("\n"):
        lines[last] += "\n"
    # The fallback answers commands that no earlier app took, so a new app goes before it.
    before_fallback = re.match(rf"^\s+-\s+{FALLBACK_APP}\s*(#.*)?$", lines[last]) is not None
    lines.insert(last if before_fallback else last + 1, f"{indent}- {name}\n")
    config_path.write_text("".join(lines), encoding="utf-8")
    return True
