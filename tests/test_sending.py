"""Replies go out through PTB's Bot.do_api_request, files as multipart uploads (real HTTP)."""

import asyncio
import io
import warnings

import pytest
from telegram import InputPaidMediaPhoto
from telegram.ext import ExtBot

from scaletg_ptb import Message, Reply
from scaletg_ptb.emulator import Emulator
from scaletg_ptb.ptbcompat import quiet_ptb_warnings
from scaletg_ptb.sending import send_reply


@pytest.fixture
def emu():
    with Emulator() as emulator:
        yield emulator


def send_all(emu: Emulator, *replies: Reply):
    async def main():
        async with ExtBot(emu.token, base_url=emu.base_url) as bot:
            return [await send_reply(bot, reply) for reply in replies]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.simplefilter("default", ResourceWarning)  # what the garbage collector finds is not this call's
        quiet_ptb_warnings()  # as build_application does: replies must not warn about do_api_request
        return asyncio.run(main())


def test_a_sent_message_comes_back_as_a_message_view(emu):
    chat = emu.private_chat(emu.create_user("Ann"))
    keyboard = {"inline_keyboard": [[{"text": "OK", "callback_data": "ok"}]]}
    [message] = send_all(emu, Reply("sendMessage", chat_id=chat["id"], text="hi", reply_markup=keyboard))
    assert isinstance(message, Message)
    assert (message.text, message.chat.id, message.reply_markup.inline_keyboard[0][0].text) == ("hi", chat["id"], "OK")


def test_non_message_results_come_back_raw(emu):
    chat = emu.private_chat(emu.create_user("Ann"))
    assert send_all(emu, Reply("sendChatAction", chat_id=chat["id"], action="typing")) == [True]


@pytest.mark.parametrize("make_file, expected_name", [
    (lambda path: path, "cat.jpg"),
    (lambda path: path.read_bytes(), None),
    (lambda path: io.BytesIO(path.read_bytes()), None),
])
def test_local_files_are_uploaded(emu, tmp_path, make_file, expected_name):
    path = tmp_path / "cat.jpg"
    path.write_bytes(b"\xff\xd8" + b"x" * 1000)
    chat = emu.private_chat(emu.create_user("Ann"))
    [message] = send_all(emu, Reply("sendPhoto", chat_id=chat["id"], photo=make_file(path), caption="A cat"))
    call = emu.wait_for_call("sendPhoto")
    filename, size = call.files["photo"]
    assert size == 1002
    if expected_name:
        assert filename == expected_name
    assert message.caption == "A cat" and message.photo


def test_document_reply_built_by_the_helper(emu, tmp_path):
    path = tmp_path / "report.txt"
    path.write_text("numbers")
    user = emu.create_user("Ann")
    incoming = Message(emu.user_says(user, emu.private_chat(user), "report please"))
    [sent] = send_all(emu, incoming.respond_document(path, caption="Here", reply=True))
    assert sent.document.file_name == "report.txt"
    assert sent.reply_to_message.message_id == incoming.message_id


def test_an_album_of_dicts_is_sent_as_one_media_group(emu, tmp_path):
    path = tmp_path / "cat.jpg"
    path.write_bytes(b"\xff\xd8" + b"x" * 500)
    chat = emu.private_chat(emu.create_user("Ann"))
    [messages] = send_all(emu, Reply("sendMediaGroup", chat_id=chat["id"], media=[
        {"type": "photo", "media": "https://example.com/a.jpg", "caption": "A", "has_spoiler": True},
        {"type": "photo", "media": path},
        {"type": "photo", "media": b"\xff\xd8" + b"y" * 300},
    ]))
    call = emu.wait_for_call("sendMediaGroup")
    assert [item["type"] for item in call.params["media"]] == ["photo"] * 3
    assert call.params["media"][0] == {"type": "photo", "media": "https://example.com/a.jpg", "caption": "A",
                                       "has_spoiler": True}
    assert sorted(size for _, size in call.files.values()) == [302, 502]  # the local files, as attach:// parts
    assert [type(message) for message in messages] == [Message] * 3
    assert messages[0].caption == "A" and len({message.media_group_id for message in messages}) == 1


def test_a_media_item_of_an_unknown_type_is_refused_with_the_types_accepted(emu):
    chat = emu.private_chat(emu.create_user("Ann"))
    with pytest.raises(ValueError) as error:
        send_all(emu, Reply("sendMediaGroup", chat_id=chat["id"], media=[
            {"type": "sticker", "media": "x"}, {"type": "photo", "media": "y"}]))
    assert str(error.value) == ("sendMediaGroup: a media item's 'type' is 'sticker'; it must be one of photo, "
                                "video, audio, document, animation.")
    assert "sendMediaGroup" not in [call.method for call in emu.calls]  # refused before sending


def test_paid_media_dicts_become_paid_media_and_unknown_fields_pass_through(mocker):
    async def main():
        call = mocker.patch.object(ExtBot, "do_api_request", return_value=True)
        await send_reply(ExtBot("123:ABC"), Reply("sendPaidMedia", chat_id=1, star_count=5, media=[
            {"type": "photo", "media": "file-id", "future_field": 1}]))
        return call.call_args.kwargs["api_kwargs"]["media"]

    [item] = asyncio.run(main())
    assert isinstance(item, InputPaidMediaPhoto)
    assert item.to_dict() == {"type": "photo", "media": "file-id", "future_field": 1}
