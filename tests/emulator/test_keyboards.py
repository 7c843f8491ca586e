"""Reply keyboards, their removal, one-time keyboards and ForceReply, as Telegram's clients behave."""

from __future__ import annotations

import httpx
import pytest

from scaletg_ptb.emulator import Emulator

COLOURS = {"keyboard": [["Red", {"text": "Blue"}], [{"text": "Share", "request_contact": True},
                                                   {"text": "Where", "request_location": True}]]}


def send(api: httpx.Client, chat_id: int, text: str, markup: object) -> dict:
    return api.post("sendMessage", json={"chat_id": chat_id, "text": text, "reply_markup": markup}).json()


def test_a_reply_keyboard_is_shown_and_pressing_sends_the_label(emu: Emulator, api: httpx.Client, user: dict,
                                                               chat: dict) -> None:
    sent = send(api, chat["id"], "Pick", COLOURS)["result"]
    assert "reply_markup" not in sent  # not part of the message, but of the chat's screen
    assert emu.reply_keyboard(chat["id"]) == {"markup": COLOURS, "message_id": sent["message_id"]}
    message = emu.press_reply_button(user, chat, "Blue")
    assert (message["text"], message["from"]["id"]) == ("Blue", user["id"])
    assert emu.reply_keyboard(chat["id"]) is not None  # a keyboard stays until removed


def test_request_buttons_send_a_contact_and_a_location(emu: Emulator, api: httpx.Client, user: dict,
                                                       chat: dict) -> None:
    send(api, chat["id"], "Pick", COLOURS)
    contact = emu.press_reply_button(user, chat, "Share")["contact"]
    assert contact == {"phone_number": contact["phone_number"], "first_name": "Alice", "user_id": user["id"]}
    assert contact["phone_number"].startswith("+1555")
    assert set(emu.press_reply_button(user, chat, "Where")["location"]) == {"latitude", "longitude"}


def test_removal_and_one_time_keyboards(emu: Emulator, api: httpx.Client, user: dict, chat: dict) -> None:
    send(api, chat["id"], "Pick", COLOURS)
    send(api, chat["id"], "Thanks", {"remove_keyboard": True})
    assert emu.reply_keyboard(chat["id"]) is None
    with pytest.raises(ValueError, match="there is no reply keyboard in chat"):
        emu.press_reply_button(user, chat, "Blue")
    send(api, chat["id"], "Once", {"keyboard": [["Yes", "No"]], "one_time_keyboard": True})
    assert emu.press_reply_button(user, chat, "Yes")["text"] == "Yes"
    assert emu.reply_keyboard(chat["id"]) is None
    send(api, chat["id"], "Again", {"keyboard": [["Yes"]]})
    with pytest.raises(ValueError, match="no button 'Maybe' in the reply keyboard of chat .*; its buttons: 'Yes'"):
        emu.press_reply_button(user, chat, "Maybe")


def test_force_reply_makes_the_next_message_a_reply(emu: Emulator, api: httpx.Client, user: dict,
                                                    chat: dict) -> None:
    asked = send(api, chat["id"], "Your name?", {"force_reply": True})["result"]
    answer = emu.user_says(user, chat, "Alice")
    assert answer["reply_to_message"]["message_id"] == asked["message_id"]
    assert "reply_to_message" not in emu.user_says(user, chat, "later")


def test_a_malformed_reply_keyboard_is_refused_and_nothing_is_sent(emu: Emulator, api: httpx.Client,
                                                                  chat: dict) -> None:
    assert send(api, chat["id"], "x", {"keyboard": "Red"})["description"] == \
        'Bad Request: field "keyboard" of the ReplyKeyboardMarkup must be an Array of Arrays'
    assert send(api, chat["id"], "x", {"nonsense": 1})["description"] == \
        "Bad Request: can't parse reply keyboard markup JSON object"
    assert emu.bot_messages(chat["id"]) == []
