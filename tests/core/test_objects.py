"""TelegramObject views over real payloads: fields, nesting, dates, errors, immutability."""

from __future__ import annotations

import copy
import datetime as dtm
import json
import pickle
from types import MappingProxyType

import pytest

from scaletg_ptb.core import CallbackQuery, Chat, Message, TelegramObject, Update, User

from .conftest import PAYLOADS, load

UTC = dtm.UTC
ALL_PAYLOADS = sorted(path.stem for path in PAYLOADS.glob("*.json"))


def test_private_command_fields_at_every_level(update):
    message = update("private_command").message
    assert type(message) is Message
    assert message.message_id == 17
    assert message.text == "/start hello"
    assert type(message.from_user) is User
    assert message.from_user.id == 123456789
    assert message.from_user.is_bot is False
    assert message.from_user.first_name == "Ada"
    assert message.from_user.language_code == "en"
    assert message.from_user.is_premium is True
    assert type(message.chat) is Chat
    assert message.chat.id == 123456789
    assert message.chat.type == "private"
    assert message.chat.username == "ada_l"


def test_from_is_from_user_and_sender(update):
    message = update("private_command").message
    assert message.from_user is message.sender
    assert message.from_user is getattr(message, "from")
    assert message["from"] is message.from_user
    assert message.sender.username == "ada_l"


def test_arrays_of_objects_are_tuples_of_views(update):
    entities = update("private_command").message.entities
    assert type(entities) is tuple
    assert len(entities) == 1
    entity = entities[0]
    assert type(entity) is TelegramObject
    assert entity._api_type == "MessageEntity"
    assert (entity.type, entity.offset, entity.length) == ("bot_command", 0, 6)
    assert entity.url is None  # documented for MessageEntity, absent here


def test_photo_sizes_caption_and_no_text(update):
    message = update("photo_caption").message
    assert message.text is None
    assert message.caption == "Analytical Engine, #sketch"
    assert [size.width for size in message.photo] == [90, 320, 800]
    assert message.photo[-1].file_id == "AgACAgIAAxkBAAMTZmZ-large"
    assert message.photo[-1].file_size == 71022
    assert message.photo[0]._api_type == "PhotoSize"
    hashtag = message.caption_entities[0]
    assert (hashtag.type, hashtag.offset, hashtag.length) == ("hashtag", 19, 7)
    assert message.entities is None


def test_array_of_arrays_keeps_its_shape(update):
    markup = update("callback_query").callback_query.message.reply_markup
    assert markup._api_type == "InlineKeyboardMarkup"
    keyboard = markup.inline_keyboard
    assert [len(row) for row in keyboard] == [2, 1]
    assert keyboard[0][1]._api_type == "InlineKeyboardButton"
    assert (keyboard[0][1].text, keyboard[0][1].callback_data) == ("No", "vote:no")
    assert keyboard[1][0].url == "https://core.telegram.org/bots/api"
    assert keyboard[1][0].callback_data is None


def test_unix_dates_become_aware_utc_datetimes(update):
    message = update("edited_message").edited_message
    assert message.date == dtm.datetime(2024, 6, 10, 6, 13, 20, tzinfo=UTC)
    assert message.edit_date == dtm.datetime(2024, 6, 10, 6, 14, 2, tzinfo=UTC)
    assert message.raw["date"] == 1718000000
    assert message.date is message.date  # converted once


def test_nested_dates_convert_too(update):
    member = update("my_chat_member").my_chat_member
    assert member.date == dtm.datetime(2024, 6, 10, 6, 26, 40, tzinfo=UTC)
    assert member.new_chat_member.until_date == dtm.datetime(2024, 6, 17, 6, 13, 20, tzinfo=UTC)
    assert member.old_chat_member.until_date is None  # documented for ChatMember, absent


def test_forward_origin_and_legacy_forward_fields(update):
    message = update("forwarded").message
    origin = message.forward_origin
    assert origin._api_type == "MessageOrigin"
    assert origin.type == "user"
    assert type(origin.sender_user) is User
    assert origin.sender_user.username == "grace_h"
    assert origin.date == dtm.datetime(2024, 6, 10, 3, 26, 40, tzinfo=UTC)
    assert origin.sender_chat is None  # a field of another MessageOrigin subtype
    # No longer documented, still sent by Telegram: present, so readable, but not converted.
    assert message.forward_date == 1717990000
    assert type(message.forward_from) is TelegramObject
    assert message.forward_from.first_name == "Grace"


