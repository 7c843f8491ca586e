"""modules.storage on each back end: blocks, JSON, expiry, locks (the lost-update test), errors."""

import asyncio
import contextvars
import json
import sqlite3
import threading
from datetime import datetime

import pytest

import modules.storage as storage
from modules.storage import StorageError, blocks, settings
from scaletg_ptb import Update, User
from scaletg_ptb.context import Project, Runtime, current_runtime

from ..redis_server import free_port

WAIT = 5.0  # a bound on waits that only ever ends a broken test


def message(chat_id: int = 42, user_id: int = 7, update_id: int = 1) -> Update:
    return Update({"update_id": update_id, "message": {
        "message_id": 1, "date": 1700000000, "chat": {"id": chat_id, "type": "private"},
        "from": {"id": user_id, "is_bot": False, "first_name": "Ann"}, "text": "hi"}})


@pytest.fixture(params=["sqlite", "memory", "redis"])
def inbox(request) -> str:
    """The inbox setting the store follows (Redis: the test session's real server)."""
    if request.param == "redis":
        return request.getfixturevalue("redis_url")
    return request.param


@pytest.fixture(autouse=True)
def default_settings():
    storage.setup({})
    yield
    storage.setup({})


def run_bot(state_dir, inbox, main):
    """Run ``await main(runtime)`` as the runner would: a Runtime set, its stop callbacks run after."""
    async def go():
        runtime = Runtime(send=None, loop=asyncio.get_running_loop(), bot=User({"id": 1, "is_bot": True}),
                          commands={}, project=Project(state_dir=state_dir, inbox=inbox))
        token = current_runtime.set(runtime)
        try:
            return await main(runtime)
        finally:
            current_runtime.reset(token)
            for callback in runtime.stop_callbacks:
                await callback()
    return asyncio.run(go())


def read_chat(state_dir, inbox, chat_id=42):
    async def main(runtime):
        async with storage.chat_data(chat_id) as data:
            return dict(data)
    return run_bot(state_dir, inbox, main)


def test_async_block_saves_and_a_new_run_reads_it(tmp_path, inbox):
    async def count(runtime):
        async with storage.chat_data(message()) as data:
            data["count"] = data.get("count", 0) + 1
            return data["count"]
    restarts = [run_bot(tmp_path, inbox, count) for _ in range(3)]  # each run: a restart
    assert restarts == ([1, 1, 1] if inbox == "memory" else [1, 2, 3])  # memory forgets at a restart


def test_plain_block_in_a_worker_thread(tmp_path, inbox):
    def plain_app():
        with storage.user_data(message(user_id=9)) as data:
            data["name"] = "Ann"
        with storage.user_data(9) as data:
            return dict(data)

    async def main(runtime):
        return await asyncio.to_thread(plain_app)  # a worker thread with the app's context, as dispatch does
    assert run_bot(tmp_path, inbox, main) == {"name": "Ann"}


def test_nothing_is_saved_when_the_block_raises(tmp_path, inbox):
    async def main(runtime):
        async with storage.bot_data() as data:
            data["kept"] = 1
        with pytest.raises(ZeroDivisionError):
            async with storage.bot_data() as data:
                data["kept"] = 2
                raise ZeroDivisionError
        async with storage.bot_data() as data:
            return dict(data)
    assert run_bot(tmp_path, inbox, main) == {"kept": 1}


@pytest.mark.parametrize("value, expected", [
    (datetime(2026, 1, 1), "chat_data of chat 42: the value of 'when' cannot be saved as JSON (Object of type "
                           "datetime is not JSON serializable). Store str, int, float, bool, None, lists and dicts "
                           "with string keys (a datetime as its .isoformat())."),
    ((1, 2), "chat_data of chat 42: the value of 'when' would come back from JSON changed, as [1, 2] (tuples become "
             "lists, dict keys become strings). Store lists and dicts with string keys."),
])
def test_a_value_json_cannot_keep_is_an_error_naming_the_key_and_nothing_is_saved(tmp_path, value, expected):
    async def main(runtime):
        with pytest.raises(TypeError) as raised:
            async with storage.chat_data(message()) as data:
                data["ok"] = 1
                data["when"] = value
        return str(raised.value)
    assert run_bot(tmp_path, "sqlite", main) == expected
    assert read_chat(tmp_path, "sqlite") == {}


def test_a_non_string_key_is_an_error(tmp_path):
    def plain_app():
        with storage.chat_data(message()) as data:
            data[1] = "x"

    async def main(runtime):
        with pytest.raises(TypeError, match=r"^chat_data of chat 42: key 1 is not a string; JSON keys are strings "
                                            r"\(use '1'\)\.$"):
            await asyncio.to_thread(plain_app)
    run_bot(tmp_path, "sqlite", main)


