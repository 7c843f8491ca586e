"""setMyCommands, getMyCommands and deleteMyCommands: the bot's command menu, per scope and language."""

from __future__ import annotations

import json
import re

from . import params as P
from .apibase import ApiBase, Json, Params
from .forms import Upload
from .params import bad_request

_COMMAND = re.compile(r"[a-z0-9_]{1,32}")


class CommandMethods(ApiBase):
    """The command menu methods."""

    METHODS = ("setMyCommands", "getMyCommands", "deleteMyCommands")

    def _set_my_commands(self, p: Params, files: dict[str, Upload]) -> bool:
        commands = P.json_value(p, "commands", list)
        if commands is None:
            raise bad_request("commands is required")
        if len(commands) > 100:
            raise bad_request("too many commands")
        clean = []
        for item in commands:
            if not isinstance(item, dict) or not _COMMAND.fullmatch(str(item.get("command", ""))):
                raise bad_request("BOT_COMMAND_INVALID")
            description = item.get("description")
            if not isinstance(description, str) or not 1 <= len(description) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
            clean.append({"command": item["command"], "description": description})
        with self.world.cond:
            self.world.commands[_scope_key(p)] = clean
        return True

    def _get_my_commands(self, p: Params, files: dict[str, Upload]) -> list[Json]:
        with self.world.cond:
            return list(self.world.commands.get(_scope_key(p), []))

    def _delete_my_commands(self, p: Params, files: dict[str, Upload]) -> bool:
        with self.world.cond:
            self.world.commands.pop(_scope_key(p), None)
        return True


def _scope_key(p: Params) -> tuple[str, str]:
    """Key commands by scope and language; an absent scope is the default scope."""
    scope = P.json_value(p, "scope", dict) or {"type": "default"}
    key = "default" if scope == {"type": "default"} else json.dumps(scope, sort_keys=True)
    return key, P.text(p, "language_code") or ""
