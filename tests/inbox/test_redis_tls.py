"""rediss://: the Redis inbox and the storage module over TLS, with a CA file and a client certificate
given in the URL's query, against a real redis-server that speaks TLS only and wants client certificates."""

from __future__ import annotations

import asyncio
import subprocess
from urllib.parse import urlencode

import pytest

from modules.storage.redis_store import RedisStore
from scaletg_ptb.config import load_config
from scaletg_ptb.errors import ConfigError
from scaletg_ptb.inbox import InboxError
from scaletg_ptb.inbox.redis import RedisInbox
from scaletg_ptb.testing.redis_tls import make_tls_files, openssl_missing
from tests.redis_server import RedisServer, require_redis_server

from .conftest import message, run, take_ids

PASSWORD = "tls-s3cret-pw"


def tls_missing(binary: str) -> str | None:
    """Say why this redis-server cannot serve TLS (built without it), or None."""
    probe = subprocess.run([binary, "--tls-port", "0", "--port", "0"], capture_output=True, text=True, timeout=10)
    if "Configured to not listen anywhere" in probe.stdout + probe.stderr:
        return None
    return f"this redis-server was built without TLS ({(probe.stdout + probe.stderr).strip()[-200:]})"


@pytest.fixture(scope="module")
def tls_redis(tmp_path_factory):
    binary = require_redis_server()
    reason = openssl_missing() or tls_missing(binary)
    if reason:
        pytest.skip(reason)
    folder = tmp_path_factory.mktemp("tls-redis")
    server = RedisServer(folder, binary, password=PASSWORD, tls=make_tls_files(folder / "certs")).start()
    yield server
    server.stop()


def url_with(server: RedisServer, **options: str) -> str:
    return f"{server.url}?{urlencode(options)}"


def full_url(server: RedisServer) -> str:
    files = server.tls
    return url_with(server, ssl_ca_certs=str(files.ca), ssl_certfile=str(files.client_cert),
                    ssl_keyfile=str(files.client_key))


def test_the_inbox_stores_and_hands_out_updates_over_tls(tls_redis):
    url = full_url(tls_redis)

    async def main():
        inbox = RedisInbox(url, namespace="tls")
        await inbox.open()
        try:
            await inbox.lead_polling()
            assert await inbox.store([message(1, text="over TLS")]) == 1
            taken = await take_ids(inbox, 1)
            await inbox.begin(taken[0])
            return taken, await inbox.status()
        finally:
            await inbox.close()

    taken, status = run(main())
    assert taken == [1] and (status.stored, status.in_progress) == (0, 1)


def test_the_storage_module_saves_over_tls(tls_redis):
    async def main():
        store = RedisStore(full_url(tls_redis), prefix="scaletg:{tls}:storage:")
        try:
            held = await store.lock("chat:1", 5)
            await store.write(held, '{"n": 1}', None)
            await held.release()
            return await store.read("chat:1")
        finally:
            await store.close()

    assert run(main()) == '{"n": 1}'


def test_a_server_certificate_from_an_unknown_ca_stops_with_the_fix(tls_redis, tmp_path):
    other = make_tls_files(tmp_path / "other")
    url = url_with(tls_redis, ssl_ca_certs=str(other.ca), ssl_certfile=str(tls_redis.tls.client_cert),
                   ssl_keyfile=str(tls_redis.tls.client_key))

    async def main():
        inbox = RedisInbox(url)
        try:
            async with asyncio.timeout(10):
                await inbox.open()
        finally:
            await inbox.link.close()

    with pytest.raises(InboxError) as caught:
        run(main())
    assert str(caught.value).startswith(
        f"Redis rediss://***@127.0.0.1:{tls_redis.port}/0 presented a certificate this bot does not trust (")
    assert PASSWORD not in str(caught.value)


def test_tls_options_are_checked_with_the_config(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text("inbox: redis://:pw@h:6379/0?ssl_ca_certs=/etc/ca.pem\n")
    with pytest.raises(ConfigError) as caught:
        load_config(config, {}, require_token=False)
    assert str(caught.value) == ("config.yaml, line 1: 'inbox': 'ssl_ca_certs' needs TLS: start the URL "
                                 "'redis://***@h:6379/0' with rediss:// instead of redis://.")
    config.write_text("inbox: rediss://h:6379/0?ssl_ca_cert=/etc/ca.pem\n")
    with pytest.raises(ConfigError) as caught:
        load_config(config, {}, require_token=False)
    assert str(caught.value) == (
        "config.yaml, line 1: 'inbox': unknown option 'ssl_ca_cert' in the Redis URL "
        "'rediss://h:6379/0'; the TLS options are ssl_ca_certs, ssl_ca_path, ssl_certfile, "
        "ssl_keyfile, ssl_cert_reqs, ssl_check_hostname.")