def test_sqlite_data_is_a_table_in_the_inbox_file_and_an_emptied_dict_is_deleted(tmp_path):
    async def main(runtime):
        async with storage.chat_data(5) as data:
            data["a"] = [1, "b"]
        async with storage.chat_data(6) as data:
            data["x"] = 1
        async with storage.chat_data(6) as data:
            data.clear()
    run_bot(tmp_path, "sqlite", main)
    db = sqlite3.connect(tmp_path / "inbox.sqlite3")
    assert db.execute("SELECT key, value, expires FROM storage").fetchall() == [("chat:5", '{"a":[1,"b"]}', None)]
    db.close()


def test_expiry_forgets_the_data_ttl_after_the_last_save(tmp_path, inbox, mocker):
    clock = mocker.patch("modules.storage.stores.time.time", return_value=1000.0)

    async def main(runtime):
        async with storage.chat_data(message(), ttl=60) as data:
            data["step"] = "ask name"
        clock.return_value = 1059.0
        async with storage.chat_data(message()) as data:
            still = dict(data)
        clock.return_value = 1061.0
        async with storage.chat_data(message()) as data:
            return still, dict(data)
    if inbox.startswith("redis"):  # Redis keeps the time itself: check the key's expiry instead
        async def redis_main(runtime):
            async with storage.chat_data(message(), ttl=60) as data:
                data["step"] = "ask name"
            store = blocks.store_for(runtime)
            return await store.client.pttl(store.prefix + "data:chat:42")
        assert 59_000 < run_bot(tmp_path, inbox, redis_main) <= 60_000
        return
    assert run_bot(tmp_path, inbox, main) == ({"step": "ask name"}, {})


def test_the_ttl_setting_applies_to_every_block(tmp_path, mocker):
    storage.setup({"ttl": 10})
    clock = mocker.patch("modules.storage.stores.time.time", return_value=1000.0)

    async def main(runtime):
        async with storage.user_data(message()) as data:
            data["x"] = 1
        clock.return_value = 1011.0
        async with storage.user_data(message()) as data:
            return dict(data)
    assert run_bot(tmp_path, "memory", main) == {}


def test_two_concurrent_user_data_blocks_for_one_user_from_two_chats_both_survive(tmp_path, inbox, mocker):
    """The second block asks for the data while the first holds it; the lock keeps it waiting, so both writes stay.

    Without the lock (patch KeyLocks.lock / RedisStore.lock to take nothing) the second block reads
    the data before the first one saves, and its save drops the first one's item.
    """
    asked = None

    async def main(runtime):
        nonlocal asked
        asked = asyncio.Event()
        store = blocks.store_for(runtime)
        real_lock = store.lock

        async def lock(key, timeout):
            if key == "user:7" and second_started:
                asked.set()
            return await real_lock(key, timeout)
        mocker.patch.object(store, "lock", lock)

        async def second():
            async with storage.user_data(message(chat_id=-100, user_id=7)) as data:  # a group chat
                data.setdefault("items", []).append("from the group")
        second_started = False
        another_update = contextvars.copy_context()  # the second block runs for another update
        async with storage.user_data(message(chat_id=42, user_id=7)) as data:  # the private chat
            second_started = True
            task = asyncio.get_running_loop().create_task(second(), context=another_update)
            async with asyncio.timeout(WAIT):
                await asked.wait()
            data.setdefault("items", []).append("from the private chat")
        await task
        async with storage.user_data(7) as data:
            return sorted(data["items"])
    assert run_bot(tmp_path, inbox, main) == ["from the group", "from the private chat"]


def test_plain_blocks_of_one_key_from_many_threads_lose_nothing(tmp_path, inbox):
    def add(n):
        with storage.user_data(7) as data:
            data["n"] = data.get("n", 0) + 1

    async def main(runtime):
        await asyncio.gather(*(asyncio.to_thread(add, n) for n in range(20)))
        async with storage.user_data(7) as data:
            return data["n"]
    assert run_bot(tmp_path, inbox, main) == 20


def test_a_key_held_too_long_times_out_with_a_clear_error(tmp_path):
    storage.setup({"lock_timeout": 0.05})

    async def other_update():
        with pytest.raises(StorageError) as raised:
            async with asyncio.timeout(WAIT), storage.bot_data():
                pass
        return str(raised.value)

    async def main(runtime):
        another_update = contextvars.copy_context()
        async with storage.bot_data():
            return await asyncio.get_running_loop().create_task(other_update(), context=another_update)
    assert run_bot(tmp_path, "memory", main) == (
        "The data of bot stayed locked by another block for 0.05 s (memory), so this block did not run. Keep "
        "with-blocks short (no waiting for users inside them), or raise modules.storage.lock_timeout.")


def test_the_same_key_nested_is_refused_instead_of_waiting_forever(tmp_path):
    async def main(runtime):
        async with storage.chat_data(42):
            with pytest.raises(RuntimeError, match=r"^chat_data of chat 42 is already open in an enclosing block"):
                async with storage.chat_data(message()):
                    pass
            async with storage.user_data(7) as data:  # another key is fine
                data["ok"] = True
    run_bot(tmp_path, "memory", main)


