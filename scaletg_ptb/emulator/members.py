"""Joining and leaving groups: the service message and the chat_member / my_chat_member updates."""

from __future__ import annotations

import time
from typing import Any

from .state import World

Json = dict[str, Any]


def _member(user: Json, status: str) -> Json:
    return {"status": status, "user": user}


def change(world: World, actor: Json, chat: Json, member: Json, joins: bool) -> tuple[Json | None, list[Json]]:
    """Have ``member`` (a user, or the bot) join or leave ``chat``, by ``actor``.

    Return the service message's fields (None when nobody in the chat would see it for the bot)
    and the updates to queue after it (chat_member, or my_chat_member when the member is the bot).
    """
    if chat["type"] == "private":
        raise ValueError("only groups have members to join or leave: switch to a group first")
    is_bot = member["id"] == world.bot_user["id"]
    with world.cond:
        statuses = world.membership.setdefault(chat["id"], {})
        # a user who never joined nor left is simply there (every sandbox user shares a group), and may
        # still "join" it; the bot starts in every group
        status = statuses.get(member["id"], "member" if is_bot else None)
        if joins and status == "member":
            raise ValueError(f"{member['first_name']} is already in the group {chat.get('title')!r}")
        if not joins and status == "left":
            raise ValueError(f"{member['first_name']} is not in the group {chat.get('title')!r}")
        statuses[member["id"]] = "member" if joins else "left"
    old, new = ("left", "member") if joins else ("member", "left")
    shown = world.bot_sender if is_bot else member
    change_update = {"chat": chat, "from": actor, "date": int(time.time()),
                     "old_chat_member": _member(shown, old), "new_chat_member": _member(shown, new)}
    kind = "my_chat_member" if is_bot else "chat_member"
    if is_bot and not joins:
        return None, [{kind: change_update}]  # a removed bot sees no more messages of the group
    fields = {"new_chat_members": [shown]} if joins else {"left_chat_member": shown}
    return fields, [{kind: change_update}]


def bot_is_in(world: World, chat_id: int) -> bool:
    """Tell whether the bot is a member of the chat (it starts in every group)."""
    with world.cond:
        return world.membership.get(chat_id, {}).get(world.bot_user["id"]) != "left"
