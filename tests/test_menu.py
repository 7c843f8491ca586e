"""The command menu is registered with setMyCommands at start-up, only when it changed."""

import asyncio
import warnings

import pytest
from telegram.ext import ExtBot

from scaletg_ptb.emulator import Emulator
from scaletg_ptb.menu import sync_command_menu
from scaletg_ptb.ptbcompat import quiet_ptb_warnings


@pytest.fixture
def emu():
    with Emulator() as emulator:
        yield emulator


def sync(emu, commands):
    async def main():
        async with ExtBot(emu.token, base_url=emu.base_url) as bot:
            return await sync_command_menu(bot, commands)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.simplefilter("default", ResourceWarning)  # what the garbage collector finds is not this call's
        quiet_ptb_warnings()  # as build_application does: the menu's calls must not warn
        return asyncio.run(main())


def test_a_started_bot_registers_the_commands_of_its_enabled_apps(make_sandbox_bot):
    bot = make_sandbox_bot()
    assert bot.emulator.commands == [{"command": "start", "description": "Greet the user"},
                                     {"command": "help", "description": "List the commands"}]


def test_the_menu_is_set_only_when_it_changed(emu):
    assert sync(emu, {"start": "Greet"}) is True
    assert sync(emu, {"start": "Greet"}) is False
    assert [c.method for c in emu.calls].count("setMyCommands") == 1
    assert sync(emu, {"start": "Greet", "go": "Go"}) is True
    assert emu.commands == [{"command": "start", "description": "Greet"}, {"command": "go", "description": "Go"}]


def test_no_commands_clears_the_menu(emu):
    sync(emu, {"start": "Greet"})
    assert sync(emu, {}) is True
    assert emu.commands == []


def test_a_failure_is_logged_not_fatal(emu, caplog):
    emu.inject_fault("getMyCommands", status=500)
    assert sync(emu, {"start": "Greet"}) is False
    assert "Could not update the command menu" in caplog.text
