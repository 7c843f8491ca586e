"""bot.py runs on uvloop where it is installed; SCALETG_EVENT_LOOP picks the loop, or refuses a bad value."""

from __future__ import annotations

import asyncio
import importlib.util

import pytest

from scaletg_ptb import ConfigError
from scaletg_ptb.eventloop import choose_event_loop, event_loop

HAS_UVLOOP = importlib.util.find_spec("uvloop") is not None


def test_uvloop_is_the_default_where_it_is_installed():
    assert choose_event_loop({}) == ("uvloop" if HAS_UVLOOP else "asyncio")


@pytest.mark.parametrize("value", ["asyncio", " ASYNCIO "])
def test_asyncio_s_own_loop_on_request(value):
    assert choose_event_loop({"SCALETG_EVENT_LOOP": value}) == "asyncio"


def test_an_unknown_loop_is_refused_with_the_choices():
    with pytest.raises(ConfigError) as caught:
        choose_event_loop({"SCALETG_EVENT_LOOP": "trio"})
    assert str(caught.value) == ("SCALETG_EVENT_LOOP='trio' is not an event loop this runner knows: set it to "
                                 "uvloop or asyncio, or unset it to use uvloop where it is installed.")


def test_uvloop_asked_for_but_missing_says_how_to_get_it(mocker):
    mocker.patch("scaletg_ptb.eventloop.importlib.util.find_spec", return_value=None)
    with pytest.raises(ConfigError) as caught:
        choose_event_loop({"SCALETG_EVENT_LOOP": "uvloop"})
    assert str(caught.value) == ("SCALETG_EVENT_LOOP=uvloop, but uvloop is not installed: pip install uvloop, "
                                 "or unset SCALETG_EVENT_LOOP to run on asyncio's own loop.")


@pytest.mark.skipif(not HAS_UVLOOP, reason="uvloop is not installed here")
def test_the_block_runs_on_uvloop_and_the_process_gets_asyncio_s_loop_back():
    async def loop_module() -> str:
        return type(asyncio.get_running_loop()).__module__

    with event_loop("uvloop"):
        assert asyncio.run(loop_module()).startswith("uvloop")
    assert asyncio.run(loop_module()).startswith("asyncio")


def test_asyncio_s_loop_leaves_the_policy_alone():
    policy = asyncio.get_event_loop_policy()
    with event_loop("asyncio"):
        assert asyncio.get_event_loop_policy() is policy
