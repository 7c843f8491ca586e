"""The user side over HTTP (``/_emulator/...``): users, chats, messages and button presses, as curl would."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import httpx
import pytest

from scaletg_ptb.emulator import Emulator

KEYBOARD = {"inline_keyboard": [[{"text": "Save", "callback_data": "save"}, {"text": "Docs", "url": "https://x.org"}]]}


def control(emu: Emulator, method: str, path: str, body: dict[str, Any] | None = None,
            *, form: bool = False) -> tuple[int, dict[str, Any]]:
    """Call ``/_emulator/PATH`` with urllib (JSON or form body); return the status and the JSON answer."""
    data = headers = None
    if body is not None:
        data = (urllib.parse.urlencode(body) if form else json.dumps(body)).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded" if form else "application/json"}
    request = urllib.request.Request(f"http://127.0.0.1:{emu.port}/_emulator/{path}", data=data,
                                     headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as err:
        return err.code, json.load(err)


def test_a_message_sent_as_a_new_user_reaches_the_bot_and_the_chat(emu, api):
    status, answer = control(emu, "POST", "messages", {"user": "Alice", "text": "hi"}, form=True)
    assert status == 200 and answer["ok"]
    message = answer["result"]
    assert (message["text"], message["from"]["first_name"], message["chat"]["type"]) == ("hi", "Alice", "private")
    [update] = api.post("getUpdates").json()["result"]
    assert update["message"]["text"] == "hi"
    assert control(emu, "GET", "users")[1]["result"] == [message["from"]]
    assert control(emu, "GET", "chats")[1]["result"] == [message["chat"]]
    api.post("sendMessage", json={"chat_id": message["chat"]["id"], "text": "hello Alice"})
    _, read = control(emu, "GET", f"chats/{message['chat']['id']}/messages?after={message['message_id']}")
    assert [m["text"] for m in read["result"]] == ["hello Alice"]


def test_a_group_and_a_press_of_the_latest_keyboard(emu, api):
    group = control(emu, "POST", "groups", {"title": "Friends"})[1]["result"]
    said = control(emu, "POST", "messages", {"user": "Bob", "text": "/menu", "chat_id": group["id"]})[1]["result"]
    assert said["chat"] == group
    api.post("sendMessage", json={"chat_id": group["id"], "text": "Pick", "reply_markup": KEYBOARD})
    status, answer = control(emu, "POST", "press", {"user": "Bob", "chat_id": group["id"], "button": "Save"})
    assert status == 200
    assert (answer["result"]["data"], answer["result"]["from"]["first_name"]) == ("save", "Bob")
    kinds = [next(k for k in u if k != "update_id") for u in api.post("getUpdates").json()["result"]]
    assert kinds == ["message", "callback_query"]


def test_a_chat_read_can_wait_for_the_bots_answer(emu, api):
    said = control(emu, "POST", "messages", {"user": "Ann", "text": "ping"})[1]["result"]
    chat_id, after = said["chat"]["id"], said["message_id"]
    with httpx.Client() as client:
        pending = client.build_request("GET", f"http://127.0.0.1:{emu.port}/_emulator/chats/{chat_id}/messages",
                                       params={"after": after, "wait": 5})
        answer: list[httpx.Response] = []
        reader = threading.Thread(target=lambda: answer.append(client.send(pending)))
        reader.start()
        api.post("sendMessage", json={"chat_id": chat_id, "text": "pong"})  # the server keeps serving the bot
        reader.join(10)
    assert [m["text"] for m in answer[0].json()["result"]] == ["pong"]


@pytest.mark.parametrize(("method", "path", "body", "status", "description"), [
    ("POST", "messages", {"text": "hi"}, 400, "give 'user': a first name, a username or a user id"),
    ("POST", "messages", {"user": "Alice"}, 400, "give 'text' as a non-empty string"),
    ("POST", "messages", {"user": "@nobody", "text": "hi"}, 404,
     "no user '@nobody'; send as a first name to create one"),
    ("POST", "messages", {"user": "Alice", "text": "hi", "chat_id": 42}, 404,
     "no chat 42; GET /_emulator/chats lists them"),
    ("POST", "press", {"user": "Alice", "button": "Save"}, 404, "no bot message with buttons in chat 100000001"),
    ("POST", "press", {"user": "Alice"}, 400, "give 'button' (the button's text) or 'data' (its callback_data)"),
    ("GET", "chats/7/messages", None, 404, "no chat 7; GET /_emulator/chats lists them"),
    ("GET", "chats/x/messages", None, 400, "chat id 'x' is not a whole number"),
    ("DELETE", "users", None, 404, "no such request DELETE /_emulator/users; GET /_emulator/ lists them"),
])
def test_mistakes_are_answered_with_a_status_and_what_to_do(emu, method, path, body, status, description):
    assert control(emu, method, path, body) == (status, {"ok": False, "error_code": status,
                                                         "description": description})


def test_the_root_lists_the_requests(emu):
    status, answer = control(emu, "GET", "")
    assert status == 200
    assert [line.split(":")[0] for line in answer["result"]] == [
        "GET /_emulator/users", "GET /_emulator/chats", "POST /_emulator/groups title=TITLE",
        "POST /_emulator/messages user=NAME text=TEXT [chat_id=ID]",
        "POST /_emulator/press user=NAME button=TEXT|data=DATA [chat_id=ID message_id=ID]",
        "POST /_emulator/inline user=NAME query=TEXT [chat_id=ID wait=SECONDS]",
        "POST /_emulator/choose user=NAME inline_query_id=ID result_id=ID [chat_id=ID]",
        "GET /_emulator/chats/ID/messages[?after=MESSAGE_ID&wait=SECONDS]",
    ]


def test_a_press_of_a_link_button_is_refused_with_its_kind(emu, api):
    said = control(emu, "POST", "messages", {"user": "Alice", "text": "/menu"})[1]["result"]
    api.post("sendMessage", json={"chat_id": said["chat"]["id"], "text": "Pick", "reply_markup": KEYBOARD})
    status, answer = control(emu, "POST", "press", {"user": "alice", "button": "Docs"})
    assert (status, answer["description"]) == (400, "button 'Docs' is a url button, not a callback button")


def test_inline_queries_choices_and_reply_keyboards_over_http(emu, api):
    _, asked = control(emu, "POST", "inline", {"user": "Alice", "query": "cats", "wait": 0})
    assert asked["result"]["results"] is None  # the bot has not answered within 0 s
    article = {"type": "article", "id": "a", "title": "A", "input_message_content": {"message_text": "chosen"}}

    def bot() -> None:  # answers the next inline query as soon as it arrives
        updates = api.post("getUpdates", json={"timeout": 5, "offset": -1}).json()["result"]
        while updates[-1]["inline_query"]["query"] != "dogs":
            updates = api.post("getUpdates", json={"timeout": 5, "offset": updates[-1]["update_id"] + 1}).json()[
                "result"]
        api.post("answerInlineQuery", json={"inline_query_id": updates[-1]["inline_query"]["id"], "results": [article]})

    threading.Thread(target=bot).start()
    waited = control(emu, "POST", "inline", {"user": "Alice", "query": "dogs", "wait": 5})[1]["result"]
    assert waited["results"] == [article]
    query_id = waited["inline_query_id"]
    _, chose = control(emu, "POST", "choose", {"user": "Alice", "inline_query_id": query_id, "result_id": "a"})
    assert chose["result"]["message"]["text"] == "chosen"
    assert chose["result"]["chosen_inline_result"]["result_id"] == "a"
    chat_id = chose["result"]["message"]["chat"]["id"]
    api.post("sendMessage", json={"chat_id": chat_id, "text": "Pick", "reply_markup": {"keyboard": [["Blue"]]}})
    _, pressed = control(emu, "POST", "press", {"user": "Alice", "button": "Blue"})
    assert (pressed["result"]["text"], pressed["result"]["from"]["first_name"]) == ("Blue", "Alice")
