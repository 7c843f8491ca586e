"""The emulator mimics Telegram, not PTB: its modules import only the stdlib and each other."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "scaletg_ptb" / "emulator"
MODULES = sorted(PACKAGE.glob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda path: path.name)
def test_module_imports_only_stdlib_and_siblings(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    allowed = {"__future__", *sys.stdlib_module_names}
    outside = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            outside += [alias.name for alias in node.names if alias.name.split(".")[0] not in allowed]
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and (node.module or "").split(".")[0] not in allowed:
                outside.append(node.module or "")
            elif node.level > 1:
                outside.append("." * node.level + (node.module or ""))  # reaches out of the package
    assert outside == []


def test_every_module_stays_small() -> None:
    sizes = {path.name: len(path.read_text(encoding="utf-8").splitlines()) for path in MODULES}
    assert len(sizes) >= 10 and max(sizes.values()) <= 260, sizes


def test_running_the_emulator_never_loads_telegram() -> None:
    code = (
        "import sys, urllib.request\n"
        "from scaletg_ptb.emulator import Emulator\n"
        "with Emulator() as emu:\n"
        "    urllib.request.urlopen(emu.base_url + emu.token + '/getMe').read()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'telegram'))\n"
    )
    root = PACKAGE.parents[1]
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
