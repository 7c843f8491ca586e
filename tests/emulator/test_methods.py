"""Bot API methods over real HTTP: result shapes, errors, and their effect on the history."""

from __future__ import annotations

import json

import httpx
import pytest

from scaletg_ptb.emulator import Emulator

TOO_LONG_DATA = json.dumps({"inline_keyboard": [[{"text": "x", "callback_data": "d" * 65}]]})  # max 64 bytes


def send(api: httpx.Client, chat_id: int, text: str, **params: object) -> httpx.Response:
    """Post like PTB: form-urlencoded, non-str values JSON-encoded."""
    data = {"chat_id": str(chat_id), "text": text}
    data.update({k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()})
    return api.post("sendMessage", data=data)


def test_get_me_describes_the_bot(api: httpx.Client) -> None:
    body = api.post("getMe").json()
    assert body["ok"] is True
    assert body["result"]["id"] == 123456
    assert body["result"]["is_bot"] is True
    assert body["result"]["username"] == "ScaleTGBot"


def test_bot_id_comes_from_the_token() -> None:
    emulator = Emulator(token="987:abc", bot_username="OtherBot")
    assert emulator.bot_user["id"] == 987
    with pytest.raises(ValueError, match="not shaped like a bot token"):
        Emulator(token="no-colon")


def test_send_message_returns_a_telegram_message_and_lands_in_history(
    emu: Emulator, api: httpx.Client, chat: dict
) -> None:
    response = send(api, chat["id"], "Hello @bob_smith")
    assert response.status_code == 200
    message = response.json()["result"]
    assert message["message_id"] == 1
    assert isinstance(message["date"], int)
    assert message["chat"]["id"] == chat["id"] and message["chat"]["type"] == "private"
    assert message["from"]["id"] == emu.bot_user["id"]
    assert message["text"] == "Hello @bob_smith"
    assert message["entities"] == [{"offset": 6, "length": 10, "type": "mention"}]
    second = send(api, chat["id"], "again").json()["result"]
    assert second["message_id"] == 2
    assert [m["text"] for m in emu.history(chat["id"])] == ["Hello @bob_smith", "again"]
    assert emu.bot_messages(chat["id"]) == emu.history(chat["id"])


def test_send_message_accepts_a_json_body_and_get_with_query(
    emu: Emulator, api: httpx.Client, chat: dict
) -> None:
    assert api.post("sendMessage", json={"chat_id": chat["id"], "text": "json"}).json()["ok"]
    assert api.get("sendMessage", params={"chat_id": chat["id"], "text": "query"}).json()["ok"]
    assert [m["text"] for m in emu.bot_messages(chat["id"])] == ["json", "query"]


def test_method_names_ignore_case_like_telegram(api: httpx.Client) -> None:
    assert api.post("GETME").json()["result"]["username"] == "ScaleTGBot"


def test_send_message_keeps_inline_keyboard_reply_and_records_decoded_params(
    emu: Emulator, api: httpx.Client, user: dict, chat: dict
) -> None:
    asked = emu.user_says(user, chat, "question")
    keyboard = {"inline_keyboard": [[{"text": "Yes", "callback_data": "y"}]]}
    message = send(
        api, chat["id"], "<b>answer</b>", parse_mode="HTML", reply_markup=keyboard,
        reply_parameters={"message_id": asked["message_id"]},
    ).json()["result"]  # fmt: skip
    assert message["reply_markup"] == keyboard
    assert message["reply_to_message"]["message_id"] == asked["message_id"]
    assert message["text"] == "answer"  # parsed, as Telegram does
    assert message["entities"] == [{"type": "bold", "offset": 0, "length": 6}]
    call = emu.wait_for_call("sendMessage")
    assert call.params["chat_id"] == chat["id"]  # decoded from the form's "123" string
    assert call.params["reply_markup"] == keyboard
    assert call.status == 200


def test_reply_keyboards_are_not_part_of_the_message(api: httpx.Client, chat: dict) -> None:
    markup = {"keyboard": [[{"text": "A"}]], "resize_keyboard": True}
    assert "reply_markup" not in send(api, chat["id"], "x", reply_markup=markup).json()["result"]


@pytest.mark.parametrize(
    ("params", "description"),
    [
        ({"text": ""}, "Bad Request: message text is empty"),
        ({"text": "   "}, "Bad Request: message text is empty"),
        ({"text": "x" * 4097}, "Bad Request: message is too long"),
        ({"text": "hi", "chat_id": "42"}, "Bad Request: chat not found"),
        ({"text": "hi", "chat_id": "@nobody"}, "Bad Request: chat not found"),
        ({"text": "hi", "parse_mode": "LaTeX"}, "Bad Request: unsupported parse_mode 'LaTeX'"),
        ({"text": "hi", "reply_parameters": '{"message_id": 99}'},
         "Bad Request: message to be replied not found"),
        ({"text": "hi", "reply_markup": json.dumps({"inline_keyboard": [[{"text": "bare"}]]})},
         "Bad Request: can't parse inline keyboard button: "
         "Text buttons are unallowed in the inline keyboard"),
        ({"text": "hi", "reply_markup": TOO_LONG_DATA},
         "Bad Request: BUTTON_DATA_INVALID"),
    ],
)  # fmt: skip
def test_send_message_errors_are_shaped_like_telegram(
    api: httpx.Client, chat: dict, params: dict, description: str
) -> None:
    response = api.post("sendMessage", data={"chat_id": str(chat["id"]), **params})
    assert response.status_code == 400
    assert response.json() == {"ok": False, "error_code": 400, "description": description}


def test_missing_required_parameter(api: httpx.Client) -> None:
    response = api.post("sendMessage", data={"text": "hi"})
    assert response.json() == {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: chat_id is required",
    }


