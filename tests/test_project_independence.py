"""The framework tests and the testing kit hold whatever the user does to config.yaml and apps/.

A real copy of the project gets new apps (``startapp weather``, enabled) and loses a sample app
(echo); then the tests that used to read the user's project run in it, in a subprocess.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scaletg_ptb.scaffold import enable_in_config

from .project import ROOT

# The framework tests that once depended on the user's config.yaml or apps/ (the slow tmux ones aside).
FORMERLY_DEPENDENT = [
    "tests/test_menu.py", "tests/test_scaffold.py", "tests/test_config.py", "tests/test_adapter.py",
    "tests/sandbox/test_session.py", "tests/sandbox/test_transcript.py", "tests/testing",
    "tests/test_bot_cli.py::test_check_validates_config_and_apps_without_connecting",
    "tests/test_readme.py::test_the_piped_sandbox_example_works",
]


def run(project: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "PYTEST_"))}
    return subprocess.run([sys.executable, *args], cwd=cwd or project, env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=300)


def unused_name(apps: Path, wanted: str) -> str:
    """Return ``wanted``, or ``wanted2``, ``wanted3`` …: the first that is not an app yet (the user may have it)."""
    name, number = wanted, 1
    while (apps / name).exists():
        number += 1
        name = f"{wanted}{number}"
    return name


@pytest.fixture(scope="module")
def changed_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of this project where the user added 'weather' (enabled) and 'greeter', and deleted 'echo'.

    Whatever the user's project already holds: a 'weather' of theirs makes the new one 'weather2'.
    """
    project = tmp_path_factory.mktemp("changed-project")
    for name in ("bot.py", "conftest.py", "pytest.ini", "config.yaml", "README.md"):
        shutil.copy(ROOT / name, project / name)
    for name in ("apps", "modules", "scaletg_ptb", "tests"):
        shutil.copytree(ROOT / name, project / name, symlinks=True,
                        ignore=shutil.ignore_patterns("__pycache__", "state"))
    weather = unused_name(project / "apps", "weather")
    for name in (weather, "greeter"):  # greeter: named like a fixture app of the framework tests
        if name == weather or not (project / "apps" / name).exists():
            created = run(project, "bot.py", "startapp", name)
            assert created.returncode == 0, created.stderr
    config = project / "config.yaml"
    if f"- {weather}\n" not in config.read_text():
        assert enable_in_config(weather, config)
    config.write_text(config.read_text().replace("  - echo\n", ""))
    shutil.rmtree(project / "apps" / "echo", ignore_errors=True)
    (project / "weather.txt").write_text(weather)  # the name the tests below look for
    return project


def test_the_framework_tests_pass_after_the_user_changes_config_and_apps(changed_project):
    result = run(changed_project, "-m", "pytest", "-q", *FORMERLY_DEPENDENT)
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and "failed" not in result.stdout


def test_an_apps_tests_run_from_its_own_folder(changed_project):
    weather = (changed_project / "weather.txt").read_text()
    result = run(changed_project, "-m", "pytest", "-q", cwd=changed_project / "apps" / weather)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout


def test_pytest_apps_runs_only_the_users_app_tests(changed_project):
    collected = run(changed_project, "-m", "pytest", "-q", "--collect-only", "apps")
    tests = [line for line in collected.stdout.splitlines() if "::" in line]
    assert tests and all(line.startswith("apps/") for line in tests), collected.stdout
    weather = (changed_project / "weather.txt").read_text()
    assert any(line.startswith(f"apps/{weather}/test_app.py::") for line in tests)
    assert not any(line.startswith("apps/echo/") for line in tests)
    result = run(changed_project, "-m", "pytest", "-q", "apps")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(tests)} passed" in result.stdout