def test_reply_to_message_nests_full_messages(update):
    message = update("reply_nested").message
    replied = message.reply_to_message
    assert type(replied) is Message
    assert replied.text == "What is 6 x 7?"
    assert replied.from_user.is_bot is True
    assert replied.from_user.username == "ScaleTGBot"
    assert replied.chat.title == "ScaleTG testers"
    assert replied.reply_to_message is None
    assert message.chat.all_members_are_administrators is True  # undocumented, present


def test_topic_message(update):
    message = update("topic_message").message
    assert message.is_topic_message is True
    assert message.message_thread_id == 900
    assert message.chat.is_forum is True
    created = message.reply_to_message.forum_topic_created
    assert created._api_type == "ForumTopicCreated"
    assert (created.name, created.icon_color) == ("Bugs", 7322096)
    assert created.icon_custom_emoji_id is None


def test_channel_post_has_no_sender_user(update):
    post = update("channel_post").channel_post
    assert post.from_user is None
    assert post.sender is None
    assert post.sender_chat.title == "ScaleTG news"
    assert post.author_signature == "Ada"


def test_callback_query_view(update):
    query = update("callback_query").callback_query
    assert type(query) is CallbackQuery
    assert query.id == "4382bfdwdsb323b2d9"
    assert query.data == "vote:yes"
    assert query.chat_instance == "-5928371846502993712"
    assert type(query.message) is Message
    assert query.message._api_type == "MaybeInaccessibleMessage"
    assert query.message.from_user.is_bot is True
    assert query.inline_message_id is None


def test_inaccessible_callback_message(update):
    message = update("callback_inaccessible").callback_query.message
    assert type(message) is Message
    assert message.date == dtm.datetime(1970, 1, 1, tzinfo=UTC)
    assert message.text is None
    assert message.chat.id == 123456789


def test_unknown_fields_are_attributes_at_every_level(update):
    message = update("unknown_fields").message
    assert message.future_scalar == 7
    future = message.future_object
    assert type(future) is TelegramObject
    assert future._api_type is None
    assert future.kind == "teleport"
    assert future.destination.name == "Mars"
    assert future.destination.coordinates == ((1, 2), (3, 4))
    assert [item.stamp for item in message.future_list] == [1, 2]
    assert message.from_user.hologram_status == "online"
    assert message.text == "from the future"


def test_documented_but_absent_reads_none(update):
    message = update("private_command").message
    assert message.photo is None
    assert message.reply_to_message is None
    assert message.edit_date is None
    assert message.chat.title is None
    assert message.from_user.last_name == "Lovelace"
    assert update("group_command").message.from_user.last_name is None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("txet", "'Message' object has no attribute 'txet'; did you mean 'text'?"),
        ("form_user", "'Message' object has no attribute 'form_user'; did you mean 'from_user'?"),
        ("respnd", "'Message' object has no attribute 'respnd'; did you mean 'respond'?"),
        ("weather", "'Message' object has no attribute 'weather'"),
    ],
)
def test_misspelt_attribute_error(update, name, expected):
    with pytest.raises(AttributeError) as caught:
        getattr(update("private_command").message, name)
    assert str(caught.value) == expected


def test_misspelt_attribute_of_generic_view_names_its_type(update):
    entity = update("private_command").message.entities[0]
    with pytest.raises(AttributeError, match=r"^'MessageEntity' object has no attribute 'lenght'; "
                                             r"did you mean 'length'\?$"):
        _ = entity.lenght
    with pytest.raises(AttributeError, match=r"^'TelegramObject' object has no attribute 'x'$"):
        _ = update("unknown_fields").message.future_object.x


def test_item_access_is_by_present_raw_key(update):
    message = update("private_command").message
    assert message["text"] == "/start hello"
    assert message["date"] == message.date
    assert "from" in message and "photo" not in message
    with pytest.raises(KeyError):
        message["photo"]
    with pytest.raises(TypeError):
        iter(message)


@pytest.mark.parametrize("name", ["text", "from_user", "new_field", "raw"])
def test_views_are_read_only(update, name):
    message = update("private_command").message
    with pytest.raises(AttributeError, match=r"'Message' objects are read-only"):
        setattr(message, name, "x")
    with pytest.raises(AttributeError, match=r"'Message' objects are read-only"):
        delattr(message, name)
    with pytest.raises(TypeError):
        message.raw["text"] = "x"  # type: ignore[index]
    with pytest.raises(TypeError):
        message.raw["from"]["id"] = 1  # type: ignore[index]
    assert message.text == "/start hello"


def test_raw_is_a_deep_read_only_mapping(update):
    raw = update("photo_caption").raw
    assert type(raw) is MappingProxyType
    assert type(raw["message"]) is MappingProxyType
    assert type(raw["message"]["photo"]) is tuple
    assert type(raw["message"]["photo"][0]) is MappingProxyType