def test_the_wrong_kind_of_block_says_which_to_use(tmp_path):
    async def main(runtime):
        with pytest.raises(RuntimeError, match=r"^chat_data of chat 42: in an async def app use 'async with \.\.\.', "):
            with storage.chat_data(42):
                pass
    run_bot(tmp_path, "memory", main)


def test_outside_an_update_a_block_says_where_it_works():
    with pytest.raises(RuntimeError, match=r"^bot_data: storage blocks work only while an app processes an update"):
        with storage.bot_data():
            pass


def test_an_update_without_a_chat_is_refused_for_chat_data():
    inline = Update({"update_id": 3, "inline_query": {
        "id": "q", "from": {"id": 7, "is_bot": False, "first_name": "Ann"}, "query": "", "offset": ""}})
    with pytest.raises(ValueError, match=r"^chat_data\(update\) has nothing to key on for update id=3: it has no "
                                         r"chat \(an inline query, say\): use user_data\(update\)\.$"):
        storage.chat_data(inline)
    assert storage.user_data(inline).key == "user:7"


@pytest.mark.parametrize("given, message_", [
    ({"url": "postgres://u:secret@db/x"}, "'url' must be sqlite, memory or a Redis URL (redis://host:6379/0), "
                                          "got 'postgres://***@db/x'."),
    ({"ttl": 0}, "'ttl' must be a number of seconds above 0, got 0."),
    ({"lock_timout": 3}, "unknown setting 'lock_timout'; use url, ttl, lock_timeout."),
])
def test_bad_settings_are_refused(given, message_):
    with pytest.raises(ValueError) as raised:
        storage.setup(given)
    assert str(raised.value) == message_


def test_own_url_overrides_the_inbox(tmp_path, redis_url):
    storage.setup({"url": redis_url})

    async def main(runtime):
        async with storage.bot_data() as data:
            data["where"] = "redis"
        store = blocks.store_for(runtime)
        return type(store).__name__, json.loads(await store.client.get(store.prefix + "data:bot"))
    assert run_bot(tmp_path, "sqlite", main) == ("RedisStore", {"where": "redis"})
    assert not (tmp_path / "inbox.sqlite3").exists()


def test_redis_password_stays_out_of_errors(tmp_path):
    port = free_port()  # nothing listens there
    url = f"redis://:hunter2@127.0.0.1:{port}/0"

    async def main(runtime):
        with pytest.raises(StorageError) as raised:
            async with storage.bot_data():
                pass
        return str(raised.value)
    text = run_bot(tmp_path, url, main)
    assert "hunter2" not in text
    assert text.startswith(f"The storage Redis at redis://***@127.0.0.1:{port}/0 failed: ConnectionError: ")


def test_a_redis_block_that_lost_its_lock_saves_nothing(tmp_path, redis_url):
    async def main(runtime):
        store = blocks.store_for(runtime)
        with pytest.raises(StorageError) as raised:
            async with storage.bot_data() as data:
                data["x"] = 1
                await store.client.delete(store.prefix + "lock:bot")  # as if its deadline passed
        assert await store.client.get(store.prefix + "data:bot") is None
        return str(raised.value)
    assert run_bot(tmp_path, redis_url, main).startswith(
        "The block's lock on bot expired before it could save (it ran past the 30 s lease without renewal)")


def test_a_redis_lock_is_renewed_while_a_slow_block_runs(tmp_path, redis_url, mocker):
    async def main(runtime):
        store = blocks.store_for(runtime)
        store.lease = 0.3
        renewed = threading.Event()
        real = store._renew

        async def renew(**kwargs):
            result = await real(**kwargs)
            renewed.set()
            return result
        mocker.patch.object(store, "_renew", renew)
        async with storage.bot_data() as data:
            for _ in range(3):  # three renewals: the block outlives its first lease by far
                renewed.clear()
                async with asyncio.timeout(WAIT):
                    while not renewed.is_set():
                        await asyncio.sleep(0.01)
            assert 0 < await store.client.pttl(store.prefix + "lock:bot") <= 300
            data["slow"] = True
        return await store.client.get(store.prefix + "data:bot"), await store.client.exists(store.prefix + "lock:bot")
    assert run_bot(tmp_path, redis_url, main) == ('{"slow":true}', 0)


def test_the_sqlite_store_waits_for_the_inbox_writer(tmp_path):
    """Another connection (the inbox's) holding a write transaction delays the save; it does not fail it."""
    async def main(runtime):
        async with storage.bot_data() as data:
            data["x"] = 1
        other = sqlite3.connect(tmp_path / "inbox.sqlite3", isolation_level=None, check_same_thread=False)
        other.execute("BEGIN IMMEDIATE")
        release = asyncio.get_running_loop().call_later(0.2, other.execute, "COMMIT")
        async with storage.bot_data() as data:
            data["x"] = 2
        release.cancel()
        other.close()
        async with storage.bot_data() as data:
            return dict(data)
    assert run_bot(tmp_path, "sqlite", main) == {"x": 2}
    assert not blocks._stores  # closed at stop


def test_settings_url_default_follows_the_inbox():
    assert settings.parse_settings({}).url is None
