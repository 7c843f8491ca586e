"""python bot.py startapp NAME: a new app whose generated test passes as it is."""

import os
import shutil
import subprocess
import sys

import pytest

from scaletg_ptb import ConfigError
from scaletg_ptb.scaffold import check_app_name, enable_in_config

from .project import FIXTURE_PROJECT, ROOT


@pytest.fixture
def project(tmp_path):
    """A project to scaffold in: the framework, and the fixture project's config and apps."""
    for source in (ROOT / "bot.py", ROOT / "conftest.py", ROOT / "pytest.ini", FIXTURE_PROJECT / "config.yaml"):
        shutil.copy(source, tmp_path / source.name)
    for source in (FIXTURE_PROJECT / "apps", ROOT / "modules", ROOT / "scaletg_ptb"):
        shutil.copytree(source, tmp_path / source.name, ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def run(project, *args, stdin=""):
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    return subprocess.run([sys.executable, *args], cwd=project, env=env, input=stdin,
                          capture_output=True, text=True, timeout=120)


def test_startapp_creates_an_app_whose_own_test_passes(project):
    result = run(project, "bot.py", "startapp", "weather")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "Created app 'weather':\n  apps/weather/__init__.py\n  apps/weather/app.py\n"
        "  apps/weather/test_app.py\n"
        "To enable it, add 'weather' to 'apps' in config.yaml. Then try it: python bot.py --sandbox\n"
        "Its test: python -m pytest apps/weather\n")
    tests = run(project, "-m", "pytest", "-q", "-p", "no:cacheprovider", "apps/weather")
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert "2 passed" in tests.stdout


@pytest.mark.parametrize("name, message", [
    ("Weather", "error: App name 'Weather' is not valid: use 1-32 lowercase letters, digits and "
                "underscores, starting with a letter (it is also the app's command, /weather).\n"),
    ("my-app", "error: App name 'my-app' is not valid: use 1-32 lowercase letters, digits and "
               "underscores, starting with a letter (it is also the app's command, /my-app).\n"),
    ("echo", "error: App 'echo' already exists in apps/echo/. Pick another name.\n"),
])
def test_startapp_refuses_bad_names_and_existing_apps(project, name, message):
    result = run(project, "bot.py", "startapp", name)
    assert (result.returncode, result.stderr) == (2, message)
    assert not (project / "apps" / name / "test_app.py").exists() or name == "echo"


def test_an_unknown_command_is_a_usage_error(project):
    result = run(project, "bot.py", "startap", "x")
    assert result.returncode == 2
    assert "unknown command 'startap x'; the only command is: startapp NAME" in result.stderr


@pytest.mark.parametrize("name", ["class", "a" * 33, "1st", ""])
def test_invalid_names(tmp_path, name):
    with pytest.raises(ConfigError):
        check_app_name(name, tmp_path)


def test_enabling_appends_to_the_apps_list_and_keeps_comments(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text("token: ''\n# the apps\napps:\n  - start   # first\n  # - old\n  - echo\n\nmodules: {}\n")
    assert enable_in_config("weather", config) is True
    assert config.read_text() == (
        "token: ''\n# the apps\napps:\n  - start   # first\n  # - old\n  - echo\n  - weather\n\nmodules: {}\n")


def test_enabling_needs_a_block_style_list(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text("apps: [start, echo]\n")
    assert enable_in_config("weather", config) is False
