"""getUpdates: offset, limit, timeout (long polling), allowed_updates and the 409 conflict."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from scaletg_ptb.emulator import Emulator


def get_updates(api: httpx.Client, **params: object) -> httpx.Response:
    return api.post(
        "getUpdates", data={k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
    )


def ids(response: httpx.Response) -> list[int]:
    body = response.json()
    assert body["ok"] is True, body
    return [update["update_id"] for update in body["result"]]


def test_updates_carry_the_users_message(emu: Emulator, api: httpx.Client, user: dict, chat: dict) -> None:
    said = emu.user_says(user, chat, "/start@ScaleTGBot deep")
    [update] = get_updates(api).json()["result"]
    assert update == {"update_id": 1, "message": said}
    assert said["entities"] == [{"offset": 0, "length": 17, "type": "bot_command"}]
    assert said["from"] == user and said["chat"] == chat


def test_offset_confirms_and_limit_caps(emu: Emulator, api: httpx.Client, user: dict, chat: dict) -> None:
    for n in range(5):
        emu.user_says(user, chat, f"m{n}")
    assert ids(get_updates(api, limit=2)) == [1, 2]
    assert ids(get_updates(api)) == [1, 2, 3, 4, 5]  # nothing confirmed yet
    assert ids(get_updates(api, offset=3)) == [3, 4, 5]
    assert emu.pending_update_count() == 3
    assert ids(get_updates(api, offset=6)) == []
    emu.wait_until_confirmed(timeout=0)


def test_negative_offset_keeps_only_the_last_updates(
    emu: Emulator, api: httpx.Client, user: dict, chat: dict
) -> None:
    for n in range(4):
        emu.user_says(user, chat, f"m{n}")
    assert ids(get_updates(api, offset=-1)) == [4]
    assert emu.pending_update_count() == 1


@pytest.mark.parametrize("limit", [0, 101])
def test_limit_out_of_range_is_400(api: httpx.Client, limit: int) -> None:
    response = get_updates(api, limit=limit)
    assert response.status_code == 400
    assert response.json()["description"] == "Bad Request: limit must be between 1 and 100"


def test_timeout_waits_then_returns_empty(api: httpx.Client) -> None:
    started = time.monotonic()
    assert ids(get_updates(api, timeout=0.3)) == []
    assert time.monotonic() - started >= 0.29


def test_long_poll_returns_as_soon_as_an_update_arrives(
    emu: Emulator, api: httpx.Client, user: dict, chat: dict
) -> None:
    with ThreadPoolExecutor(1) as pool:
        polling = pool.submit(get_updates, api, timeout=10)
        emu.wait_for_long_poll()
        injected_at = time.monotonic()
        emu.user_says(user, chat, "wake up")
        response = polling.result(timeout=5)
    assert time.monotonic() - injected_at < 2  # far below the 10 s poll timeout
    assert [u["message"]["text"] for u in response.json()["result"]] == ["wake up"]


def test_long_poll_does_not_block_other_requests(emu: Emulator, api: httpx.Client) -> None:
    with ThreadPoolExecutor(1) as pool, httpx.Client(base_url=str(api.base_url)) as other:
        polling = pool.submit(get_updates, api, timeout=10)
        emu.wait_for_long_poll()
        assert other.post("getMe").json()["ok"] is True
        assert not polling.done()
        emu.inject_update({"id": "q1"}, kind="inline_query")
        assert polling.result(timeout=5).json()["result"][0]["inline_query"] == {"id": "q1"}


def test_second_get_updates_terminates_the_first_with_409(emu: Emulator, api: httpx.Client) -> None:
    with ThreadPoolExecutor(1) as pool, httpx.Client(base_url=str(api.base_url)) as other:
        first = pool.submit(get_updates, api, timeout=10)
        emu.wait_for_long_poll()
        assert ids(get_updates(other)) == []
        response = first.result(timeout=5)
    assert response.status_code == 409
    assert response.json() == {
        "ok": False,
        "error_code": 409,
        "description": "Conflict: terminated by other getUpdates request; "
        "make sure that only one bot instance is running",
    }


def test_allowed_updates_filter_and_are_remembered(
    emu: Emulator, api: httpx.Client, user: dict, chat: dict
) -> None:
    emu.user_says(user, chat, "text")
    emu.inject_update({"id": "1", "from": user, "chat_instance": "1", "data": "x"}, kind="callback_query")
    emu.inject_update({"chat": chat, "message_id": 1, "date": 0}, kind="message_reaction")
    assert ids(get_updates(api, allowed_updates=["callback_query"])) == [2]
    emu.user_says(user, chat, "more")
    # remembered: a later call without allowed_updates still filters
    assert ids(get_updates(api, offset=3)) == []
    # empty list = default: everything but chat_member, message_reaction, message_reaction_count
    emu.inject_update({"chat": chat, "message_id": 1, "date": 0}, kind="message_reaction")
    emu.user_says(user, chat, "visible")
    assert [
        u.get("message", {}).get("text") for u in get_updates(api, allowed_updates=[]).json()["result"]
    ] == ["visible"]
    reaction = emu.inject_update({"chat": chat, "message_id": 1, "date": 0}, kind="message_reaction")
    assert ids(get_updates(api, offset=7, allowed_updates=["message_reaction"])) == [reaction["update_id"]]


def test_unknown_kinds_and_raw_updates_are_delivered_as_given(emu: Emulator, api: httpx.Client) -> None:
    future = emu.inject_update({"anything": [1, 2]}, kind="future_kind")
    raw = emu.inject_raw_update({"message": {"text": "no chat, no date"}})
    explicit = emu.inject_raw_update({"update_id": 50, "bogus": None})
    result = get_updates(api).json()["result"]
    assert result == [future, raw, explicit]
    assert future == {"update_id": 1, "future_kind": {"anything": [1, 2]}}
    assert raw["update_id"] == 2
    assert emu.inject_update({})["update_id"] == 51  # numbering goes on after an explicit id


def test_wait_until_confirmed_reports_what_is_left(emu: Emulator, user: dict, chat: dict) -> None:
    emu.user_says(user, chat, "unread")
    with pytest.raises(AssertionError, match=r"1 update\(s\) still unconfirmed"):
        emu.wait_until_confirmed(timeout=0.05)
