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
    "python -m pip install -r bench/requirements.txt":
        "tests/test_readme.py::test_aiogram_is_a_dependency_of_the_benchmark_only",
    "python -m scaletg_ptb.emulator":
        "tests/emulator/test_main.py::test_standalone_server_serves_and_stops_cleanly; "
        "tests/emulator/test_drive_over_http.py::test_every_option_of_the_standalone_emulator_has_help",
    "TELEGRAM_BASE_URL=http://127.0.0.1:8081/bot TELEGRAM_BOT_TOKEN=123456:TEST-TOKEN python bot.py":
        "tests/emulator/test_drive_over_http.py::test_a_user_message_over_http_gets_the_real_bots_reply",
    "curl -s -d user=Alice -d text=/start http://127.0.0.1:8081/_emulator/messages":
        "tests/emulator/test_control.py::test_a_message_sent_as_a_new_user_reaches_the_bot_and_the_chat",
    "curl -s 'http://127.0.0.1:8081/_emulator/chats/100000001/messages?after=1&wait=5'":
        "tests/emulator/test_control.py::test_a_chat_read_can_wait_for_the_bots_answer",
    "curl -s -d user=Alice -d 'button=Show commands' http://127.0.0.1:8081/_emulator/press":
        "tests/emulator/test_control.py::test_a_group_and_a_press_of_the_latest_keyboard",
    "python bot.py inbox":
        "tests/reliability/test_inbox_command.py::test_status_retry_and_drop_work_while_the_bot_runs",
    "python bot.py inbox retry 1234":
        "tests/reliability/test_inbox_command.py::test_status_retry_and_drop_work_while_the_bot_runs",
    "python bot.py inbox drop all":
        "tests/reliability/test_inbox_command.py::test_status_retry_and_drop_work_while_the_bot_runs",
    "python bot.py inbox --show-content": "tests/reliability/test_inbox_command.py::"
        "test_set_aside_updates_are_listed_by_id_chat_kind_time_and_reason_and_their_text_only_on_request",
    "export SCALETG_INBOX=redis://:PASSWORD@redis.example:6379/0": "tests/reliability/test_scaleout.py "
        "(the inbox URL comes from the config there; tests/test_bot_cli.py checks SCALETG_INBOX)",
    "python bot.py poll":
        "tests/reliability/test_scaleout.py::test_a_standby_poller_takes_over_when_the_active_one_is_killed",
    "python bot.py work":
        "tests/reliability/test_scaleout.py::test_a_poller_and_three_workers_serve_a_burst_in_order",
    "curl -s http://127.0.0.1:8081/_emulator/users":
        "tests/emulator/test_control.py::test_a_message_sent_as_a_new_user_reaches_the_bot_and_the_chat",
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
    assert sorted(set(readme_commands())) == sorted(COVERED)  # a command shown twice is covered once


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


def test_aiogram_is_a_dependency_of_the_benchmark_only():
    bench = (ROOT / "bench" / "requirements.txt").read_text().splitlines()
    assert "-r ../requirements.txt" in bench and any(line.startswith("aiogram>=") for line in bench)
    for name in ("requirements.txt", "requirements-dev.txt"):
        assert "aiogram" not in (ROOT / name).read_text(), name
    runtime = [ROOT / "bot.py", *(ROOT / "scaletg_ptb").rglob("*.py"), *(ROOT / "apps").rglob("*.py")]
    assert not [path for path in runtime if re.search(r"^\s*(import|from) aiogram", path.read_text(), re.M)]
