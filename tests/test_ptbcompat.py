"""PTB's warnings about ScaleTG's deliberate choices never reach the user; anyone else's still do."""

from __future__ import annotations

import asyncio
import warnings
from datetime import timedelta
from pathlib import Path

import pytest
import telegram
from telegram.error import RetryAfter
from telegram.warnings import PTBDeprecationWarning

from scaletg_ptb import Registry, Reply, build_application
from scaletg_ptb.config import Config, DeliveryConfig
from scaletg_ptb.delivery import Delivery
from scaletg_ptb.emulator import Emulator
from scaletg_ptb.ptbcompat import quiet_ptb_warnings, retry_after_seconds
from scaletg_ptb.sending import send_reply

FIXTURE_APPS = Path(__file__).parent / "fixture_apps"
PTB_2_2 = tuple(map(int, telegram.__version__.split(".")[:2])) >= (22, 2)


def shown(caught: list[warnings.WarningMessage]) -> list[str]:
    return [f"{w.category.__name__}: {w.message}" for w in caught]


def test_sending_replies_through_a_flood_wait_shows_no_ptb_warning(tmp_path):
    with Emulator() as emu, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")  # as a user with -W always would see them; pytest.ini hides none
        config = Config(path=tmp_path / "config.yaml", token=emu.token, base_url=emu.base_url,
                        state=str(tmp_path))
        application = build_application(config, Registry(tmp_path, apps_dir=FIXTURE_APPS))
        chat = emu.private_chat(emu.create_user())
        emu.inject_fault("sendMessage", retry_after=1)  # PTB's RetryAfter warns as it is made

        async def main() -> None:
            async with application.bot:
                await send_reply(application.bot, Reply("sendMessage", chat_id=chat["id"], text="hi"),
                                 Delivery(DeliveryConfig(backoff_base=0.01)))

        asyncio.run(main())
    assert [call.status for call in emu.calls if call.method == "sendMessage"] == [429, 200]
    assert shown(caught) == []


def test_the_filters_spare_other_code_s_do_api_request_calls(tmp_path):
    with Emulator() as emu, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        quiet_ptb_warnings()
        chat = emu.private_chat(emu.create_user())

        async def main() -> None:
            async with telegram.Bot(emu.token, base_url=emu.base_url) as bot:
                await bot.do_api_request("sendMessage", api_kwargs={"chat_id": chat["id"], "text": "hi"})

        asyncio.run(main())
    assert shown(caught) == [
        "PTBUserWarning: Please use 'Bot.sendMessage' instead of 'Bot.do_api_request(\"sendMessage\", ...)'"]
    assert caught[0].filename == __file__  # charged to the caller, as PTB means it


def test_the_filters_are_installed_once_however_often_a_bot_is_built():
    with warnings.catch_warnings():
        quiet_ptb_warnings()
        count = len(warnings.filters)
        quiet_ptb_warnings()
        assert len(warnings.filters) == count


@pytest.mark.parametrize("given, seconds", [(3, 3.0), (timedelta(seconds=1.5), 1.5)])
@pytest.mark.parametrize("timedelta_opt_in", ["", "1"])
def test_retry_after_reads_seconds_on_every_ptb_setting_without_warnings(monkeypatch, given, seconds,
                                                                         timedelta_opt_in):
    monkeypatch.setenv("PTB_TIMEDELTA", timedelta_opt_in)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        quiet_ptb_warnings()
        assert retry_after_seconds(RetryAfter(given)) == seconds  # type: ignore[arg-type]


@pytest.mark.skipif(not PTB_2_2, reason="retry_after warns from python-telegram-bot 22.2 on")
def test_without_the_filter_ptb_would_warn_on_every_429():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        RetryAfter(3)
    assert caught and {w.category for w in caught} == {PTBDeprecationWarning}
    assert "attribute `retry_after` will be of type `datetime.timedelta`" in str(caught[0].message)
