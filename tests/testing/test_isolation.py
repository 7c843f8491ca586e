"""Every kit bot imports the project's apps and modules afresh, and finds the project's config.yaml."""

import pytest

from scaletg_ptb import ConfigError
from scaletg_ptb.testing import SandboxBot, find_config

from ..project import make_project


def test_module_state_of_apps_and_modules_never_leaks_from_one_bot_to_the_next(make_sandbox_bot, tmp_path):
    config = make_project(tmp_path, ["counter"], modules=("tally",))
    first = make_sandbox_bot(config=config)
    alice = first.user("Alice")
    alice.says("count").expect("app 1, module 1")
    alice.says("count").expect("app 2, module 2")
    first.stop()
    second = make_sandbox_bot(config=config)
    second.user("Alice").says("count").expect("app 1, module 1")
    assert second.app_module("counter").seen == 1  # the module this bot runs, not the first bot's


def test_two_projects_with_an_app_of_the_same_name_each_run_their_own(make_sandbox_bot, tmp_path):
    configs = []
    for project in ("one", "two"):
        app = tmp_path / project / "apps" / "hello" / "app.py"
        app.parent.mkdir(parents=True)
        app.write_text(f"def process(update):\n    return 'hello from {project}'\n")
        if project == "one":  # regular packages, which must not shadow project two's namespace ones
            (app.parent / "__init__.py").touch()
            (app.parent.parent / "__init__.py").touch()
        configs.append(tmp_path / project / "config.yaml")
        configs[-1].write_text("apps: [hello]\n")
    for project, config in zip(("one", "two", "one"), (*configs, configs[0]), strict=True):
        make_sandbox_bot(config=config).user().says("hi").expect(f"hello from {project}")


def test_the_config_is_the_nearest_config_yaml_at_or_above_a_folder(tmp_path):
    (tmp_path / "config.yaml").write_text("apps: []\n")
    (tmp_path / "apps" / "weather").mkdir(parents=True)
    assert find_config(tmp_path / "apps" / "weather") == tmp_path / "config.yaml"
    assert find_config(tmp_path) == tmp_path / "config.yaml"


def test_no_config_above_a_folder_says_how_to_give_one(tmp_path):
    folder = tmp_path / "nowhere"
    folder.mkdir()
    if any((parent / "config.yaml").is_file() for parent in tmp_path.parents):
        pytest.skip("a config.yaml above the temporary folder")
    with pytest.raises(ConfigError) as caught:
        find_config(folder)
    assert str(caught.value) == (
        f"No config.yaml in {folder} or any folder above it. Run the tests inside the project, "
        f"or pass config=PATH (the project's config file)."
    )


def test_a_bot_made_without_a_config_finds_it_from_the_current_folder(tmp_path, monkeypatch):
    config = make_project(tmp_path, ["greeter"])
    monkeypatch.chdir(tmp_path / "apps")
    with SandboxBot() as bot:
        assert bot.config.path == config
        bot.user().says("hi").expect("hello")
