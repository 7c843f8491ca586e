"""A poller and workers on a real Redis, as real bot.py processes: order, nothing lost, deaths survived."""

from __future__ import annotations

import signal

from .conftest import make_project
from .test_kill import KILLED, burst, repeated, replied, texts, wait_until

WORKERS = 3


def project(tmp_path, redis_url, *, lease: float = 6.5):
    """A project on the shared inbox, with a short lease so that takeovers happen within a test.

    Two threads per worker: a worker holds only the chats it can run at once, so a burst over ten
    chats spreads over every worker instead of going whole to the first one to ask.
    """
    return make_project(tmp_path, ["slow_echo"],
                        f"inbox: {redis_url}\nprocessing: {{lease: {lease}, workers: 2}}\n")


def kill_a_busy_worker(workers, app: str):
    """SIGKILL the first worker seen answering (mid-burst), once the others work too; return it."""
    wait_until(lambda: sum(f"answered by '{app}'" in worker.output for worker in workers) >= 2, 30,
               "two workers to answer")
    busy = next(worker for worker in workers if f"answered by '{app}'" in worker.output)
    busy.signal(signal.SIGKILL)
    assert busy.wait() == KILLED
    return busy


def all_answered(emu, chats, sent) -> dict[int, list[str]]:
    """Wait until every chat has at least its messages answered; return each chat's answers."""
    def every_last_one_answered() -> bool:  # a repeat elsewhere must not make the count look complete
        return all(sent[chat["id"]][-1] in texts(emu, chat["id"]) for chat in chats)

    wait_until(every_last_one_answered, 60, "an answer to every chat's last message")
    emu.wait_until_confirmed(timeout=20)
    return {chat["id"]: texts(emu, chat["id"]) for chat in chats}


def test_a_poller_and_three_workers_serve_a_burst_in_order(tmp_path, emu, start_bot, redis_url):
    config = project(tmp_path, redis_url)
    workers = [start_bot(config, emu.base_url, "work") for _ in range(WORKERS)]
    poller = start_bot(config, emu.base_url, "poll")
    chats, sent = burst(emu)
    answers = all_answered(emu, chats, sent)
    for chat in chats:
        assert answers[chat["id"]] == sent[chat["id"]]  # nothing lost, nothing repeated, in order
    for bot in [poller, *workers]:
        bot.signal(signal.SIGTERM)
    assert [bot.wait() for bot in [poller, *workers]] == [0] * (WORKERS + 1)
    assert sum("answered by 'slow_echo'" in bot.output for bot in workers) >= 2  # the work was shared


def test_a_killed_worker_s_chats_go_to_the_others(tmp_path, emu, start_bot, redis_url):
    config = project(tmp_path, redis_url)
    workers = [start_bot(config, emu.base_url, "work") for _ in range(WORKERS)]
    poller = start_bot(config, emu.base_url, "poll")
    chats, sent = burst(emu)
    killed = kill_a_busy_worker(workers, "slow_echo")
    answers = all_answered(emu, chats, sent)
    repeats = [repeat for chat in chats for repeat in repeated(answers[chat["id"]], sent[chat["id"]])]
    # Only what the killed worker had in progress runs again: at most one update per chat it held.
    assert len(repeats) <= len(chats)
    for bot in [poller, *(worker for worker in workers if worker is not killed)]:
        bot.signal(signal.SIGTERM)
        assert bot.wait() == 0


def test_a_standby_poller_takes_over_when_the_active_one_is_killed(tmp_path, emu, start_bot, redis_url):
    config = project(tmp_path, redis_url)
    worker = start_bot(config, emu.base_url, "work")
    active = start_bot(config, emu.base_url, "poll")
    emu.wait_for_long_poll(timeout=20)
    standby = start_bot(config, emu.base_url, "poll")
    standby.wait_for_output("this process stands by")
    chats, sent = burst(emu)
    wait_until(lambda: replied(emu, chats) >= 50, 30, "50 replies")
    active.signal(signal.SIGKILL)
    assert active.wait() == KILLED
    for chat in chats:  # written after the kill: only the standby can fetch these
        user = {"id": chat["id"], "is_bot": False, "first_name": chat["first_name"]}  # a private chat's user
        emu.user_says(user, chat, f"{chat['id']}-after")
        sent[chat["id"]].append(f"{chat['id']}-after")
    answers = all_answered(emu, chats, sent)
    for chat in chats:
        assert answers[chat["id"]] == sent[chat["id"]]  # nothing lost, nothing repeated
    assert "Fetched updates [" in standby.output  # it did take over
    conflicts = [call for call in emu.calls if call.method == "getUpdates" and call.status == 409]
    assert conflicts == []  # never two getUpdates at once
    for bot in (standby, worker):
        bot.signal(signal.SIGTERM)
        assert bot.wait() == 0


