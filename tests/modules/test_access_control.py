import pytest

import modules.access_control as access_control
from scaletg_ptb import Update


def from_user(user_id: int | None) -> Update:
    message = {"message_id": 1, "date": 0, "chat": {"id": 9, "type": "private"}, "text": "hi"}
    if user_id is not None:
        message["from"] = {"id": user_id, "is_bot": False, "first_name": "U"}
    return Update({"update_id": 1, "message": message})


@pytest.fixture(autouse=True)
def reset_policy():
    yield
    access_control.setup({})


def test_off_by_default_everyone_passes():
    access_control.setup({})
    assert access_control.allows(from_user(1)) and access_control.allows(from_user(None))


def test_enabled_only_listed_users_pass():
    access_control.setup({"enabled": True, "allowed_user_ids": [1, 2]})
    assert [access_control.allows(from_user(i)) for i in (1, 2, 3)] == [True, True, False]


def test_enabled_updates_without_a_user_are_stopped():
    access_control.setup({"enabled": True, "allowed_user_ids": [1]})
    assert access_control.allows(from_user(None)) is False


def test_enabled_with_nobody_listed_warns(caplog):
    access_control.setup({"enabled": True})
    assert "nobody can use the bot" in caplog.text


@pytest.mark.parametrize("settings, message", [
    ({"enable": True}, "unknown setting 'enable'; use enabled or allowed_user_ids."),
    ({"enabled": "yes"}, "'enabled' must be true or false, got 'yes'."),
    ({"allowed_user_ids": ["alice"]}, "'allowed_user_ids' must be a list of numeric user ids, got ['alice']."),
    ({"allowed_user_ids": 5}, "'allowed_user_ids' must be a list of numeric user ids, got 5."),
])
def test_bad_settings_say_what_is_wrong(settings, message):
    with pytest.raises(ValueError) as caught:
        access_control.setup(settings)
    assert str(caught.value) == message
