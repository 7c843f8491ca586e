"""Detect the entities Telegram marks in plain text: commands, URLs, mentions, hashtags, …

Offsets and lengths are in UTF-16 code units, as in the Bot API.
"""

from __future__ import annotations

import re

_TLDS = "com|org|net|io|me|ru|dev|app|info|biz|co|uk|de|fr|edu|gov|tech|ai"
_PATTERN = re.compile(
    r"(?P<email>(?<![\w.@])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})"
    r"|(?P<url>(?<![\w@/.])(?:(?:https?|ftp|tg)://[^\s<>\"]+"
    rf"|(?:www\.)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:{_TLDS})\b(?:/[^\s<>\"]*)?))"
    r"|(?P<bot_command>(?<![\w/@#$])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/]))"
    r"|(?P<mention>(?<![\w@])@[A-Za-z][A-Za-z0-9_]{3,31}(?!\w))"
    r"|(?P<hashtag>(?<![\w#&])#\w*[^\W\d]\w*)"
    r"|(?P<cashtag>(?<![\w$])\$[A-Z]{3,8}(?![\w]))"
)
# Telegram does not count trailing punctuation as part of a link
_URL_TAIL = ".,;:!?'\")]}"


def utf16_len(text: str) -> int:
    """Return the length of ``text`` in UTF-16 code units."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def detect(text: str) -> list[dict[str, object]]:
    """Return the Bot API MessageEntity dicts Telegram would compute for ``text``."""
    entities: list[dict[str, object]] = []
    ascii_only = text.isascii()
    for match in _PATTERN.finditer(text):
        kind = match.lastgroup
        assert kind is not None
        start, end = match.span()
        if kind == "url":
            while end > start and text[end - 1] in _URL_TAIL:
                end -= 1
        if ascii_only:
            offset, length = start, end - start
        else:
            offset, length = utf16_len(text[:start]), utf16_len(text[start:end])
        entities.append({"offset": offset, "length": length, "type": kind})
    return entities
