from pathlib import Path

import pytest

from scaletg_ptb import ConfigError, load_config
from scaletg_ptb.config import DEFAULT_BASE_URL

from .project import FIXTURE_CONFIG

TOKEN = "123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def error_of(tmp_path: Path, text: str, environ: dict | None = None) -> str:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text), environ or {})
    return str(caught.value)


def test_a_project_config_loads_with_the_token_from_the_environment():
    config = load_config(FIXTURE_CONFIG, {"TELEGRAM_BOT_TOKEN": TOKEN})
    assert config.token == TOKEN
    assert config.apps == ("start", "help", "echo")
    assert config.base_url == DEFAULT_BASE_URL
    assert config.modules == {}
    assert config.polling.allowed_updates is None


def test_full_config(tmp_path):
    config = load_config(write(tmp_path, f"""
token: "{TOKEN}"
apps: [echo, start]
modules: {{commands: , access_control: {{enabled: true, allowed_user_ids: [1]}}}}
polling: {{timeout: 2.5, allowed_updates: [message], drop_pending_updates: true}}
processing: {{workers: 4}}
logging: {{level: debug}}
"""), {})
    assert (config.token, config.apps, config.log_level) == (TOKEN, ("echo", "start"), "DEBUG")
    assert config.modules["commands"] == {}
    assert config.polling.timeout == 2.5 and config.polling.allowed_updates == ("message",)
    assert config.polling.drop_pending_updates is True and config.processing.workers == 4
    assert config.root == tmp_path.resolve()


