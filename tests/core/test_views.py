"""The Reply-building helpers of the typed views (no I/O: they only build Replies)."""

from __future__ import annotations

import io
from pathlib import Path

from scaletg_ptb.core import Reply

QUOTE_17 = {"message_id": 17, "allow_sending_without_reply": True}


def test_respond_replies_to_the_message(update):
    reply = update("private_command").message.respond("Hi Ada")
    assert reply == Reply("sendMessage", chat_id=123456789, text="Hi Ada", reply_parameters=QUOTE_17)
    assert dict(reply.params) == {
        "chat_id": 123456789, "text": "Hi Ada", "reply_parameters": QUOTE_17,
    }


def test_respond_without_reply_and_with_overrides(update):
    message = update("group_command").message
    assert message.respond("hey", reply=False) == Reply(
        "sendMessage", chat_id=-4012345678, text="hey"
    )
    assert message.respond("<b>x</b>", parse_mode="HTML", chat_id=1, reply=False) == Reply(
        "sendMessage", chat_id=1, text="<b>x</b>", parse_mode="HTML"
    )


def test_respond_in_a_forum_topic_stays_in_the_topic(update):
    reply = update("topic_message").message.respond("pong")
    assert reply == Reply(
        "sendMessage",
        chat_id=-1001987654321,
        text="pong",
        message_thread_id=900,
        reply_parameters={"message_id": 912, "allow_sending_without_reply": True},
    )


def test_respond_to_a_business_message_goes_through_its_connection():
    from scaletg_ptb.core import Update

    built = Update({"update_id": 1, "business_message": {
        "message_id": 4, "date": 1, "chat": {"id": 9, "type": "private"},
        "business_connection_id": "bc-1", "text": "hi"}})
    assert built.effective_message.respond("yo", reply=False) == Reply(
        "sendMessage", chat_id=9, text="yo", business_connection_id="bc-1"
    )


def test_respond_photo_and_document(update, tmp_path):
    message = update("private_command").message
    path = tmp_path / "a.png"
    assert message.respond_photo(path) == Reply("sendPhoto", chat_id=123456789, photo=path)
    assert message.respond_photo(b"\x89PNG", caption="pic", reply=True) == Reply(
        "sendPhoto", chat_id=123456789, photo=b"\x89PNG", caption="pic", reply_parameters=QUOTE_17
    )
    handle = io.BytesIO(b"data")
    reply = message.respond_document(handle, caption="report", parse_mode="HTML")
    assert reply == Reply(
        "sendDocument", chat_id=123456789, document=handle, caption="report", parse_mode="HTML"
    )
    assert message.respond_document("BQACAgIAAx-file-id").params["document"] == "BQACAgIAAx-file-id"
    assert isinstance(message.respond_photo(Path("x.jpg")).params["photo"], Path)


def test_edit_text_and_delete(update):
    message = update("callback_query").callback_query.message
    assert message.edit_text("Voted") == Reply(
        "editMessageText", chat_id=123456789, message_id=18, text="Voted"
    )
    assert message.edit_text("Voted", reply_markup={"inline_keyboard": []}) == Reply(
        "editMessageText", chat_id=123456789, message_id=18, text="Voted",
        reply_markup={"inline_keyboard": []},
    )
    assert message.delete() == Reply("deleteMessage", chat_id=123456789, message_id=18)


def test_chat_send(update):
    chat = update("channel_post").channel_post.chat
    assert chat.send("news") == Reply("sendMessage", chat_id=-1001122334455, text="news")
    assert chat.send("news", disable_notification=True).params["disable_notification"] is True


def test_callback_query_answer(update):
    query = update("callback_query").callback_query
    assert query.answer() == Reply("answerCallbackQuery", callback_query_id="4382bfdwdsb323b2d9")
    assert query.answer("Thanks!", show_alert=True, cache_time=5) == Reply(
        "answerCallbackQuery", callback_query_id="4382bfdwdsb323b2d9", text="Thanks!",
        show_alert=True, cache_time=5,
    )


def test_user_full_name(update):
    assert update("private_command").message.from_user.full_name == "Ada Lovelace"
    assert update("group_command").message.from_user.full_name == "Grace"
