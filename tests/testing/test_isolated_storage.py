"""The kit and modules.storage: each bot has fresh storage that tests seed and read; concurrent user blocks."""

import importlib
import threading

import pytest

import scaletg_ptb
from scaletg_ptb.testing import SandboxBot

from ..project import make_project

WAIT = 5.0  # a bound on waits that only ever ends a broken test


@pytest.fixture
def notes_project(tmp_path):
    return make_project(tmp_path / "project", ["user_notes"])


def test_seeded_user_data_reaches_the_app_and_its_writes_read_back(make_sandbox_bot, notes_project):
    bot = make_sandbox_bot(config=notes_project)
    alice = bot.user("Alice")
    assert bot.user_data(alice) == {}
    with bot.user_data(alice) as data:
        data["notes"] = ["seeded"]
    alice.says("note more").expect("noted more")
    assert bot.user_data(alice) == {"notes": ["seeded", "more"]}
    assert bot.chat_data(alice) == {} and bot.bot_data() == {}


def test_a_with_block_that_raises_seeds_nothing(make_sandbox_bot, notes_project):
    bot = make_sandbox_bot(config=notes_project)
    alice = bot.user("Alice")
    with pytest.raises(KeyError), bot.chat_data(alice) as data:
        data["x"] = 1
        raise KeyError("x")
    assert bot.chat_data(alice) == {}


def test_storage_never_leaks_from_one_bot_to_the_next(make_sandbox_bot, notes_project):
    first = make_sandbox_bot(config=notes_project)
    first.user("Alice").says("note one").expect("noted one")
    with first.bot_data() as data:
        data["shared"] = True
    first.stop()
    second = make_sandbox_bot(config=notes_project)
    alice = second.user("Alice")
    assert second.user_data(alice) == {} and second.bot_data() == {}


def test_a_redis_storage_url_is_kept_out_of_kit_bots(notes_project):
    bot = SandboxBot(config=notes_project, modules={"storage": {"url": "redis://:pw@db:6379/0", "ttl": 5}})
    assert bot.config.modules["storage"] == {"url": "sqlite", "ttl": 5}


def test_two_concurrent_user_data_blocks_of_one_user_from_two_chats_both_survive(make_sandbox_bot, notes_project,
                                                                                  mocker):
    """Alice's slow note in her private chat holds her data while her group note asks for it.

    The group note's block waits for the lock, so it reads the slow note's write and both stay;
    without the lock it would read the data before that write and drop it.
    """
    bot = make_sandbox_bot(config=notes_project)
    alice = bot.user("Alice")
    in_group = alice.in_group(bot.group("Friends"))
    app = bot.app_module("user_notes")
    alice.says("note first").expect("noted first")  # opens the bot's store
    (store,) = importlib.import_module("modules.storage.blocks")._stores.values()  # the bot's, as it imported it
    real_lock = store.lock

    async def lock(key, timeout):
        app.release.set()  # the second block asks: let the first one go on
        return await real_lock(key, timeout)

    slow = threading.Thread(target=lambda: alice.says("note slow").expect("noted slow"))
    slow.start()
    assert app.entered.wait(WAIT)
    mocker.patch.object(store, "lock", lock)
    in_group.says("note quick").expect("noted quick")
    slow.join(WAIT)
    assert bot.user_data(alice) == {"notes": ["first", "slow", "quick"]}


def test_the_store_lives_beside_the_bots_inbox_and_closes_when_the_bot_stops(make_sandbox_bot, notes_project):
    bot = make_sandbox_bot(config=notes_project)
    bot.user("Alice").says("note a").expect("noted a")
    stores = importlib.import_module("modules.storage.blocks")._stores
    (store,) = stores.values()
    assert store.path == bot.state_dir / "inbox.sqlite3"  # scaletg_ptb.project() of this kit bot
    bot.stop()
    assert stores == {}  # the on_stop callback ran


def test_project_is_known_only_while_an_update_is_processed():
    with pytest.raises(RuntimeError, match=r"^scaletg_ptb\.project\(\) works only while an app processes an update"):
        scaletg_ptb.project()
