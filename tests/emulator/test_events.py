"""subscribe(): every bot action reaches the callback, from the server thread."""

from __future__ import annotations

import json
import queue
import threading

import httpx

from scaletg_ptb.emulator import Emulator, Event


def test_subscribers_see_every_bot_action(emu: Emulator, api: httpx.Client, user: dict, chat: dict) -> None:
    events: queue.Queue[tuple[Event, str]] = queue.Queue()
    unsubscribe = emu.subscribe(lambda event: events.put((event, threading.current_thread().name)))
    cid = str(chat["id"])
    keyboard = json.dumps({"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]})
    sent = api.post("sendMessage", data={"chat_id": cid, "text": "one", "reply_markup": keyboard}).json()[
        "result"
    ]
    mid = str(sent["message_id"])
    api.post("sendChatAction", data={"chat_id": cid, "action": "typing"})
    query = emu.press_button(user, sent, "go")
    api.post("answerCallbackQuery", data={"callback_query_id": query["id"], "text": "ok"})
    api.post("editMessageText", data={"chat_id": cid, "message_id": mid, "text": "two"})
    api.post("deleteMessage", data={"chat_id": cid, "message_id": mid})
    got = [events.get(timeout=5) for _ in range(5)]
    assert {thread for _, thread in got} == {"bot-api-emulator"}
    send, action, answer, edit, delete = (event for event, _ in got)
    assert send == {"kind": "send", "chat_id": chat["id"], "message": sent}
    assert action == {"kind": "chat_action", "chat_id": chat["id"], "action": "typing"}
    assert edit["kind"] == "edit" and edit["message"]["text"] == "two"
    assert answer == {
        "kind": "answer_callback", "chat_id": chat["id"], "callback_query_id": query["id"],
        "text": "ok", "show_alert": False, "url": None,
    }  # fmt: skip
    assert delete == {"kind": "delete", "chat_id": chat["id"], "message_id": sent["message_id"]}
    unsubscribe()
    api.post("sendMessage", data={"chat_id": cid, "text": "unheard"})
    emu.wait_for_call("sendMessage", predicate=lambda call: call.params["text"] == "unheard")
    assert events.empty()


def test_a_failing_subscriber_does_not_break_the_request(
    emu: Emulator, api: httpx.Client, chat: dict
) -> None:
    def broken(event: Event) -> None:
        raise RuntimeError("subscriber bug")

    seen: list[Event] = []
    emu.subscribe(broken)
    emu.subscribe(seen.append)
    response = api.post("sendMessage", data={"chat_id": str(chat["id"]), "text": "still works"})
    assert response.json()["ok"] is True
    assert [event["message"]["text"] for event in seen] == ["still works"]


def test_wait_helpers_report_what_happened(emu: Emulator, api: httpx.Client, chat: dict) -> None:
    api.post("sendMessage", data={"chat_id": str(chat["id"]), "text": "only one"})
    assert [m["text"] for m in emu.wait_for_bot_messages(chat["id"], 1)] == ["only one"]
    try:
        emu.wait_for_bot_messages(chat["id"], 2, timeout=0.05)
    except AssertionError as err:
        assert "1 arrived: ['only one']" in str(err)
    else:
        raise AssertionError("wait_for_bot_messages should have timed out")
    first = emu.wait_for_call("sendMessage")
    assert first.params["text"] == "only one"
    try:
        emu.wait_for_call("sendMessage", timeout=0.05)  # the only one was already returned
    except AssertionError as err:
        assert "no sendMessage call within 0.05s" in str(err)
    else:
        raise AssertionError("wait_for_call should not return the same call twice")
