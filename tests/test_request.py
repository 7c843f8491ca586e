"""Bot API calls queue in order for a bounded number of connections; getUpdates never waits for them."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
import warnings
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from telegram import Bot
from telegram.error import NetworkError, TimedOut
from telegram.warnings import PTBUserWarning

from scaletg_ptb import Registry, build_application
from scaletg_ptb.background import BackgroundBot
from scaletg_ptb.config import Config, ProcessingConfig
from scaletg_ptb.core import Reply
from scaletg_ptb.delivery import Fault, classify
from scaletg_ptb.emulator import Emulator
from scaletg_ptb.request import BoundedRequest, PoolTimeout
from scaletg_ptb.sending import send_reply

FIXTURE_APPS = Path(__file__).parent / "fixture_apps"


def test_requests_beyond_the_connections_wait_and_start_in_the_order_they_came(mocker):
    started: list[int] = []
    in_flight = peak = 0
    release = asyncio.Event()

    @contextlib.asynccontextmanager
    async def transport(self, method: str, url: str, **kwargs):
        nonlocal in_flight, peak
        started.append(int(url))
        in_flight += 1
        peak = max(peak, in_flight)
        await release.wait()
        in_flight -= 1
        yield mocker.Mock(status=200, read=mocker.AsyncMock(return_value=url.encode()))

    mocker.patch.object(aiohttp.ClientSession, "request", transport)

    async def main() -> list[tuple[int, bytes]]:
        request = BoundedRequest(2)
        await request.initialize()
        calls = [asyncio.create_task(request.do_request(str(n), "POST")) for n in range(6)]
        while len(started) < 2:
            await asyncio.sleep(0)
        for _ in range(10):  # give the other four every chance to slip past the bound
            await asyncio.sleep(0)
        assert started == [0, 1]
        release.set()
        results = await asyncio.gather(*calls)
        await request.shutdown()
        return results

    results = asyncio.run(main())
    assert peak == 2
    assert started == [0, 1, 2, 3, 4, 5]
    assert results == [(200, str(n).encode()) for n in range(6)]


def test_the_bound_is_the_connection_pool_and_survives_a_restart_on_another_loop():
    request = BoundedRequest(3)
    assert request.connections == 3
    with Emulator() as emu:
        async def lifecycle() -> list[bytes]:
            await request.initialize()
            answers = await asyncio.gather(*(request.post(f"{emu.base_url}{emu.token}/getMe") for _ in range(5)))
            await request.shutdown()
            return answers

        assert [answer["is_bot"] for answer in asyncio.run(lifecycle())] == [True] * 5
        # A new loop: a session or a queue bound to the old one would raise here.
        assert [answer["is_bot"] for answer in asyncio.run(lifecycle())] == [True] * 5
        assert [call.method for call in emu.calls] == ["getMe"] * 10


def test_a_request_that_finds_no_free_connection_in_time_is_not_sent():
    with Emulator() as emu:
        emu.inject_fault("getMe", delay=0.5)
        url = f"{emu.base_url}{emu.token}/getMe"

        async def main() -> BaseException | None:
            async with BoundedRequest(1, pool_timeout=0.05) as request:
                busy = asyncio.create_task(request.post(url))
                await asyncio.sleep(0.1)  # the first call holds the only connection
                try:
                    await request.post(url)
                except TimedOut as exc:
                    await busy
                    return exc
                return None

        error = asyncio.run(main())
        assert str(error) == "Pool timeout: every connection stayed busy. Request was *not* sent to Telegram."
        assert isinstance(error.__cause__, PoolTimeout)
        assert classify(error) is Fault.NOT_SENT
        assert [call.method for call in emu.calls] == ["getMe"]


def test_an_upload_goes_as_multipart_with_its_other_parameters(tmp_path):
    with Emulator() as emu:
        chat = emu.private_chat(emu.create_user())
        document = tmp_path / "notes.txt"
        document.write_bytes(b"remember the milk")

        async def main() -> Any:
            async with BoundedRequest(1) as request:
                bot = Bot(emu.token, base_url=emu.base_url, request=request)
                return await send_reply(bot, Reply("sendDocument", chat_id=chat["id"], document=document,
                                                   caption="for later"))

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PTBUserWarning)  # "use Bot.send_document": not here
            sent = asyncio.run(main())
        assert sent.caption == "for later"
        assert sent.document.file_name == "notes.txt"


def test_a_reply_is_not_held_up_by_the_parked_long_poll_with_one_connection(tmp_path):
    with Emulator() as emu:
        config = Config(path=tmp_path / "config.yaml", token=emu.token, base_url=emu.base_url,
                        apps=("greeter",), processing=ProcessingConfig(connections=1), state=str(tmp_path))
        registry = Registry(tmp_path, apps_dir=FIXTURE_APPS)
        registry.populate(config.apps, {})
        application = build_application(config, registry)
        assert isinstance(application.bot.request, BoundedRequest)
        assert application.bot.request.connections == 1
        bot = BackgroundBot(application, poll_timeout=30).start()
        try:
            user = emu.create_user("Alice")
            chat = emu.private_chat(user)
            emu.wait_for_long_poll()
            started = time.monotonic()
            emu.user_says(user, chat, "hi")  # fetched, then the next 30 s poll parks at once
            [reply] = emu.wait_for_bot_messages(chat["id"], 1, timeout=10)
            # Sharing the one connection with getUpdates, the reply would wait out the parked poll.
            assert reply["text"] == "hello" and time.monotonic() - started < 5
        finally:
            bot.stop()


def test_the_proxy_of_the_environment_is_used_like_ptb_s_httpx_client_does(monkeypatch):
    with socket.socket() as probe:  # a proxy port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{port}")
    with Emulator() as emu:
        async def main() -> BaseException:
            async with BoundedRequest(1) as request:
                with pytest.raises(NetworkError) as caught:
                    await request.post(f"{emu.base_url}{emu.token}/getMe")
                return caught.value

        error = asyncio.run(main())
        assert str(error).startswith(f"aiohttp.ClientProxyConnectionError: Cannot connect to host 127.0.0.1:{port}")
        assert classify(error) is Fault.NOT_SENT  # the proxy was never reached: nothing was sent
        assert emu.calls == []


def test_each_server_gets_certifi_s_bundle_over_https_and_the_environment_s_proxy_found_once(monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    request = BoundedRequest(1)
    telegram_api = request._server_options("https://api.telegram.org/bot123:SECRET/sendMessage")
    assert str(telegram_api["proxy"]) == "http://proxy.example:3128"
    assert telegram_api["ssl"].cert_store_stats()["x509_ca"] > 100  # certifi's bundle, as httpx uses
    assert request._server_options("https://api.telegram.org/bot123:SECRET/getMe") is telegram_api
    assert request._server_options("http://127.0.0.1:8081/bot123:SECRET/getMe") == {}  # NO_PROXY, no TLS