def test_environment_overrides_token_and_base_url(tmp_path):
    config = load_config(write(tmp_path, 'token: "1:fromthefile123"\n'),
                         {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_BASE_URL": "http://127.0.0.1:9/bot"})
    assert config.token == TOKEN
    assert config.base_url == "http://127.0.0.1:9/bot"


def test_config_is_read_only(tmp_path):
    config = load_config(write(tmp_path, f'token: "{TOKEN}"\nmodules: {{a: {{x: 1}}}}'), {})
    with pytest.raises(TypeError):
        config.modules["a"]["x"] = 2  # type: ignore[index]


def test_missing_token(tmp_path):
    assert error_of(tmp_path, "apps: [echo]") == (
        "config.yaml: 'token' is not set. Put your bot token from @BotFather in 'token' or in the "
        "TELEGRAM_BOT_TOKEN environment variable (or try: python bot.py --sandbox)."
    )


def test_malformed_token_is_reported_without_quoting_it(tmp_path):
    message = error_of(tmp_path, 'token: "not-a-token-secret"')
    assert "not-a-token-secret" not in message
    assert message == ("config.yaml, line 1: 'token' does not look like a bot token (expected '<digits>:<secret>' "
                       "as @BotFather gives it). Check 'token' or TELEGRAM_BOT_TOKEN.")


def test_numeric_token_is_not_quoted_either(tmp_path):
    assert error_of(tmp_path, "token: 123456789") == "config.yaml, line 1: 'token' must be a string; put it in quotes."


def test_yaml_syntax_error_names_line_and_column(tmp_path):
    assert error_of(tmp_path, "apps: [start\nlogging: {}\n") == (
        "config.yaml: YAML syntax error at line 2, column 8: expected ',' or ']', but got ':'. "
        "Fix the syntax."
    )


def test_unknown_top_level_key(tmp_path):
    assert error_of(tmp_path, f'token: "{TOKEN}"\napp: [echo]') == (
        "config.yaml, line 2: unknown key 'app'. Remove it or use one of: apps, base_url, delivery, inbox, logging, "
        "modules, polling, processing, state_dir, token."
    )


def test_unknown_nested_key(tmp_path):
    assert error_of(tmp_path, "polling: {timout: 3}", {"TELEGRAM_BOT_TOKEN": TOKEN}) == (
        "config.yaml, line 1: unknown key 'polling.timout'. Remove it or use one of: allowed_updates, "
        "drop_pending_updates, timeout."
    )


@pytest.mark.parametrize("text, message", [
    ("apps: echo", "config.yaml, line 1: 'apps' must be a list, got string 'echo'."),
    ("apps: [echo, 3]", "config.yaml, line 1: 'apps[1]' must be an app name (a string), got integer 3."),
    ("polling: {timeout: ten}", "config.yaml, line 1: 'polling.timeout' must be a number, got string 'ten'."),
    ("polling: {timeout: yes}", "config.yaml, line 1: 'polling.timeout' must be a number, got boolean True."),
    ("polling: {timeout: -1}", "config.yaml, line 1: 'polling.timeout' must be 0 or more seconds, got -1."),
    ("polling: {allowed_updates: some}",
     "config.yaml, line 1: 'polling.allowed_updates' must be 'all' or a list of update kinds, got 'some'."),
    ("polling: [1]", "config.yaml, line 1: 'polling' must be a mapping of settings, got list [1]."),
    ("processing: {workers: 0}", "config.yaml, line 1: 'processing.workers' must be at least 1, got 0."),
    ("processing: {stop_timeout: 0}",
     "config.yaml, line 1: 'processing.stop_timeout' must be more than 0 seconds, got 0."),
    ("processing: {workers: 2.5}", "config.yaml, line 1: 'processing.workers' must be an integer, got number 2.5."),
    ("logging: {level: LOUD}",
     "config.yaml, line 1: 'logging.level' is 'LOUD'; use one of DEBUG, INFO, WARNING, ERROR, CRITICAL."),
    ("modules: {access_control: [1]}",
     "config.yaml, line 1: 'modules.access_control' must be a mapping of settings (or empty), got list [1]."),
    ("- a\n- b", "config.yaml: the top level must be a mapping of keys, got list ['a', 'b']."),
])
def test_wrong_types_name_the_key_and_the_value(tmp_path, text, message):
    assert error_of(tmp_path, text, {"TELEGRAM_BOT_TOKEN": TOKEN}) == message


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "nope.yaml", {})
    assert str(caught.value) == (f"Config file '{tmp_path / 'nope.yaml'}' does not exist. "
                                 "Create it or pass --config PATH.")


def test_loading_does_not_need_a_token_when_not_required(tmp_path):
    assert load_config(write(tmp_path, "apps: [echo]"), {}, require_token=False).token == ""


def test_a_list_item_with_one_space_too_many_is_cited_by_line(tmp_path):
    assert error_of(tmp_path, "token: ''\napps:\n  - start\n  - help - echo\n", {"TELEGRAM_BOT_TOKEN": TOKEN}) == (
        "config.yaml, line 4: App name 'help - echo' is not a valid Python package name (one item per line, "
        "each '- name'). Use letters, digits and underscores."
    )


def test_every_mistake_is_reported_with_its_line(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, "apps: [echo, echo]\npolling:\n  timeout: -1\nlogging: {level: LOUD}\n"), {})
    assert caught.value.messages == (
        "config.yaml, line 1: App 'echo' is listed twice in 'apps'. Remove the duplicate.",
        "config.yaml, line 3: 'polling.timeout' must be 0 or more seconds, got -1.",
        "config.yaml, line 4: 'logging.level' is 'LOUD'; use one of DEBUG, INFO, WARNING, ERROR, CRITICAL.",
        "config.yaml: 'token' is not set. Put your bot token from @BotFather in 'token' or in the "
        "TELEGRAM_BOT_TOKEN environment variable (or try: python bot.py --sandbox).",
    )


def test_a_malformed_token_from_the_environment_is_blamed_on_the_variable(tmp_path):
    assert error_of(tmp_path, "apps: []", {"TELEGRAM_BOT_TOKEN": "abc"}) == (
        "TELEGRAM_BOT_TOKEN does not look like a bot token (expected '<digits>:<secret>' as @BotFather gives it). "
        "Fix the environment variable."
    )


def test_a_token_with_surrounding_spaces_is_trimmed(tmp_path):
    from_file = load_config(write(tmp_path, f'token: "  {TOKEN} "'), {})
    assert (from_file.token, from_file.token_source) == (TOKEN, "'token' in config.yaml")
    from_env = load_config(write(tmp_path, "apps: []"), {"TELEGRAM_BOT_TOKEN": f" {TOKEN}\n"})
    assert (from_env.token, from_env.token_source) == (TOKEN, "TELEGRAM_BOT_TOKEN")
