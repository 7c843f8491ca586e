from pathlib import Path

import pytest

from scaletg_ptb import ConfigError, Registry

HERE = Path(__file__).parent
APPS = HERE / "fixture_apps"
MODULES = HERE / "fixture_modules"


def registry() -> Registry:
    return Registry(HERE, apps_dir=APPS, modules_dir=MODULES)


def load(*apps: str, modules: dict | None = None) -> Registry:
    reg = registry()
    reg.populate(apps, modules or {})
    return reg


def error_of(*apps: str, modules: dict | None = None) -> str:
    with pytest.raises(ConfigError) as caught:
        load(*apps, modules=modules)
    return str(caught.value)


def test_loads_apps_in_config_order_and_tells_sync_from_async():
    reg = load("async_greeter", "greeter")
    assert [app.name for app in reg.apps] == ["async_greeter", "greeter"]
    assert [app.is_async for app in reg.apps] == [True, False]
    assert reg.apps[1].process(None) == "hello"


def test_populate_runs_once():
    reg = load("greeter")
    reg.populate(["async_greeter"], {})
    assert [app.name for app in reg.apps] == ["greeter"]


def test_unknown_app_names_the_missing_file_and_the_fix():
    assert error_of("ecko") == (
        "App 'ecko' is enabled in config.yaml but fixture_apps/ecko/app.py does not exist. "
        "Create it (python bot.py startapp ecko) or remove it from 'apps'."
    )


def test_a_misspelt_app_gets_a_suggestion_and_the_startapp_hint():
    assert error_of("greeterr") == (
        "App 'greeterr' is enabled in config.yaml but fixture_apps/greeterr/app.py does not exist: "
        "did you mean 'greeter'? Otherwise create it (python bot.py startapp greeterr) or remove it from 'apps'."
    )


def test_every_broken_app_and_module_is_reported_at_once():
    with pytest.raises(ConfigError) as caught:
        load("ecko", "greeter", "no_process", modules={"nope": {}})
    assert caught.value.messages == (
        "Module 'nope' is configured under 'modules' in config.yaml but fixture_modules/nope/ does not exist. "
        "Create it or remove it from 'modules'.",
        "App 'ecko' is enabled in config.yaml but fixture_apps/ecko/app.py does not exist. "
        "Create it (python bot.py startapp ecko) or remove it from 'apps'.",
        "App 'no_process' (fixture_apps/no_process/app.py) does not define process(update). Add it.",
    )


def test_an_apps_own_import_error_is_shown_not_masked_as_not_found():
    message = error_of("broken_import")
    assert message == (
        "App 'broken_import' failed to import: ModuleNotFoundError: No module named "
        "'scaletg_missing_dependency' (fixture_apps/broken_import/app.py, line 2). "
        "Fix it or remove it from 'apps' in config.yaml."
    )


def test_syntax_error_points_at_the_line_once():
    assert error_of("syntax_error") == (
        "App 'syntax_error' failed to import: SyntaxError: expected ':' "
        "(fixture_apps/syntax_error/app.py, line 1). Fix it or remove it from 'apps' in config.yaml."
    )


def test_app_without_process():
    assert error_of("no_process") == (
        "App 'no_process' (fixture_apps/no_process/app.py) does not define process(update). Add it."
    )


def test_wrong_signature():
    assert error_of("bad_signature") == (
        "App 'bad_signature' (fixture_apps/bad_signature/app.py) has process(update, context) but "
        "ScaleTG calls process(update) with one argument. Change its signature to process(update)."
    )


def test_signature_that_accepts_one_argument_is_fine():
    assert load("flexible_signature").apps[0].name == "flexible_signature"


def test_process_that_is_not_a_function():
    assert error_of("not_callable") == (
        "App 'not_callable' (fixture_apps/not_callable/app.py) has process = 'hello', which is not "
        "a function. Define def process(update): ..."
    )


def test_duplicate_app_names():
    assert error_of("greeter", "greeter") == (
        "App 'greeter' is listed twice in 'apps' in config.yaml. Remove the duplicate."
    )


def test_invalid_app_name():
    assert error_of("my-app") == (
        "App name 'my-app' in config.yaml is not a valid Python package name. "
        "Use letters, digits and underscores."
    )


def test_commands_must_be_a_dict():
    assert error_of("bad_commands") == (
        "App 'bad_commands' has COMMANDS = ['start']; it must be a dict of command to description, "
        'e.g. {"start": "Greet the user"}.'
    )


def test_command_names_are_checked():
    assert error_of("bad_command_name") == (
        "App 'bad_command_name' declares command 'Start!' in COMMANDS; a command is 1-32 lowercase "
        "letters, digits or underscores, without the '/'."
    )


def test_commands_merge_in_config_order_and_clashes_are_reported():
    reg = load("greeter", "async_greeter")
    assert reg.commands() == {"hello": "Say hello", "start": "Start", "ping": "Ping"}
    assert list(reg.commands()) == ["hello", "start", "ping"]
    assert reg.command_clashes() == [("start", "greeter", "async_greeter")]


def test_unknown_module():
    assert error_of(modules={"acces_control": {}}) == (
        "Module 'acces_control' is configured under 'modules' in config.yaml but "
        "fixture_modules/acces_control/ does not exist. Create it or remove it from 'modules'."
    )


def test_module_settings_are_passed_to_setup_and_rejections_name_the_key():
    reg = load(modules={"picky": {"level": 3}})
    assert reg.modules[0].package.settings == {"level": 3}
    assert error_of(modules={"picky": {"colour": "red"}}) == (
        "config.yaml: 'modules.picky' is invalid: unknown setting 'colour'; use 'level'. "
        "Fix it in config.yaml."
    )


def test_a_module_gate_is_found():
    reg = load(modules={"gatekeeper": {}})
    assert reg.modules[0].allows is not None
