"""Fresh imports for every bot: module-level state of an app never carries from one test to the next."""

from __future__ import annotations

import sys


def forget_imports(*packages: str) -> None:
    """Drop ``packages`` and their submodules from ``sys.modules`` so that the next import runs them afresh.

    Test modules and conftest files inside them stay: pytest has already collected them.
    """
    for name in [name for name in sys.modules if name.split(".")[0] in packages]:
        last = name.rpartition(".")[2]
        if not (last.startswith("test_") or last.endswith("_test") or last == "conftest"):
            del sys.modules[name]
