"""python bot.py startapp NAME: a new app whose generated test passes as it is."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scaletg_ptb import ConfigError
from scaletg_ptb.scaffold import check_app_name, enable_in_config

ROOT = Path(__file__).parent.parent


CONFIG = "token: ''\n# the apps, in priority order\napps:\n  - greeter\n"


@pytest.fixture
def project(tmp_path):
    """A project of its own (bot.py, the framework, one fixture app, its own config) to scaffold in."""
    for name in ("bot.py", "conftest.py", "pytest.ini"):
        shutil.copy(ROOT / name, tmp_path / name)
    for name in ("modules", "scaletg_ptb"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "tests" / "fixture_apps" / "greeter", tmp_path / "apps" / "greeter")
    (tmp_path / "config.yaml").write_text(CONFIG)
    return tmp_path


def run(project, *args, stdin="", cwd=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    return subprocess.run([sys.executable, *args], cwd=cwd or project, env=env, input=stdin,
                          capture_output=True, text=True, timeout=120)


def test_startapp_creates_an_app_whose_own_test_passes(project):
    result = run(project, "bot.py", "startapp", "weather")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "Created app 'weather':\n  apps/weather/__init__.py\n  apps/weather/app.py\n"
        "  apps/weather/test_app.py\n"
        "Enable it now (add 'weather' to 'apps' in config.yaml)? [Y/n] (no answer: end of input)\n"
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
    ("greeter", "error: App 'greeter' already exists in apps/greeter/. Pick another name.\n"),
])
def test_startapp_refuses_bad_names_and_existing_apps(project, name, message):
    result = run(project, "bot.py", "startapp", name)
    assert (result.returncode, result.stderr) == (2, message)
    assert not (project / "apps" / name / "test_app.py").exists()


def test_piped_answer_enables_the_app(project):
    result = run(project, "bot.py", "startapp", "weather", stdin="y\n")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines()[-2:] == [
        "Enable it now (add 'weather' to 'apps' in config.yaml)? [Y/n] y",
        "Enabled: 'weather' is added to 'apps' in config.yaml.",
    ]
    assert (project / "config.yaml").read_text() == CONFIG + "  - weather\n"


def test_piped_no_leaves_the_config_alone(project):
    result = run(project, "bot.py", "startapp", "weather", stdin="n\n")
    assert "Enable it now (add 'weather' to 'apps' in config.yaml)? [Y/n] n\nTo enable it" in result.stdout
    assert (project / "config.yaml").read_text() == CONFIG


def test_startapp_from_another_folder_creates_the_app_beside_the_config(project):
    result = run(project, "../bot.py", "startapp", "weather", stdin="y\n", cwd=project / "apps")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[:2] == ["Created app 'weather':", "  weather/__init__.py"]
    assert "Enabled: 'weather' is added to 'apps' in ../config.yaml." in result.stdout
    assert (project / "apps" / "weather" / "app.py").is_file()
    assert (project / "config.yaml").read_text() == CONFIG + "  - weather\n"


@pytest.mark.parametrize("argv, problem", [
    (["startapp"], "startapp needs a name: python bot.py startapp NAME"),
    (["startapp", "a", "b"], "startapp takes one name: python bot.py startapp NAME"),
    (["--sandbox", "startapp", "x"], "startapp only creates an app; it cannot be combined with --sandbox. "
                                     "Run python bot.py startapp NAME first, then python bot.py --sandbox."),
    (["startapp", "x", "--check"], "startapp only creates an app; it cannot be combined with --check. "
                                   "Run python bot.py startapp NAME first, then python bot.py --check."),
])
def test_startapp_usage_errors(project, argv, problem):
    result = run(project, "bot.py", *argv)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == f"python bot.py: error: {problem}"
    assert sorted(path.name for path in (project / "apps").iterdir()) == ["greeter"]


def test_an_unknown_command_is_a_usage_error(project):
    result = run(project, "bot.py", "startap", "x")
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == ("python bot.py: error: unknown command 'startap x' (did you mean "
                                              "'startapp'?); the commands are: python bot.py startapp NAME, "
                                              "python bot.py poll, python bot.py work, python bot.py inbox")


def test_inbox_cannot_be_combined_with_a_mode(project):
    result = run(project, "bot.py", "inbox", "--sandbox")
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == ("python bot.py: error: inbox only reads or repairs the inbox; it "
                                              "cannot be combined with --sandbox.")


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


def test_enabling_puts_the_app_before_the_unknown_command_fallback(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text("apps:\n  - echo\n  - unknown_command   # keep it last\nmodules: {}\n")
    assert enable_in_config("weather", config) is True
    assert config.read_text() == "apps:\n  - echo\n  - weather\n  - unknown_command   # keep it last\nmodules: {}\n"


def test_enabling_needs_a_block_style_list(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text("apps: [start, echo]\n")
    assert enable_in_config("weather", config) is False
