"""The poller stores each batch before the getUpdates that confirms it: a failing inbox holds confirming."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest
from telegram import Bot

from scaletg_ptb.emulator import Emulator
from scaletg_ptb.inbox import sqlite as sqlite_inbox
from scaletg_ptb.inbox import sqlite_file
from scaletg_ptb.inbox.memory import MemoryInbox
from scaletg_ptb.inbox.sqlite import SqliteInbox
from scaletg_ptb.poller import Poller

TOKEN = "424242:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


@pytest.mark.filterwarnings("ignore:Please use 'Bot.getUpdates'")  # ScaleBot's concern, not the poller's
def test_while_the_inbox_cannot_write_nothing_is_confirmed_to_telegram(tmp_path, monkeypatch, mocker):
    monkeypatch.setattr(sqlite_inbox, "MAX_BACKOFF", 0.02)
    real = sqlite_file.transaction
    writable = False

    def transaction(db):
        if not writable:
            raise sqlite3.OperationalError("database or disk is full")
        return real(db)

    def polls() -> list[int | None]:
        return [call.params.get("offset") for call in emu.calls if call.method == "getUpdates"]

    async def main(emu: Emulator) -> tuple[int, int, int, int]:
        nonlocal writable
        inbox = SqliteInbox(tmp_path / "state")
        await inbox.open()
        mocker.patch.object(sqlite_file, "transaction", side_effect=transaction)
        async with Bot(TOKEN, base_url=emu.base_url) as bot:  # closes its connections at the end
            poller = Poller(bot, inbox, timeout=0, allowed_updates=None, read_timeout=5)
            polling = asyncio.create_task(poller.poll_once(0))
            while inbox._failures < 3:  # the batch arrived; its writes keep failing
                await asyncio.sleep(0.01)
            held = (polling.done(), emu.pending_update_count(), len(polls()))
            writable = True
            async with asyncio.timeout(2):
                new = await polling
            await poller.poll_once(0)  # its offset confirms the stored batch
        await inbox.close()
        return (*held, new)

    with Emulator(token=TOKEN) as emu:
        alice = emu.create_user("Alice")
        for text in ("one", "two"):
            emu.user_says(alice, emu.private_chat(alice), text)
        assert asyncio.run(main(emu)) == (False, 2, 1, 2)  # one getUpdates, nothing confirmed, then both new
        assert emu.pending_update_count() == 0
        assert polls() == [None, 3]


def test_a_standby_poller_asks_telegram_to_drop_pending_updates_only_once_it_leads(mocker):
    async def main():
        inbox, lead = MemoryInbox(), asyncio.Event()
        calls: list[str] = []

        async def lead_polling():
            await lead.wait()  # another poller holds the lease until this is set
            return None

        async def delete_webhook(drop_pending_updates=False):
            calls.append(f"deleteWebhook drop={drop_pending_updates}")
            return True

        async def do_api_request(endpoint, api_kwargs=None, **kwargs):
            calls.append(endpoint)
            await asyncio.sleep(3600)  # a long poll

        mocker.patch.object(inbox, "lead_polling", side_effect=lead_polling)
        bot = mocker.Mock(delete_webhook=delete_webhook, do_api_request=do_api_request)
        poller = Poller(bot, inbox, timeout=10, allowed_updates=None, read_timeout=5)
        task = asyncio.create_task(poller.run(drop_pending_updates=True))
        for _ in range(20):
            await asyncio.sleep(0)
        assert calls == []  # standing by: Telegram must keep what the active poller has not fetched
        lead.set()
        for _ in range(20):
            await asyncio.sleep(0)
        task.cancel()
        return calls

    assert asyncio.run(main()) == ["deleteWebhook drop=True", "getUpdates"]
