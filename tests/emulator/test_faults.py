"""Fault injection: 429 with retry_after, 5xx, delays that block nobody else, dropped connections."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from scaletg_ptb.emulator import Emulator


def send(api: httpx.Client, chat: dict, text: str = "hi") -> httpx.Response:
    return api.post("sendMessage", data={"chat_id": str(chat["id"]), "text": text})


def test_429_carries_retry_after_then_expires(emu: Emulator, api: httpx.Client, chat: dict) -> None:
    emu.inject_fault("sendMessage", status=429, retry_after=7, times=2)
    for _ in range(2):
        response = send(api, chat)
        assert response.status_code == 429
        assert response.json() == {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 7",
            "parameters": {"retry_after": 7},
        }
    assert send(api, chat).status_code == 200
    assert [m["text"] for m in emu.bot_messages(chat["id"])] == ["hi"]  # failed sends left no message
    assert [c.status for c in emu.calls] == [429, 429, 200]


def test_retry_after_alone_means_429(emu: Emulator, api: httpx.Client, chat: dict) -> None:
    emu.inject_fault(retry_after=3)
    assert send(api, chat).json()["parameters"] == {"retry_after": 3}


def test_5xx_only_hits_the_faulted_method(emu: Emulator, api: httpx.Client, chat: dict) -> None:
    emu.inject_fault("sendMessage", status=502)
    assert api.post("getMe").status_code == 200
    response = send(api, chat)
    assert response.status_code == 502
    assert response.json() == {"ok": False, "error_code": 502, "description": "Bad Gateway"}
    emu.inject_fault("*", status=500, description="Internal Server Error: try later")
    assert api.post("getMe").json()["description"] == "Internal Server Error: try later"


def test_delay_does_not_block_other_requests(emu: Emulator, api: httpx.Client, chat: dict) -> None:
    emu.inject_fault("sendMessage", delay=0.5, times=2)
    with ThreadPoolExecutor(2) as pool, httpx.Client(base_url=str(api.base_url)) as other:
        started = time.monotonic()
        delayed = [pool.submit(send, api, chat, "slow"), pool.submit(send, other, chat, "slower")]
        with httpx.Client(base_url=str(api.base_url)) as third:
            assert third.post("getMe").json()["ok"] is True
        assert time.monotonic() - started < 0.45
        texts = sorted(future.result(timeout=5).json()["result"]["text"] for future in delayed)
    elapsed = time.monotonic() - started
    assert texts == ["slow", "slower"]  # answered normally, just late
    assert 0.5 <= elapsed < 0.95  # the two delays overlapped instead of queueing


def test_drop_closes_the_connection_without_an_answer(emu: Emulator, api: httpx.Client, chat: dict) -> None:
    emu.inject_fault("sendMessage", drop=True)
    with pytest.raises(httpx.RemoteProtocolError):
        send(api, chat)
    assert emu.wait_for_call("sendMessage").status == 0
    assert send(api, chat).status_code == 200  # the fault was used up; a new connection works


def test_fault_arguments_are_checked(emu: Emulator) -> None:
    with pytest.raises(ValueError, match="at least one of"):
        emu.inject_fault("sendMessage")
    with pytest.raises(ValueError, match="times must be"):
        emu.inject_fault("sendMessage", status=500, times=0)
    with pytest.raises(ValueError, match="HTTP error status"):
        emu.inject_fault("sendMessage", status=200)
    with pytest.raises(ValueError, match="it needs drop=True"):
        emu.inject_fault("sendMessage", status=500, after=True)
    with pytest.raises(ValueError, match="every must be >= 1, got 0"):
        emu.inject_fault("sendMessage", status=500, every=0)


def test_forever_faults_until_cleared(emu: Emulator, api: httpx.Client) -> None:
    emu.inject_fault("getMe", status=503, times=None)
    assert [api.post("getMe").status_code for _ in range(3)] == [503, 503, 503]
    emu.clear_faults()
    assert api.post("getMe").status_code == 200


def test_drop_after_runs_the_method_then_loses_its_answer(emu: Emulator, api: httpx.Client, chat: dict) -> None:
    emu.inject_fault("sendMessage", drop=True, after=True)
    with pytest.raises(httpx.RemoteProtocolError):
        send(api, chat, "sent, unconfirmed")
    assert [m["text"] for m in emu.bot_messages(chat["id"])] == ["sent, unconfirmed"]  # Telegram acted
    assert [c.status for c in emu.calls] == [200]  # answered by the API; the answer never arrived
    assert send(api, chat, "next").status_code == 200


def test_every_hits_one_matching_request_in_n(emu: Emulator, api: httpx.Client, chat: dict) -> None:
    emu.inject_fault("sendMessage", status=502, every=3, times=None)
    assert api.post("getMe").status_code == 200  # another method does not count
    assert [send(api, chat).status_code for _ in range(7)] == [200, 200, 502, 200, 200, 502, 200]
