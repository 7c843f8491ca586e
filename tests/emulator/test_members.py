"""Joining and leaving groups, the bot added and removed; polls, votes and dice."""

from __future__ import annotations

import httpx
import pytest

from scaletg_ptb.emulator import Emulator


def kinds(api: httpx.Client) -> list[tuple[str, dict]]:
    updates = api.post("getUpdates", json={"allowed_updates": ["message", "chat_member", "my_chat_member",
                                                                "poll", "poll_answer"]}).json()["result"]
    if updates:
        api.post("getUpdates", json={"offset": updates[-1]["update_id"] + 1})
    return [next((k, v) for k, v in u.items() if k != "update_id") for u in updates]


def test_join_and_leave_make_service_messages_and_chat_member_updates(emu: Emulator, api: httpx.Client,
                                                                      user: dict) -> None:
    group = emu.create_group("Friends")
    bob = emu.create_user("Bob", username="bob")
    emu.user_joins(bob, group)
    (_, message), (_, member) = kinds(api)
    assert message["new_chat_members"] == [bob]
    assert (member["old_chat_member"]["status"], member["new_chat_member"]["status"]) == ("left", "member")
    with pytest.raises(ValueError, match="Bob is already in the group 'Friends'"):
        emu.user_joins(bob, group)
    emu.user_joins(bob, group, leaves=True)
    (_, message), (kind, member) = kinds(api)
    assert (message["left_chat_member"], kind, member["new_chat_member"]["status"]) == (bob, "chat_member", "left")


def test_the_bot_removed_hears_nothing_more_until_added_again(emu: Emulator, api: httpx.Client,
                                                              user: dict) -> None:
    group = emu.create_group("Friends")
    emu.bot_added(user, group, removed=True)
    [(kind, member)] = kinds(api)
    assert (kind, member["new_chat_member"]["status"], member["from"]["id"]) == ("my_chat_member", "left", user["id"])
    emu.user_says(user, group, "unheard")
    assert kinds(api) == []
    emu.bot_added(user, group)
    (_, message), (kind, member) = kinds(api)
    assert (message["new_chat_members"][0]["username"], kind) == ("ScaleTGBot", "my_chat_member")
    emu.user_says(user, group, "heard")
    assert kinds(api)[0][1]["text"] == "heard"


def test_polls_votes_and_dice(emu: Emulator, api: httpx.Client, user: dict, chat: dict) -> None:
    sent = api.post("sendPoll", json={"chat_id": chat["id"], "question": "Tea?", "options": ["Yes", "No"],
                                      "is_anonymous": False}).json()["result"]
    answer = emu.user_votes(user, sent, [1])
    assert answer == {"poll_id": sent["poll"]["id"], "user": user, "option_ids": [1], "option_persistent_ids": ["1"]}
    (_, poll), (_, poll_answer) = kinds(api)
    assert [o["voter_count"] for o in poll["options"]] == [0, 1] and poll_answer == answer
    with pytest.raises(ValueError, match="Alice has already voted in the poll 'Tea\\?'"):
        emu.user_votes(user, sent, [0])
    stopped = api.post("stopPoll", json={"chat_id": chat["id"], "message_id": sent["message_id"]}).json()
    assert stopped["result"]["is_closed"] is True
    dice = api.post("sendDice", json={"chat_id": chat["id"], "emoji": "🎯"}).json()["result"]["dice"]
    assert dice["emoji"] == "🎯" and 1 <= dice["value"] <= 6
    assert api.post("sendPoll", json={"chat_id": chat["id"], "question": "Q", "options": ["one"]}).json()[
        "description"] == "Bad Request: poll must have at least 2 option"
