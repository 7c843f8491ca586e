"""Inline mode: a user's inline query, the bot's answerInlineQuery, and the result the user chooses."""

from __future__ import annotations

import copy
from typing import Any

from . import params as P
from .apibase import ApiBase, Json, Params
from .content import inline_markup, text_fields
from .forms import Upload
from .params import bad_request
from .state import World

RESULT_TYPES = frozenset(
    {"article", "photo", "gif", "mpeg4_gif", "video", "audio", "voice", "document", "location", "venue",
     "contact", "game", "sticker"}
)  # fmt: skip
_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"


class InlineMethods(ApiBase):
    """answerInlineQuery."""

    METHODS = ("answerInlineQuery",)

    def _answer_inline_query(self, p: Params, files: dict[str, Upload]) -> bool:
        query_id = P.text(p, "inline_query_id") or ""
        results = P.json_value(p, "results", list)
        if results is None:
            raise bad_request("results is required")
        if len(results) > 50:
            raise bad_request("RESULTS_TOO_MUCH")
        seen: set[str] = set()
        for result in results:
            _check_result(result, seen)
        with self.world.cond:
            query = self.world.inline_queries.get(query_id)
            if query is None or "results" in query:
                raise bad_request(_TOO_OLD)
            query["results"] = copy.deepcopy(results)
            self.world.cond.notify_all()
        self._emit("answer_inline", None, inline_query_id=query_id, query=query["query"], results=results,
                   user_id=query["from"]["id"])
        return True


def _check_result(result: object, seen: set[str]) -> None:
    """Refuse an InlineQueryResult as Telegram does: bad type, id, missing title or content."""
    if not isinstance(result, dict) or result.get("type") not in RESULT_TYPES:
        raise bad_request("can't parse InlineQueryResult: unsupported inline query result type")
    result_id = result.get("id")
    if not isinstance(result_id, str) or not 1 <= len(result_id.encode()) <= 64:
        raise bad_request("RESULT_ID_INVALID")
    if result_id in seen:
        raise bad_request("RESULT_ID_DUPLICATE")
    seen.add(result_id)
    content = result.get("input_message_content")
    if isinstance(content, dict) and "message_text" in content:
        _content(result)  # malformed markup is refused now, as Telegram does, not when chosen
    if result["type"] == "article":
        if not result.get("title"):
            raise bad_request("RESULT_TITLE_EMPTY")
        if not isinstance(result.get("input_message_content"), dict):
            raise bad_request("can't parse InlineQueryResultArticle: input_message_content is required")


def new_query(world: World, user: Json, query: str, chat: Json | None) -> Json:
    """Create an inline query from ``user`` typed in ``chat`` (its type becomes chat_type)."""
    query_id = str(5_000_000_000_000_000 + world.next_number("inline_query"))
    inline: Json = {"id": query_id, "from": user, "query": query, "offset": ""}
    if chat is not None:
        inline["chat_type"] = "sender" if chat["type"] == "private" else chat["type"]
    with world.cond:
        world.inline_queries[query_id] = copy.deepcopy(inline)
    return inline


def answer(world: World, query_id: str, timeout: float) -> list[Json] | None:
    """Wait until the bot answered the inline query; return its results, or None."""
    with world.cond:
        world.cond.wait_for(lambda: "results" in world.inline_queries.get(query_id, {}), timeout)
        found = world.inline_queries.get(query_id, {}).get("results")
        return copy.deepcopy(found) if found is not None else None


def chosen_message(world: World, query_id: str, result_id: str) -> tuple[Json, Json]:
    """Return the fields of the message a chosen result posts, and the chosen_inline_result update."""
    with world.cond:
        query = copy.deepcopy(world.inline_queries.get(query_id))
    if query is None or "results" not in query:
        raise ValueError(f"the bot has not answered inline query {query_id}")
    result = next((r for r in query["results"] if r.get("id") == result_id), None)
    if result is None:
        ids = ", ".join(repr(r.get("id")) for r in query["results"]) or "none"
        raise ValueError(f"no result {result_id!r} in the answer to inline query {query_id}; its results: {ids}")
    fields = _content(result)
    markup = inline_markup({"reply_markup": result.get("reply_markup")})
    chosen: Json = {"result_id": result_id, "from": query["from"], "query": query["query"]}
    if markup is not None:
        fields["reply_markup"] = markup
    fields["via_bot"] = world.bot_sender
    return fields, chosen


def _content(result: Json) -> Json:
    """Return the message fields of an InlineQueryResult: its input_message_content, or its media."""
    content: Any = result.get("input_message_content")
    if isinstance(content, dict) and "message_text" in content:
        return text_fields({"text": content["message_text"], "parse_mode": content.get("parse_mode"),
                            "entities": content.get("entities")},
                           "text", "entities", 4096, "message text is empty", "message is too long")
    if isinstance(content, dict) and "latitude" in content:
        return {"location": {"latitude": content["latitude"], "longitude": content["longitude"]}}
    if result["type"] == "photo":
        return {"photo": [{"file_id": result.get("photo_file_id", result.get("id")),
                           "file_unique_id": f"AQAD{result['id']}"[:32], "width": 320, "height": 240}],
                **({"caption": result["caption"]} if result.get("caption") else {})}
    return {"text": str(result.get("title") or result.get("id"))}
