"""The Redis inbox's poller lease, graceful hand-back, Redis restarts and the persistence check."""

from __future__ import annotations

import asyncio
import logging
import subprocess

import pytest

from scaletg_ptb.errors import ConfigError
from scaletg_ptb.inbox.redis import RedisInbox
from scaletg_ptb.inbox.redis_leases import check_poller_lease
from tests.redis_server import RedisServer, require_redis_server

from .conftest import messages, run, take_ids
from .redis_helpers import Record, timed, work

PASSWORD = "s3cret-pw"


@pytest.fixture
def private_redis(tmp_path):
    """A redis-server of this test alone, with a password, to restart or reconfigure at will."""
    server = RedisServer(tmp_path, require_redis_server(), password=PASSWORD).start()
    yield server
    server.stop()


def test_one_poller_of_two_polls_and_the_other_takes_over_with_the_offset_once_it_stops(redis_url, caplog):
    async def main():
        first, second = RedisInbox(redis_url, lease=1.0), RedisInbox(redis_url, lease=1.0)
        await first.open()
        await second.open()
        took = await first.lead_polling()
        await first.store(messages(1, 2))
        await first.confirmed(3)
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(0.6):
                await second.lead_polling()
        renewed = await first.lead_polling()  # the holder renews before each getUpdates
        offset, waited = await timed(second.lead_polling(), 3)  # first stopped renewing: second takes over
        stale = await first.store(messages(3, 4))  # first still thinks it polls: refused
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(0.6):
                await first.lead_polling()
        stored = sorted(int(i) for i in await second.link.client.hkeys(second.link.key("updates")))
        await first.close()
        await second.close()
        return took, renewed, offset, waited, stale, stored

    took, renewed, offset, waited, stale, stored = run(main())
    assert (took, renewed, offset, stale, stored) == (None, None, 3, 0, [1, 2])
    assert waited < 2.5  # within the lease (1 s) and a look (0.25 s), from its renewal
    assert ("Another poller took over the lease; this process's last batch was not stored (the active "
            "poller fetches it) and it stands by.") in caplog.messages


def test_a_stopping_poller_and_worker_hand_back_at_once(redis_url):
    async def main():
        first, second = RedisInbox(redis_url), RedisInbox(redis_url)  # the default lease: 30 s
        await first.open()
        await second.open()
        await first.lead_polling()
        await first.store(messages(1, 2, 3))
        taken = await take_ids(first, 2)
        await first.begin(1)
        first.done(1)
        await first.begin(2)  # interrupted by the stop: counted, and run again elsewhere
        await first.close()
        _, waited = await timed(second.lead_polling(), 1)
        again = await take_ids(second, 2)
        attempts = await second.link.client.hget(second.link.key("attempts"), "2")
        await second.close()
        return taken, again, attempts, waited

    taken, again, attempts, waited = run(main())
    assert (taken, again, attempts) == ([1, 2], [2, 3], "1")
    assert waited < 0.5


def test_a_redis_restart_loses_nothing_and_is_logged_once_without_the_password(private_redis, caplog):
    async def main():
        inbox = RedisInbox(private_redis.url)
        await inbox.open()
        record = Record()
        worker = asyncio.create_task(work(inbox, "w", record, lambda view: None))
        await inbox.store(messages(*range(1, 11)))
        await record.wait_for(10, 5)
        await asyncio.to_thread(private_redis.restart)
        stored = await inbox.store(messages(*range(11, 21)))  # waits for Redis, with back-off
        await record.wait_for(20, 15)
        worker.cancel()
        await asyncio.gather(worker, return_exceptions=True)
        status = await inbox.status()
        await inbox.close()
        return stored, record, status

    caplog.set_level(logging.INFO, "scaletg_ptb.inbox")
    stored, record, status = run(main())
    assert stored == 10
    assert sorted(update_id for _, _, update_id in record.runs) == list(range(1, 21))
    assert (status.stored, status.in_progress) == (0, 0)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1, warnings
    assert warnings[0].startswith(f"Redis redis://***@127.0.0.1:{private_redis.port}/0 cannot be reached (")
    assert f"Redis redis://***@127.0.0.1:{private_redis.port}/0 is reachable again; the inbox resumes." \
        in caplog.messages
    assert PASSWORD not in caplog.text


def test_persistence_off_is_warned_in_one_line_at_open(private_redis, caplog):
    subprocess.run(["redis-cli", "-p", str(private_redis.port), "-a", PASSWORD, "--no-auth-warning",
                    "CONFIG", "SET", "appendonly", "no"], check=True, capture_output=True)

    async def main():
        inbox = RedisInbox(private_redis.url)
        await inbox.open()
        await inbox.close()

    run(main())
    assert caplog.messages == [
        f"Redis redis://***@127.0.0.1:{private_redis.port}/0 has persistence off (appendonly no): a Redis "
        "restart loses the stored updates. Set appendonly yes."]


def test_persistence_on_says_nothing_at_open(redis_url, caplog):
    async def main():
        inbox = RedisInbox(redis_url)
        await inbox.open()
        await inbox.close()

    run(main())
    assert caplog.messages == []


def test_a_wrong_password_is_refused_at_open_without_showing_it(private_redis):
    async def main():
        inbox = RedisInbox(f"redis://:wrong-pw@127.0.0.1:{private_redis.port}/0")
        try:
            await inbox.open()
        finally:
            await inbox.link.close()

    with pytest.raises(Exception) as caught:
        run(main())
    assert "wrong-pw" not in str(caught.value)
    assert str(caught.value).startswith(f"Redis redis://***@127.0.0.1:{private_redis.port}/0 refused the "
                                        "password in the inbox URL.")


def test_a_poller_lease_a_getupdates_call_could_outlast_is_refused():
    check_poller_lease(30, 10)
    with pytest.raises(ConfigError) as caught:
        check_poller_lease(12, 10)
    assert str(caught.value) == (
        "'processing.lease' (12 s) must exceed 'polling.timeout' (10 s) by more than 5 s, so a poller's "
        "getUpdates ends before another may take over. Raise the lease above 15 s or lower polling.timeout.")