@pytest.mark.parametrize("name", ALL_PAYLOADS)
def test_input_is_never_mutated_nor_aliased(name):
    raw = load(name)
    before = copy.deepcopy(raw)
    built = Update(raw)
    _walk(built)
    built.to_dict()
    repr(built)
    assert raw == before
    # Changing the caller's dict afterwards must not show through the view.
    kind = built.type
    raw[kind]["injected"] = True
    raw["update_id"] = -1
    raw[kind].clear()
    assert built.id == before["update_id"]
    assert built.to_dict() == before
    assert "injected" not in built.payload


@pytest.mark.parametrize("name", ALL_PAYLOADS)
def test_to_dict_is_a_fresh_json_ready_copy(name):
    raw = load(name)
    built = Update(raw)
    copied = built.to_dict()
    assert copied == raw
    assert json.loads(json.dumps(copied)) == raw
    copied[built.type]["changed"] = 1
    assert built.to_dict() == raw
    assert built.to_dict() is not built.to_dict()


def test_equality_and_hash(update):
    one, other = update("private_command"), update("private_command")
    assert one == other and hash(one) == hash(other)
    assert one.message == other.message and hash(one.message) == hash(other.message)
    assert one != update("edited_message")
    assert one.message != one.message.chat
    assert {one, other} == {one}
    assert one.message.chat != one.message.from_user  # different views, even if alike
    assert one.message != one.to_dict()["message"]


def test_compact_repr(update):
    chat = update("private_command").message.chat
    assert repr(chat) == (
        "Chat(id=123456789, first_name='Ada', last_name='Lovelace', username='ada_l', "
        "type='private')"
    )
    assert repr(update("private_command")) == (
        "Update(update_id=815342001, message=Message(message_id=17, from=User(…), chat=Chat(…), "
        "date=1718000000, text='/start hello', entities=(MessageEntity(…),)))"
    )
    photos = repr(update("photo_caption").message.photo)
    assert photos.startswith("(PhotoSize(file_id='AgACAgIAAxkBAAMTZmZ-small', ")


def test_dir_lists_present_and_documented_fields(update):
    names = dir(update("unknown_fields").message)
    for name in ("text", "future_object", "photo", "from", "from_user", "sender", "respond", "raw"):
        assert name in names


def test_views_pickle_and_copy(update):
    built = update("callback_query")
    assert pickle.loads(pickle.dumps(built)) == built
    assert copy.deepcopy(built.callback_query) == built.callback_query
    assert copy.copy(built.callback_query.message).text == "Pick one"


def test_typed_views_can_be_built_directly():
    raw = {"id": 1, "is_bot": False, "first_name": "Ada", "last_name": "Lovelace"}
    user = User(raw)
    assert user.full_name == "Ada Lovelace" and user._api_type == "User"
    assert User({"id": 2, "is_bot": True, "first_name": "Bot"}).full_name == "Bot"
    assert TelegramObject({"width": 1}, "PhotoSize").height is None
    with pytest.raises(ValueError, match="User needs a mapping, got list"):
        User([1, 2])  # type: ignore[arg-type]


def test_wrong_types_stay_raw_until_used():
    built = Update({"update_id": 1, "message": {"date": "yesterday", "chat": 5, "photo": "x",
                                                "from": [1, {"id": 2}]}})
    message = built.message
    assert message.date == "yesterday"
    assert message.chat == 5
    assert message.photo == "x"
    assert message.from_user[0] == 1 and message.from_user[1].id == 2
    assert Update({"update_id": 1, "message": {"date": 10**30}}).message.date == 10**30
    assert built.effective_chat is None


def _walk(value: object) -> None:
    """Read every present field of a view, recursively."""
    if isinstance(value, TelegramObject):
        for key in value.raw:
            _walk(value[key])
    elif isinstance(value, tuple):
        for item in value:
            _walk(item)


def test_methods_win_over_same_named_fields_which_stay_readable_by_item():
    built = Update({"update_id": 1, "message": {"raw": 1, "respond": "x", "to_dict": [1]}})
    message = built.message
    assert message.raw == {"raw": 1, "respond": "x", "to_dict": (1,)}
    assert callable(message.respond) and callable(message.to_dict)
    assert (message["raw"], message["respond"], message["to_dict"]) == (1, "x", (1,))


def test_nested_views_are_wrapped_once(update):
    built = update("callback_query")
    assert built.callback_query is built.callback_query
    assert built.callback_query.message.reply_markup.inline_keyboard[0][0] is (
        built.callback_query.message.reply_markup.inline_keyboard[0][0]
    )
    assert hasattr(built.callback_query, "data") and not hasattr(built.callback_query, "dta")