def test_a_redis_restart_mid_burst_loses_nothing(tmp_path, emu, start_bot, redis_url, redis_server):
    config = project(tmp_path, redis_url)
    workers = [start_bot(config, emu.base_url, "work") for _ in range(2)]
    poller = start_bot(config, emu.base_url, "poll")
    chats, sent = burst(emu)
    wait_until(lambda: replied(emu, chats) >= 60, 30, "60 replies")
    redis_server.restart()  # append-only persistence: what was stored survives
    answers = all_answered(emu, chats, sent)
    for chat in chats:
        repeated(answers[chat["id"]], sent[chat["id"]])  # every message answered, in order
    for bot in [poller, *workers]:
        bot.signal(signal.SIGTERM)
        assert bot.wait() == 0


def test_chat_data_stays_consistent_across_three_workers_when_one_is_killed(tmp_path, emu, start_bot, redis_url):
    config = make_project(tmp_path, ["sequence_keeper"],
                          f"inbox: {redis_url}\nprocessing: {{lease: 6.5, workers: 2}}\n")
    users = [emu.create_user(f"User{i}") for i in range(5)]
    chats = [emu.private_chat(user) for user in users]
    for n in range(1, 41):
        for user, chat in zip(users, chats, strict=True):
            emu.user_says(user, chat, str(n))
    workers = [start_bot(config, emu.base_url, "work") for _ in range(WORKERS)]
    poller = start_bot(config, emu.base_url, "poll")
    killed = kill_a_busy_worker(workers, "sequence_keeper")
    wait_until(lambda: all(any(m["text"].endswith(" 40") for m in emu.bot_messages(chat["id"])) for chat in chats),
               60, "every chat's 40th number")
    emu.wait_until_confirmed(timeout=20)
    for chat in chats:
        answers = [m["text"] for m in emu.bot_messages(chat["id"])]
        assert not [a for a in answers if a.startswith("gap")], answers  # the shared store never skipped a number
        numbers = [int(a.split()[-1]) for a in answers]
        assert numbers == sorted(numbers) and set(numbers) == set(range(1, 41)), answers
        assert len(answers) - 40 <= 1, answers  # at most the killed worker's update in progress, once
    for bot in [poller, *(worker for worker in workers if worker is not killed)]:
        bot.signal(signal.SIGTERM)
        assert bot.wait() == 0


def test_a_slow_but_alive_worker_keeps_its_chat_and_slows_only_that_chat(tmp_path, emu, start_bot, redis_url):
    config = make_project(tmp_path, ["sleepy", "echo"], f"inbox: {redis_url}\nprocessing: {{lease: 6.5}}\n")
    workers = [start_bot(config, emu.base_url, "work") for _ in range(2)]
    poller = start_bot(config, emu.base_url, "poll")
    slow_user, quick_user = emu.create_user("Slow"), emu.create_user("Quick")
    slow, quick = emu.private_chat(slow_user), emu.private_chat(quick_user)
    emu.user_says(slow_user, slow, "sleep 9")  # longer than the lease: only heartbeats keep the chat
    emu.user_says(slow_user, slow, "after the nap")
    for n in range(5):
        emu.user_says(quick_user, quick, f"quick {n}")
    quick_answers = emu.wait_for_bot_messages(quick["id"], 5, timeout=5)  # while the slow chat still sleeps
    assert [m["text"] for m in quick_answers] == [f"quick {n}" for n in range(5)]
    assert texts(emu, slow["id"]) == []
    wait_until(lambda: len(texts(emu, slow["id"])) >= 2, 20, "the slow chat's two answers")
    assert texts(emu, slow["id"]) == ["slept 9", "after the nap"]  # not taken over, so never run twice
    for bot in [poller, *workers]:
        bot.signal(signal.SIGTERM)
        assert bot.wait() == 0


def test_nothing_of_a_served_burst_stays_in_redis(tmp_path, emu, start_bot, redis_url):
    import redis

    config = project(tmp_path, redis_url)
    workers = [start_bot(config, emu.base_url, "work") for _ in range(2)]
    poller = start_bot(config, emu.base_url, "poll")
    chats, sent = burst(emu)
    all_answered(emu, chats, sent)
    for bot in [poller, *workers]:
        bot.signal(signal.SIGTERM)
        assert bot.wait() == 0
    keys = sorted(key.decode() for key in redis.Redis.from_url(redis_url).keys("*"))
    texts_kept = [key for key in keys if any(str(chat["id"]) in key for chat in chats)]
    assert texts_kept == [] and len(keys) <= 4, keys  # no key per update or per chat ever seen
