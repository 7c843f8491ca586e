"""Every command the README shows is run here or by a named test (CI runs the test command)."""

import os
import re
import subprocess
import sys

from .project import FIXTURE_CONFIG, ROOT

# Each README command, and where it is exercised.
COVERED = {
    "python -m pip install -r requirements.txt && python bot.py --sandbox":
        "tests/sandbox/ (bot.py --sandbox in a pipe and in tmux); CI installs requirements-dev.txt, "
        "which includes requirements.txt",
    "python -m pip install -r requirements-dev.txt && python -m pytest -q": ".ci/run runs exactly this",
    "python bot.py startapp weather": "tests/test_scaffold.py::test_startapp_creates_an_app_whose_own_test_passes",
    "python bot.py --sandbox --reload": "tests/reload/",
    "python -m pytest -q apps/weather": "tests/test_scaffold.py::test_startapp_creates_an_app_whose_own_test_passes",
    "python -m pytest -q apps": "tests/test_project_independence.py::test_pytest_apps_runs_only_the_users_app_tests",
    'TELEGRAM_BOT_TOKEN="123456:ABC..." python bot.py':
        "tests/test_bot_cli.py::test_conversation_then_clean_stop_with_exit_0_and_no_token_in_debug_logs",
    "python bot.py --sandbox": "tests/sandbox/",
    "printf '/start\\n:press 1\\nhello\\n' | python bot.py --sandbox": "test_the_piped_sandbox_example_works below",
    "python -m bench": "tests/test_readme.py::test_the_benchmark_command_documents_itself",
}


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    lines = [line for block in re.findall(r"```sh\n(.*?)```", text, re.S) for line in block.splitlines()]
    return [line.split("  #")[0].strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def run(command: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    env["NO_COLOR"] = "1"
    return subprocess.run(command, shell=True, cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120, stdin=subprocess.DEVNULL)


def test_every_readme_command_is_covered():
    assert sorted(readme_commands()) == sorted(COVERED)


def test_the_piped_sandbox_example_works():
    [command] = [c for c in readme_commands() if c.startswith("printf")]
    result = run(f"{command} --config {FIXTURE_CONFIG}")  # the sample apps as shipped, not the user's
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any(line.endswith("› Commands:") for line in lines)
    assert lines[-2].endswith("› hello")  # the echo, then the goodbye line


def test_help_documents_every_mode():
    result = run(f"{sys.executable} bot.py --help")
    assert result.returncode == 0
    for mode in ("--sandbox", "--reload", "--check", "startapp NAME", "--config", "--log-level"):
        assert mode in result.stdout, mode


def test_the_benchmark_command_documents_itself():
    result = run(f"{sys.executable} -m bench --help")
    assert result.returncode == 0
    assert "--quick" in result.stdout and "--scenario" in result.stdout
