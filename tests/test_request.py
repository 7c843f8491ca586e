"""Bot API calls queue in order for a bounded number of connections; getUpdates never waits for them."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from telegram.request import HTTPXRequest

from scaletg_ptb import Registry, build_application
from scaletg_ptb.background import BackgroundBot
from scaletg_ptb.config import Config, ProcessingConfig
from scaletg_ptb.emulator import Emulator
from scaletg_ptb.request import BoundedRequest

FIXTURE_APPS = Path(__file__).parent / "fixture_apps"


def test_requests_beyond_the_connections_wait_and_start_in_the_order_they_came(mocker):
    started: list[int] = []
    in_flight = peak = 0
    release = asyncio.Event()

    async def transport(self, url: str, method: str, *args, **kwargs) -> tuple[int, bytes]:
        nonlocal in_flight, peak
        started.append(int(url))
        in_flight += 1
        peak = max(peak, in_flight)
        await release.wait()
        in_flight -= 1
        return 200, url.encode()

    mocker.patch.object(HTTPXRequest, "do_request", transport)

    async def main() -> list[tuple[int, bytes]]:
        request = BoundedRequest(2)
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


def test_the_bound_is_the_connection_pool_and_survives_a_restart_on_another_loop(mocker):
    transport = mocker.patch.object(HTTPXRequest, "do_request", mocker.AsyncMock(return_value=(200, b"{}")))
    request = BoundedRequest(3)
    assert request.connections == 3

    async def lifecycle() -> None:
        await request.initialize()
        await asyncio.gather(*(request.do_request("u", "POST") for _ in range(5)))
        await request.shutdown()

    asyncio.run(lifecycle())
    asyncio.run(lifecycle())  # a new loop: a queue bound to the old one would raise here
    assert transport.await_count == 10


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
