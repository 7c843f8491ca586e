"""The pieces of ``--reload`` that need no process: what counts as a change, names, options, the link."""

from __future__ import annotations

import signal
import socket
from pathlib import Path

import pytest
from watchfiles import Change

from scaletg_ptb.cli import parse_args
from scaletg_ptb.config import Config
from scaletg_ptb.emulator import Emulator
from scaletg_ptb.reload import ReloaderLink
from scaletg_ptb.reload.link import FD_ENV, STATE_ENV, read_reports
from scaletg_ptb.reload.main import PACKAGE, bot_command, project_watcher
from scaletg_ptb.reload.watch import CodeFilter, ConfigFilter

from .conftest import RUNNING_LINE, TOKEN


@pytest.mark.parametrize("path, counts", [
    ("/p/apps/echo/app.py", True),
    ("/p/apps/echo/settings.yaml", True),
    ("/p/modules/commands/__init__.py", True),
    ("/p/apps/echo/__pycache__/app.cpython-311.pyc", False),
    ("/p/apps/echo/app.pyc", False),
    ("/p/apps/echo/.#app.py", False),  # emacs lock file
    ("/p/apps/echo/app.py~", False),  # backup
    ("/p/apps/echo/.app.py.swp", False),  # vim swap file
    ("/p/apps/echo/notes.txt", False),
    ("/p/apps/state/unfinished.py", False),  # the state folder, wherever it is
])
def test_which_changes_count(path, counts):
    check = CodeFilter(ignore_paths=["/p/apps/state"])
    assert check(Change.modified, path) is counts


def test_only_the_config_file_counts_in_its_folder():
    check = ConfigFilter(Path("/p/config.yaml"))
    assert check(Change.added, "/p/config.yaml")
    assert not check(Change.added, "/p/other.yaml")
    assert not check(Change.added, "/p/config.yaml.tmp")


def test_changes_are_named_under_the_folders_as_the_project_sees_them(tmp_path):
    (tmp_path / "apps").mkdir()
    (tmp_path / "modules").symlink_to(Path(__file__).parents[2] / "modules", target_is_directory=True)
    (tmp_path / "bot.yaml").write_text("apps: []\n")
    watcher = project_watcher(tmp_path / "bot.yaml")
    assert watcher.folder_names() == "apps/, modules/ and scaletg_ptb/"
    assert watcher.name(tmp_path / "apps" / "echo" / "app.py") == "apps/echo/app.py"
    assert watcher.name((tmp_path / "modules").resolve() / "commands" / "__init__.py") == \
        "modules/commands/__init__.py"
    assert watcher.name(PACKAGE / "dispatch.py") == "scaletg_ptb/dispatch.py"
    assert watcher.name(tmp_path / "bot.yaml") == "bot.yaml"


def test_the_child_is_the_ordinary_runner_with_the_same_config_and_log_level():
    args = parse_args(["--reload", "--sandbox", "--config", "my.yaml", "--log-level", "debug"])
    assert bot_command("bot.py", args.config, args.log_level)[-5:] == [
        "bot.py", "--config", "my.yaml", "--log-level", "DEBUG"]


@pytest.mark.parametrize("argv, problem", [
    (["--reload", "--check"], "--reload runs the bot; it cannot be combined with --check"),
    (["startapp", "x", "--reload"], "startapp only creates an app; it cannot be combined with --reload."),
])
def test_reload_with_a_one_shot_command_is_refused(argv, problem, capsys):
    with pytest.raises(SystemExit) as exit_:
        parse_args(argv)
    assert exit_.value.code == 2
    assert problem in capsys.readouterr().err


def test_the_link_exists_only_under_the_reloader_and_sets_the_state_folder(tmp_path):
    assert ReloaderLink.from_environ({}) is None
    mine, theirs = socket.socketpair()
    with mine:
        link = ReloaderLink.from_environ({FD_ENV: str(theirs.detach()), STATE_ENV: str(tmp_path)})
        assert link is not None
        config = link.adapt(Config(path=Path("/p/config.yaml"), token=""))
        assert config.state_dir == tmp_path
        link._send({"event": "ready"})
        link._sock.close()
        reports: list[dict] = []
        read_reports(mine, reports.append)
    assert reports == [{"event": "ready"}]


def test_the_bot_stops_gracefully_when_the_reloader_is_killed(project, start_bot):
    with Emulator(token=TOKEN) as emu:
        bot = start_bot("--reload", "--config", str(project.config),
                        TELEGRAM_BASE_URL=emu.base_url, TELEGRAM_BOT_TOKEN=TOKEN)
        bot.wait_for(RUNNING_LINE)
        bot.process.send_signal(signal.SIGKILL)
        bot.finish()  # the output ends when the child, which shares it, has exited too
    assert "The --reload process is gone; stopping." in bot.text()
    assert "Application.stop() complete" in bot.text()
