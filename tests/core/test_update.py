"""Update: validation, id/type/payload and PTB's effective_chat/user/message."""

from __future__ import annotations

from collections import OrderedDict

import pytest

from scaletg_ptb.core import (
    UPDATE_KINDS,
    CallbackQuery,
    Chat,
    Message,
    TelegramObject,
    Update,
    User,
)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (None, "Update needs a mapping (a Bot API Update), got NoneType."),
        ([("update_id", 1)], "Update needs a mapping (a Bot API Update), got list."),
        ('{"update_id": 1}', "Update needs a mapping (a Bot API Update), got str."),
        ({}, "Update has no 'update_id': a Bot API Update needs an int update_id."),
        ({"message": {}}, "Update has no 'update_id': a Bot API Update needs an int update_id."),
        ({"update_id": "7"}, "Update has update_id='7': a Bot API Update needs an int update_id."),
        ({"update_id": 1.0}, "Update has update_id=1.0: a Bot API Update needs an int update_id."),
        ({"update_id": True}, "Update has update_id=True: a Bot API Update needs an int update_id."),
    ],
)
def test_invalid_updates_raise_value_error(raw, message):
    with pytest.raises(ValueError) as caught:
        Update(raw)
    assert str(caught.value) == message


def test_any_mapping_is_accepted():
    built = Update(OrderedDict(update_id=3, poll={"id": "p", "question": "?"}))
    assert (built.id, built.type, built.payload.question) == (3, "poll", "?")


@pytest.mark.parametrize(
    ("name", "kind", "payload_class", "api_type"),
    [
        ("private_command", "message", Message, "Message"),
        ("edited_message", "edited_message", Message, "Message"),
        ("channel_post", "channel_post", Message, "Message"),
        ("callback_query", "callback_query", CallbackQuery, "CallbackQuery"),
        ("inline_query", "inline_query", TelegramObject, "InlineQuery"),
        ("my_chat_member", "my_chat_member", TelegramObject, "ChatMemberUpdated"),
        ("message_reaction", "message_reaction", TelegramObject, "MessageReactionUpdated"),
        ("poll_answer", "poll_answer", TelegramObject, "PollAnswer"),
        ("unknown_kind", "hologram_call", TelegramObject, None),
    ],
)
def test_id_type_and_payload(update, name, kind, payload_class, api_type):
    built = update(name)
    assert built.id == built.update_id == built.raw["update_id"]
    assert built.type == kind
    assert type(built.payload) is payload_class
    assert built.payload._api_type == api_type
    assert built.payload is getattr(built, kind)


def test_update_with_only_an_id():
    built = Update({"update_id": 5})
    assert (built.id, built.type, built.payload) == (5, None, None)
    assert (built.effective_chat, built.effective_user, built.effective_message) == (None,) * 3
    assert built.message is None  # documented kind, absent


def test_known_kind_wins_over_an_unknown_sibling_key():
    built = Update({"update_id": 1, "trace": {"hop": 1}, "poll": {"id": "p"}})
    assert built.type == "poll"
    assert built.trace.hop == 1


def test_update_kinds_are_the_bot_api_kinds():
    assert UPDATE_KINDS[:3] == ("message", "edited_message", "channel_post")
    assert "callback_query" in UPDATE_KINDS and "update_id" not in UPDATE_KINDS
    assert "message_reaction" in UPDATE_KINDS and "chat_boost" in UPDATE_KINDS


# (chat id, user id, message id) as PTB 22.8's Update.effective_* give them (checked against it).
EFFECTIVE = {
    "private_command": (123456789, 123456789, 17),
    "group_command": (-4012345678, 222333444, 305),
    "topic_message": (-1001987654321, 222333444, 912),
    "channel_post": (-1001122334455, None, 44),
    "edited_message": (123456789, 123456789, 17),
    "callback_query": (123456789, 123456789, 18),
    "callback_inaccessible": (123456789, 123456789, 3),
    "inline_callback": (None, 123456789, None),
    "photo_caption": (123456789, 123456789, 19),
    "forwarded": (123456789, 123456789, 20),
    "reply_nested": (-4012345678, 222333444, 307),
    "my_chat_member": (-1001987654321, 222333444, None),
    "inline_query": (None, 123456789, None),
    "message_reaction": (-1001987654321, 123456789, None),
    "poll_answer": (None, 123456789, None),
    "unknown_fields": (123456789, 123456789, 21),
    # Not in PTB: a newer kind's payload's own chat and from.
    "unknown_kind": (123456789, 123456789, None),
}


@pytest.mark.parametrize("name", sorted(EFFECTIVE))
def test_effective_chat_user_message(update, name):
    built = update(name)
    chat, user, message = built.effective_chat, built.effective_user, built.effective_message
    assert chat is None or type(chat) is Chat
    assert user is None or type(user) is User
    assert message is None or type(message) is Message
    got = (chat and chat.id, user and user.id, message and message.message_id)
    assert got == EFFECTIVE[name]


def test_effective_objects_are_the_payload_views(update):
    built = update("callback_query")
    assert built.effective_message is built.callback_query.message
    assert built.effective_chat is built.callback_query.message.chat
    assert built.effective_user is built.callback_query.from_user
    member = update("my_chat_member")
    assert member.effective_chat is member.my_chat_member.chat
    assert member.effective_user is member.my_chat_member.from_user


def test_effective_of_payloads_with_wrong_types():
    assert Update({"update_id": 1, "message": "hi"}).effective_chat is None
    assert Update({"update_id": 1, "message": "hi"}).effective_message is None
    assert Update({"update_id": 1, "message": {"from": 3}}).effective_user is None
    assert Update({"update_id": 1, "poll_answer": {"user": []}}).effective_user is None
