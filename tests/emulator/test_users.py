"""The user side: messages, edits, photos and button presses become updates."""

from __future__ import annotations

import json

import httpx
import pytest

from scaletg_ptb.emulator import Emulator
from scaletg_ptb.emulator.entities import detect


def test_user_ids_increment_and_groups_are_negative(emu: Emulator) -> None:
    alice, bob = emu.create_user("Alice"), emu.create_user("Bob", username=None, last_name="B")
    assert bob["id"] == alice["id"] + 1
    assert "username" not in bob and bob["last_name"] == "B"
    assert emu.private_chat(bob) == {
        "id": bob["id"],
        "type": "private",
        "first_name": "Bob",
        "last_name": "B",
    }
    group = emu.create_group()
    assert group["id"] < 0 and group["type"] == "group" and group["title"] == "Test group"
    said = emu.user_says(bob, group, "hi all")
    assert said["chat"]["id"] == group["id"] and said["from"]["id"] == bob["id"]


def test_user_cannot_write_in_someone_elses_private_chat(emu: Emulator) -> None:
    alice, bob = emu.create_user("Alice"), emu.create_user("Bob")
    with pytest.raises(ValueError, match="cannot write in the private chat"):
        emu.user_says(bob, emu.private_chat(alice), "hi")


def test_extra_fields_override_computed_ones(emu: Emulator, user: dict, chat: dict) -> None:
    said = emu.user_says(user, chat, "/start", entities=[], message_thread_id=5)
    assert said["entities"] == [] and said["message_thread_id"] == 5


def test_entities_use_utf16_offsets() -> None:
    text = "😀 /help and https://example.org, #tag"
    assert detect(text) == [
        {"offset": 3, "length": 5, "type": "bot_command"},
        {"offset": 13, "length": 19, "type": "url"},
        {"offset": 34, "length": 4, "type": "hashtag"},
    ]
    assert detect("/start@ScaleTGBot payload") == [{"offset": 0, "length": 17, "type": "bot_command"}]
    assert detect("a/b and x@y.io") == [{"offset": 8, "length": 6, "type": "email"}]


def test_user_edits_make_an_edited_message_update(
    emu: Emulator, api: httpx.Client, user: dict, chat: dict
) -> None:
    said = emu.user_says(user, chat, "tpyo")
    edited = emu.user_edits(user, said, "typo")
    assert edited["message_id"] == said["message_id"] and "edit_date" in edited
    updates = api.post("getUpdates").json()["result"]
    assert [next(k for k in u if k != "update_id") for u in updates] == ["message", "edited_message"]
    assert updates[0]["message"]["text"] == "tpyo"  # an update is a snapshot of its time
    assert updates[1]["edited_message"]["text"] == "typo"
    assert [m["text"] for m in emu.history(chat["id"])] == ["typo"]


def test_user_sends_photo(emu: Emulator, api: httpx.Client, user: dict, chat: dict) -> None:
    message = emu.user_sends_photo(user, chat, caption="look #cats")
    assert "text" not in message and message["caption"] == "look #cats"
    assert message["caption_entities"] == [{"offset": 5, "length": 5, "type": "hashtag"}]
    sizes = message["photo"]
    assert len(sizes) >= 2 and all(
        {"file_id", "file_unique_id", "width", "height"} <= s.keys() for s in sizes
    )
    # the bot can send the same photo back by file_id
    again = api.post("sendPhoto", data={"chat_id": str(chat["id"]), "photo": sizes[-1]["file_id"]}).json()
    assert again["result"]["photo"] == sizes


def test_press_button_queues_a_callback_query(
    emu: Emulator, api: httpx.Client, user: dict, chat: dict
) -> None:
    keyboard = {
        "inline_keyboard": [[{"text": "Yes", "callback_data": "y"}, {"text": "No", "callback_data": "n"}]]
    }
    data = {"chat_id": str(chat["id"]), "text": "Sure?", "reply_markup": json.dumps(keyboard)}
    sent = api.post("sendMessage", data=data).json()["result"]
    by_data = emu.press_button(user, sent, "n")
    by_text = emu.press_button(user, sent, text="Yes")
    assert (by_data["data"], by_text["data"]) == ("n", "y")
    assert by_data["id"] != by_text["id"] and by_data["from"] == user
    assert by_data["message"]["message_id"] == sent["message_id"]
    updates = api.post("getUpdates").json()["result"]
    assert [u["callback_query"] for u in updates] == [by_data, by_text]


def test_press_button_errors_list_the_buttons(
    emu: Emulator, api: httpx.Client, user: dict, chat: dict
) -> None:
    keyboard = {
        "inline_keyboard": [
            [{"text": "Yes", "callback_data": "y"}],
            [{"text": "Site", "url": "https://x.org"}],
        ]
    }
    data = {"chat_id": str(chat["id"]), "text": "Sure?", "reply_markup": json.dumps(keyboard)}
    sent = api.post("sendMessage", data=data).json()["result"]
    with pytest.raises(
        ValueError, match=r"no button with data='maybe'.*'Yes' \(data='y'\), 'Site' \(data=None\)"
    ):
        emu.press_button(user, sent, "maybe")
    with pytest.raises(ValueError, match="'Site' is a url button"):
        emu.press_button(user, sent, text="Site")
    plain = api.post("sendMessage", data={"chat_id": str(chat["id"]), "text": "no keyboard"}).json()["result"]
    with pytest.raises(ValueError, match="its buttons: none"):
        emu.press_button(user, plain, "y")
    assert emu.pending_update_count() == 0


def test_press_button_sees_the_current_keyboard(
    emu: Emulator, api: httpx.Client, user: dict, chat: dict
) -> None:
    old = {"inline_keyboard": [[{"text": "Old", "callback_data": "old"}]]}
    new = {"inline_keyboard": [[{"text": "New", "callback_data": "new"}]]}
    sent = api.post(
        "sendMessage", data={"chat_id": str(chat["id"]), "text": "v1", "reply_markup": json.dumps(old)}
    ).json()["result"]
    edit = {
        "chat_id": str(chat["id"]),
        "message_id": str(sent["message_id"]),
        "reply_markup": json.dumps(new),
    }
    assert api.post("editMessageReplyMarkup", data=edit).json()["ok"]
    assert emu.press_button(user, sent, text="New")["data"] == "new"  # `sent` is stale; the emulator is not
    with pytest.raises(ValueError):
        emu.press_button(user, sent, "old")
