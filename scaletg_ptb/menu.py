"""Register the enabled apps' commands as the bot's command menu (setMyCommands)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from telegram import Bot
from telegram.error import TelegramError

log = logging.getLogger("scaletg_ptb.menu")


async def sync_command_menu(bot: Bot, commands: Mapping[str, str]) -> bool:
    """Make Telegram's command menu match ``commands``; call setMyCommands only if it differs.

    Return whether the menu was changed. A failure is logged, never fatal: the bot works
    without a menu.
    """
    wanted = [{"command": name, "description": text} for name, text in commands.items()]
    try:
        current = await bot.do_api_request("getMyCommands")
        if _normalised(current) == wanted:
            log.debug("Command menu is up to date (%d commands)", len(wanted))
            return False
        if wanted:
            await bot.do_api_request("setMyCommands", api_kwargs={"commands": wanted})
        else:
            await bot.do_api_request("deleteMyCommands")
    except TelegramError as exc:
        log.warning("Could not update the command menu: %s", exc)
        return False
    log.info("Command menu set: %s", " ".join(f"/{name}" for name in commands) or "(empty)")
    return True


def _normalised(current: Any) -> list[dict[str, str]]:
    if not isinstance(current, list):
        return []
    return [{"command": c.get("command"), "description": c.get("description")}
            for c in current if isinstance(c, dict)]
