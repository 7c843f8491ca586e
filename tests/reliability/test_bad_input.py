"""Bad input never stalls or kills the bot: it is set aside, and the next updates are answered."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scaletg_ptb.testing import SandboxBot

BAD_UPDATES = {
    "chat_is_a_string": {"message": {"message_id": 1, "date": 0, "chat": "not a chat", "text": "x"}},
    "from_is_a_list": {"message": {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"},
                                   "from": [1, 2], "text": "x"}},
    "date_is_text": {"message": {"message_id": 1, "date": "yesterday", "chat": {"id": 1, "type": "private"}}},
    "callback_without_from": {"callback_query": {"id": "1", "chat_instance": "c"}},
    "unknown_kind": {"brand_new_kind": {"anything": [1, {"deep": None}]}},
    "kind_is_a_number": {"message": 42},
}


@pytest.fixture
def bot():
    with SandboxBot(["echo"]) as running:
        yield running


@pytest.mark.parametrize("name", sorted(BAD_UPDATES))
def test_a_bad_update_is_set_aside_and_the_next_one_is_answered(bot, name):
    bad = bot.emulator.inject_raw_update(dict(BAD_UPDATES[name]))
    bot.user("Alice").says("still there?").expect("still there?")
    letters = bot.dead_letters()  # only updates whose shape would mislead the apps land here
    assert [letter.update_id for letter in letters] in ([], [bad["update_id"]])
    assert all(letter.reason for letter in letters)


def test_misshapen_updates_are_set_aside_in_the_inbox(bot, caplog):
    bad = bot.emulator.inject_raw_update(dict(BAD_UPDATES["chat_is_a_string"]))
    bot.user("Alice").says("after").expect("after")
    [letter] = bot.dead_letters()
    assert letter.raw == {"update_id": bad["update_id"], **BAD_UPDATES["chat_is_a_string"]}
    assert letter.reason == "ValueError: 'message.chat' is not an object with a numeric id"
    assert (f"Update id={bad['update_id']} cannot be processed (ValueError: 'message.chat' is not an "
            f"object with a numeric id); set aside (python bot.py inbox lists it).") in caplog.messages
    bot.emulator.wait_until_confirmed()  # the offset moves on at the next getUpdates
    assert bot.emulator.pending_update_count() == 0  # confirmed: never fetched again


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**63, 2**63) | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)
kinds = st.sampled_from(["message", "edited_message", "callback_query", "channel_post", "my_chat_member",
                         "inline_query", "poll", "future_kind"])
fields = st.sampled_from(["message_id", "date", "chat", "from", "text", "entities", "data", "message",
                          "reply_to_message", "id", "caption", "photo"])
payloads = st.dictionaries(fields, json_values, max_size=6) | json_values


@pytest.fixture(scope="module")
def fuzz_bot():
    with SandboxBot(["start", "help", "echo"]) as running:
        yield running


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=kinds, payload=payloads)
def test_fuzzed_updates_never_crash_or_hang_the_bot(fuzz_bot, kind, payload):
    fuzz_bot.emulator.inject_raw_update({kind: payload})
    fuzz_bot.user("Probe").says("ping").expect("ping")
