"""Every result the emulator returns parses as python-telegram-bot's own type for that method, strictly.

The methods are enumerated from the emulator's method table, so a new method fails here until it has
a recipe; a field PTB does not know lands in ``api_kwargs`` and fails too, as does a missing one.
"""

from __future__ import annotations

import inspect
import json
import re
import types
import typing
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import telegram
from telegram import Bot, TelegramObject, Update

from scaletg_ptb.emulator import Emulator
from scaletg_ptb.emulator.methods import BotApi

Env = dict[str, Any]
KEYBOARD = {"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]}


def bot_message(env: Env, **extra: Any) -> dict:
    return env["api"].post("sendMessage", json={"chat_id": env["chat"]["id"], "text": "hi <b>you</b> /start",
                                                "parse_mode": "HTML", **extra}).json()["result"]


def callback_query(env: Env) -> str:
    return env["emu"].press_button(env["user"], bot_message(env, reply_markup=KEYBOARD), "go")["id"]


def poll_message(env: Env) -> dict:
    return env["api"].post("sendPoll", json={"chat_id": env["chat"]["id"], "question": "Q?",
                                             "options": ["a", "b"]}).json()["result"]


# method -> params (JSON body, or (form fields, files) for uploads), built against a fresh chat
RECIPES: dict[str, Callable[[Env], Any]] = {
    "getMe": lambda env: {},
    "logOut": lambda env: {},
    "close": lambda env: {},
    "deleteWebhook": lambda env: {},
    "getWebhookInfo": lambda env: {},
    "getUpdates": lambda env: (env["emu"].user_says(env["user"], env["chat"], "hi #tag https://x.org"),
                               {"timeout": 0})[1],
    "sendMessage": lambda env: {"chat_id": env["chat"]["id"], "text": "*a* _b_ [c](https://x.org)",
                                "parse_mode": "MarkdownV2", "reply_markup": KEYBOARD},
    "editMessageText": lambda env: {"chat_id": env["chat"]["id"], "message_id": bot_message(env)["message_id"],
                                    "text": "edited"},
    "editMessageReplyMarkup": lambda env: {"chat_id": env["chat"]["id"], "reply_markup": KEYBOARD,
                                           "message_id": bot_message(env)["message_id"]},
    "deleteMessage": lambda env: {"chat_id": env["chat"]["id"], "message_id": bot_message(env)["message_id"]},
    "answerCallbackQuery": lambda env: {"callback_query_id": callback_query(env), "text": "ok"},
    "sendChatAction": lambda env: {"chat_id": env["chat"]["id"], "action": "typing"},
    "getChat": lambda env: {"chat_id": env["chat"]["id"]},
    "setMyCommands": lambda env: {"commands": [{"command": "start", "description": "Start"}]},
    "getMyCommands": lambda env: {},
    "deleteMyCommands": lambda env: {},
    "sendPhoto": lambda env: ({"chat_id": str(env["chat"]["id"]), "caption": "<i>cat</i>", "parse_mode": "HTML"},
                              {"photo": ("cat.jpg", b"\xff\xd8jpeg")}),
    "sendDocument": lambda env: ({"chat_id": str(env["chat"]["id"])}, {"document": ("a.pdf", b"%PDF")}),
    "sendMediaGroup": lambda env: ({"chat_id": str(env["chat"]["id"]), "media": json.dumps(
        [{"type": "photo", "media": "attach://a"}, {"type": "video", "media": "attach://b", "caption": "v"}])},
        {"a": ("a.jpg", b"1"), "b": ("b.mp4", b"2")}),
    "getFile": lambda env: {"file_id": env["emu"].user_sends_document(env["user"], env["chat"], "n.txt",
                                                                      b"x")["document"]["file_id"]},
    "answerInlineQuery": lambda env: {
        "inline_query_id": env["emu"].user_inline_query(env["user"], "q", env["chat"])["id"],
        "results": [{"type": "article", "id": "1", "title": "T", "input_message_content": {"message_text": "m"}}]},
    "sendPoll": lambda env: {"chat_id": env["chat"]["id"], "question": "Quiz?", "options": ["a", {"text": "b"}],
                             "type": "quiz", "correct_option_id": 1, "is_anonymous": False},
    "stopPoll": lambda env: {"chat_id": env["chat"]["id"], "message_id": poll_message(env)["message_id"]},
    "sendDice": lambda env: {"chat_id": env["chat"]["id"], "emoji": "🎰"},
}


def strict(value: object, where: str) -> None:
    """Fail if PTB put an unknown field of ``value`` (or of anything inside it) into api_kwargs."""
    if isinstance(value, TelegramObject):
        assert not value.api_kwargs, f"{where}: fields PTB does not know: {dict(value.api_kwargs)}"
        for name in {n for klass in type(value).__mro__ for n in vars(klass).get("__slots__", ())}:
            if not name.startswith("_"):
                strict(getattr(value, name, None), f"{where}.{name}")
    elif isinstance(value, (tuple, list)):
        for i, item in enumerate(value):
            strict(item, f"{where}[{i}]")


def parse(result: object, annotation: Any, bot: Bot) -> object:
    """Turn ``result`` into ``annotation`` (a PTB type, a tuple of them, bool, or a union) with de_json."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        kinds = typing.get_args(annotation)
        fits = [k for k in kinds if (k is bool) == isinstance(result, bool)]
        assert fits, f"{result!r} is none of {kinds}"
        return parse(result, fits[0], bot)
    if origin is tuple:
        assert isinstance(result, list)
        return tuple(parse(item, typing.get_args(annotation)[0], bot) for item in result)
    if annotation in (bool, str, int):
        assert isinstance(result, annotation), f"expected {annotation.__name__}, got {result!r}"
        return result
    assert isinstance(result, dict), f"expected a {annotation.__name__} object, got {result!r}"
    return annotation.de_json(result, bot)


def ptb_return_type(method: str) -> Any:
    annotation = inspect.signature(getattr(Bot, re.sub(r"([A-Z])", r"_\1", method).lower())).return_annotation
    return eval(annotation, vars(telegram)) if isinstance(annotation, str) else annotation  # noqa: S307


def test_every_emulated_method_has_a_recipe() -> None:
    assert sorted(BotApi.methods()) == sorted(RECIPES)


@pytest.mark.parametrize("method", BotApi.methods())
def test_results_parse_strictly_as_ptbs_return_type(method: str, emu: Emulator, api: httpx.Client,
                                                    user: dict, chat: dict) -> None:
    recipe = RECIPES.get(method)
    assert recipe is not None, f"{method} has no recipe in RECIPES: add one"
    params = recipe({"emu": emu, "api": api, "user": user, "chat": chat})
    if isinstance(params, tuple):
        answer = api.post(method, data=params[0], files=params[1]).json()
    else:
        answer = api.post(method, json=params).json()
    assert answer["ok"], answer
    bot = Bot(emu.token)
    strict(parse(answer["result"], ptb_return_type(method), bot), method)


def test_updates_the_users_make_parse_strictly(emu: Emulator, api: httpx.Client, user: dict, chat: dict) -> None:
    group = emu.create_group("G")
    bot_message({"api": api, "chat": chat}, reply_markup={"keyboard": [[{"text": "Me", "request_contact": True}]]})
    emu.press_reply_button(user, chat, "Me")
    emu.user_sends_photo(user, chat, "a caption #tag", data=b"x")
    query = emu.user_inline_query(user, "q", chat)
    api.post("answerInlineQuery", json={"inline_query_id": query["id"], "results": [
        {"type": "article", "id": "1", "title": "T", "input_message_content": {"message_text": "m"}}]})
    emu.user_chooses_inline_result(user, chat, query["id"], "1")
    emu.user_votes(user, poll_message({"api": api, "chat": chat}), [0])
    emu.user_joins(emu.create_user("Bob"), group)
    emu.bot_added(user, group, removed=True)
    callback_query({"emu": emu, "api": api, "user": user, "chat": chat})
    updates = api.post("getUpdates", json={"allowed_updates": list(Update.ALL_TYPES)}).json()["result"]
    kinds = {next(k for k in u if k != "update_id") for u in updates}
    assert kinds >= {"message", "inline_query", "chosen_inline_result", "poll", "chat_member",
                     "my_chat_member", "callback_query"}
    bot = Bot(emu.token)
    for raw in updates:
        strict(Update.de_json(raw, bot), f"update {raw['update_id']}")


NOT_MODIFIED = ("Bad Request: message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message")


def test_telegrams_error_descriptions_for_the_common_faults(api: httpx.Client, chat: dict) -> None:
    sent = bot_message({"api": api, "chat": chat})
    cases = [
        ("sendMessage", {"chat_id": 42, "text": "x"}, "Bad Request: chat not found"),
        ("editMessageText", {"chat_id": chat["id"], "message_id": 999, "text": "x"},
         "Bad Request: message to edit not found"),
        ("editMessageText", {"chat_id": chat["id"], "message_id": sent["message_id"], "text": sent["text"],
                             "entities": sent["entities"]}, NOT_MODIFIED),
        ("sendMessage", {"chat_id": chat["id"], "text": "x" * 4097}, "Bad Request: message is too long"),
        ("sendPhoto", {"chat_id": chat["id"], "photo": "https://x.org/a.jpg", "caption": "x" * 1025},
         "Bad Request: message caption is too long"),
        ("sendMessage", {"chat_id": chat["id"], "text": "1.0", "parse_mode": "MarkdownV2"},
         "Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'"),
    ]
    for method, params, description in cases:
        assert api.post(method, json=params).json() == {"ok": False, "error_code": 400,
                                                        "description": description}, method


def test_the_check_itself_catches_an_unknown_nested_field_and_a_missing_one(emu: Emulator, api: httpx.Client,
                                                                            chat: dict) -> None:
    sent = bot_message({"api": api, "chat": chat})
    coloured = {**sent, "chat": {**sent["chat"], "colour": "red"}}  # a field Telegram never sends
    with pytest.raises(AssertionError, match=r"sendMessage.chat: fields PTB does not know: \{'colour': 'red'\}"):
        strict(parse(coloured, ptb_return_type("sendMessage"), Bot(emu.token)), "sendMessage")
    del sent["chat"]["type"]
    with pytest.raises(TypeError):
        parse(sent, ptb_return_type("sendMessage"), Bot(emu.token))