def test_unknown_method_is_404(api: httpx.Client) -> None:
    response = api.post("sendTelepathy")
    assert response.status_code == 404
    assert response.json() == {"ok": False, "error_code": 404, "description": "Not Found"}


def test_wrong_token_and_revoked_token_are_401(emu: Emulator, api: httpx.Client) -> None:
    wrong = httpx.post(f"{emu.base_url}123456:WRONG/getMe")
    assert wrong.status_code == 401
    assert wrong.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    assert api.post("getMe").status_code == 200
    emu.revoke_token()
    assert api.post("getMe").json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}


def test_edit_message_text_changes_history_and_drops_keyboard(
    emu: Emulator, api: httpx.Client, chat: dict
) -> None:
    keyboard = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
    sent = send(api, chat["id"], "before", reply_markup=keyboard).json()["result"]
    edit = {"chat_id": str(chat["id"]), "message_id": str(sent["message_id"])}
    edited = api.post("editMessageText", data={**edit, "text": "after"}).json()["result"]
    assert edited["text"] == "after" and isinstance(edited["edit_date"], int)
    assert "reply_markup" not in edited  # Telegram drops a keyboard an edit does not repeat
    [stored] = emu.history(chat["id"])
    assert stored["text"] == "after" and stored["message_id"] == sent["message_id"]
    same = api.post("editMessageText", data={**edit, "text": "after"}).json()
    assert same["error_code"] == 400
    assert same["description"].startswith("Bad Request: message is not modified: ")
    missing = api.post("editMessageText", data={**edit, "message_id": "77", "text": "x"}).json()
    assert missing["description"] == "Bad Request: message to edit not found"


def test_bot_cannot_edit_a_users_message(emu: Emulator, api: httpx.Client, user: dict, chat: dict) -> None:
    said = emu.user_says(user, chat, "mine")
    data = {"chat_id": str(chat["id"]), "message_id": str(said["message_id"]), "text": "x"}
    assert (
        api.post("editMessageText", data=data).json()["description"] == "Bad Request: message can't be edited"
    )


def test_delete_message_removes_it_from_history(
    emu: Emulator, api: httpx.Client, user: dict, chat: dict
) -> None:
    emu.user_says(user, chat, "hi")
    sent = send(api, chat["id"], "to delete").json()["result"]
    data = {"chat_id": str(chat["id"]), "message_id": str(sent["message_id"])}
    assert api.post("deleteMessage", data=data).json() == {"ok": True, "result": True}
    assert [m["text"] for m in emu.history(chat["id"])] == ["hi"]
    again = api.post("deleteMessage", data=data).json()
    assert again["description"] == "Bad Request: message to delete not found"


def test_answer_callback_query_records_once(emu: Emulator, api: httpx.Client, user: dict, chat: dict) -> None:
    keyboard = {"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]}
    sent = send(api, chat["id"], "menu", reply_markup=keyboard).json()["result"]
    query = emu.press_button(user, sent, "go")
    answer = {"callback_query_id": query["id"], "text": "Done", "show_alert": "true"}
    assert api.post("answerCallbackQuery", data=answer).json() == {"ok": True, "result": True}
    assert emu.callback_answers[query["id"]] == {"text": "Done", "show_alert": True, "url": None}
    twice = api.post("answerCallbackQuery", data=answer).json()
    assert twice["description"] == (
        "Bad Request: query is too old and response timeout expired or query ID is invalid"
    )


def test_commands_round_trip_per_scope(emu: Emulator, api: httpx.Client) -> None:
    commands = [{"command": "start", "description": "Start"}, {"command": "help", "description": "Help"}]
    assert api.post("setMyCommands", data={"commands": json.dumps(commands)}).json()["result"] is True
    assert emu.commands == commands
    assert api.post("getMyCommands").json()["result"] == commands
    chats_scope = {"scope": json.dumps({"type": "all_group_chats"})}
    assert api.post("getMyCommands", data=chats_scope).json()["result"] == []
    bad = api.post(
        "setMyCommands", data={"commands": json.dumps([{"command": "Bad Cmd", "description": "x"}])}
    )
    assert bad.json()["description"] == "Bad Request: BOT_COMMAND_INVALID"
    assert api.post("deleteMyCommands").json()["result"] is True
    assert emu.commands == []


def test_get_chat_and_chat_action(emu: Emulator, api: httpx.Client, chat: dict) -> None:
    info = api.post("getChat", data={"chat_id": str(chat["id"])}).json()["result"]
    assert info["id"] == chat["id"] and info["type"] == "private" and "accent_color_id" in info
    group = emu.create_group("Fans", supergroup=True, username="fans")
    assert group["id"] < 0
    assert api.post("getChat", data={"chat_id": "@fans"}).json()["result"]["title"] == "Fans"
    assert api.post("sendChatAction", data={"chat_id": str(chat["id"]), "action": "typing"}).json()["result"]
    wrong = api.post("sendChatAction", data={"chat_id": str(chat["id"]), "action": "dancing"}).json()
    assert wrong["description"] == "Bad Request: wrong parameter action in request"


def test_webhook_methods(emu: Emulator, api: httpx.Client, user: dict, chat: dict) -> None:
    emu.user_says(user, chat, "pending")
    info = api.post("getWebhookInfo").json()["result"]
    assert info == {"url": "", "has_custom_certificate": False, "pending_update_count": 1}
    assert api.post("deleteWebhook", data={"drop_pending_updates": "true"}).json()["result"] is True
    assert emu.pending_update_count() == 0
    assert api.post("logOut").json() == {"ok": True, "result": True}
