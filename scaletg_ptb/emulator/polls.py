"""Polls and dice: sendPoll, stopPoll, sendDice, and a user's vote (poll_answer and poll updates)."""

from __future__ import annotations

import copy
import random
from typing import Any

from . import params as P
from .apibase import ApiBase, Json, Params
from .forms import Upload
from .params import bad_request
from .state import World

# emoji -> the highest value Telegram's animation can land on
DICE = {"🎲": 6, "🎯": 6, "🎳": 6, "🏀": 5, "⚽": 5, "🎰": 64}


class PollMethods(ApiBase):
    """sendPoll, stopPoll and sendDice."""

    METHODS = ("sendPoll", "stopPoll", "sendDice")

    def _send_poll(self, p: Params, files: dict[str, Upload]) -> Json:
        chat = self._chat(p)
        question = P.text(p, "question") or ""
        if not question.strip():
            raise bad_request("poll question must be non-empty")
        if len(question) > 300:
            raise bad_request("poll question length must not exceed 300")
        options = [o.get("text") if isinstance(o, dict) else o for o in P.json_value(p, "options", list, [])]
        if not 2 <= len(options) <= 10:
            raise bad_request("poll must have at least 2 option" if len(options) < 2
                              else "poll can't have more than 10 options")
        if not all(isinstance(o, str) and 1 <= len(o) <= 100 for o in options):
            raise bad_request("poll options length must not exceed 100")
        kind = P.text(p, "type") or "regular"
        if kind not in ("regular", "quiz"):
            raise bad_request("wrong poll type specified")
        poll: Json = {
            "id": str(6_000_000_000_000_000_000 + self.world.next_number("poll")), "question": question,
            "options": [{"persistent_id": str(n), "text": text, "voter_count": 0} for n, text in enumerate(options)],
            "total_voter_count": 0, "is_closed": P.flag(p, "is_closed"),
            "is_anonymous": p.get("is_anonymous") is not False, "type": kind,
            "allows_multiple_answers": P.flag(p, "allows_multiple_answers"),
            "allows_revoting": P.flag(p, "allows_revoting"), "members_only": P.flag(p, "members_only"),
        }  # fmt: skip
        if kind == "quiz":
            correct = P.json_value(p, "correct_option_ids", list) or (
                [] if p.get("correct_option_id") is None else [P.integer(p, "correct_option_id")])
            if not correct or not all(isinstance(c, int) and 0 <= c < len(options) for c in correct):
                raise bad_request("wrong correct option id specified" if correct
                                  else "quiz poll must have exactly one correct option")
            poll["correct_option_ids"] = correct  # Bot API 9.6: a list, replacing correct_option_id
        message = self._new_message(p, chat, {"poll": poll})
        with self.world.cond:
            self.world.polls[poll["id"]] = {"chat_id": chat["id"], "message_id": message["message_id"],
                                            "votes": {}}
        return message

    def _stop_poll(self, p: Params, files: dict[str, Upload]) -> Json:
        message = self._bot_message(p, "stop")
        if "poll" not in message:
            raise bad_request("message with poll to stop not found")
        if message["poll"]["is_closed"]:
            raise bad_request("poll has already been closed")
        edited = copy.deepcopy(message)
        edited["poll"]["is_closed"] = True
        self.world.replace_message(edited)
        return edited["poll"]

    def _send_dice(self, p: Params, files: dict[str, Upload]) -> Json:
        chat = self._chat(p)
        emoji = P.text(p, "emoji") or "🎲"
        if emoji not in DICE:
            raise bad_request("DICE_EMOJI_INVALID")
        return self._new_message(p, chat, {"dice": {"emoji": emoji, "value": random.randint(1, DICE[emoji])}})


def vote(world: World, user: Json, message: Json, option_ids: list[int]) -> tuple[Json, Json | None]:
    """Record ``user``'s vote in the poll of ``message``; return the new poll, and the poll_answer if named."""
    with world.cond:
        stored = world.message(message["chat"]["id"], message["message_id"])
        if stored is None or "poll" not in stored:
            raise ValueError(f"message {message['message_id']} has no poll")
        poll: Any = copy.deepcopy(stored["poll"])
        if poll["is_closed"]:
            raise ValueError(f"the poll {poll['question']!r} is closed")
        if not option_ids or not all(0 <= i < len(poll["options"]) for i in option_ids) or (
                len(option_ids) > 1 and not poll["allows_multiple_answers"]):
            raise ValueError(f"the poll {poll['question']!r} has options 1 to {len(poll['options'])}"
                             + ("" if poll["allows_multiple_answers"] else ", and takes one"))
        votes = world.polls[poll["id"]]["votes"]
        if user["id"] in votes:
            raise ValueError(f"{user['first_name']} has already voted in the poll {poll['question']!r}")
        votes[user["id"]] = option_ids
        for index in option_ids:
            poll["options"][index]["voter_count"] += 1
        poll["total_voter_count"] = len(votes)
        world.replace_message({**stored, "poll": poll})
    answer = None if poll["is_anonymous"] else {
        "poll_id": poll["id"], "user": user, "option_ids": option_ids,
        "option_persistent_ids": [poll["options"][i]["persistent_id"] for i in option_ids]}
    return poll, answer
