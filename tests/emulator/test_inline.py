"""Inline mode: an inline query, answerInlineQuery, and the chosen result posted "via @bot"."""

from __future__ import annotations

import httpx

from scaletg_ptb.emulator import Emulator

ARTICLE = {"type": "article", "id": "facts", "title": "Cat facts", "description": "Cats sleep a lot",
           "input_message_content": {"message_text": "<b>Cats</b> sleep 16 hours", "parse_mode": "HTML"}}


def answer(api: httpx.Client, query_id: str, results: list) -> dict:
    return api.post("answerInlineQuery", json={"inline_query_id": query_id, "results": results}).json()


def test_a_query_its_answer_and_the_chosen_result(emu: Emulator, api: httpx.Client, user: dict,
                                                  chat: dict) -> None:
    query = emu.user_inline_query(user, "cats", chat)
    assert (query["query"], query["from"]["id"], query["chat_type"]) == ("cats", user["id"], "sender")
    updates = api.post("getUpdates").json()["result"]
    assert updates[-1]["inline_query"]["id"] == query["id"]
    assert answer(api, query["id"], [ARTICLE]) == {"ok": True, "result": True}
    assert emu.inline_answer(query["id"]) == [ARTICLE]
    message, chosen = emu.user_chooses_inline_result(user, chat, query["id"], "facts")
    assert message["text"] == "Cats sleep 16 hours"
    assert message["entities"] == [{"type": "bold", "offset": 0, "length": 4}]
    assert message["via_bot"]["username"] == "ScaleTGBot"
    assert message["from"]["id"] == user["id"]
    assert chosen == {"result_id": "facts", "from": query["from"], "query": "cats"}
    kinds = [next(k for k in u if k != "update_id") for u in api.post("getUpdates").json()["result"]]
    assert kinds[-2:] == ["message", "chosen_inline_result"]


def test_answers_are_checked_as_telegram_does(emu: Emulator, api: httpx.Client, user: dict) -> None:
    query = emu.user_inline_query(user, "x", None)
    assert answer(api, query["id"], [ARTICLE, ARTICLE])["description"] == "Bad Request: RESULT_ID_DUPLICATE"
    assert answer(api, query["id"], [{**ARTICLE, "title": ""}])["description"] == "Bad Request: RESULT_TITLE_EMPTY"
    broken = {**ARTICLE, "input_message_content": {"message_text": "<b>x", "parse_mode": "HTML"}}
    assert answer(api, query["id"], [broken])["description"] == (
        "Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"b\"")
    assert answer(api, query["id"], [ARTICLE])["ok"]
    too_old = "Bad Request: query is too old and response timeout expired or query ID is invalid"
    assert answer(api, query["id"], [ARTICLE])["description"] == too_old  # answered once only
    assert answer(api, "nope", [])["description"] == too_old
    assert emu.inline_answer("nope", timeout=0.01) is None
