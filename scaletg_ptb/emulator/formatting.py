"""Parse a parse_mode'd text as Telegram does: HTML here, Markdown in ``markdown``; UTF-16 entities.

Errors carry Telegram's wording ("Unsupported start tag \"x\" at byte offset 3"); the caller
prefixes "can't parse entities: ".
"""

from __future__ import annotations

import re
from typing import Any

from .entities import utf16_len

Json = dict[str, Any]

_SIMPLE_TAGS = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline", "ins": "underline",
    "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough", "tg-spoiler": "spoiler",
    "code": "code", "pre": "pre",
}  # fmt: skip
_TAGS = frozenset({*_SIMPLE_TAGS, "a", "span", "tg-emoji", "blockquote"})
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_NAME_CHARS = re.compile(r"[A-Za-z0-9-]*")
_ENTITY = re.compile(r"&(?:#[xX]([0-9A-Fa-f]+)|#([0-9]+)|([A-Za-z]+));?")
_DOMAIN = re.compile(r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?::\d+)?(?:[/?#].*)?", re.S)


class ParseError(ValueError):
    """Markup Telegram refuses; the message is Telegram's description after "can't parse entities: "."""


class Builder:
    """Collect plain text and entities, with offsets in UTF-16 code units."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0  # in UTF-16 code units
        self.entities: list[Json] = []

    def add(self, text: str) -> None:
        """Append plain text."""
        self.parts.append(text)
        self.length += utf16_len(text)

    def entity(self, kind: str, start: int, **extra: Any) -> None:
        """Record an entity from ``start`` to the current end; empty ones vanish, as on Telegram."""
        if self.length > start:
            self.entities.append({"type": kind, "offset": start, "length": self.length - start, **extra})

    def result(self) -> tuple[str, list[Json]]:
        """Return the text and its entities, sorted by offset then the longer first."""
        ordered = sorted(self.entities, key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.parts), ordered


def byte_offset(text: str, index: int) -> int:
    """Return the UTF-8 byte offset of ``text[index]`` (Telegram's errors count bytes)."""
    return len(text[:index].encode("utf-8", "surrogatepass"))


def normalise_url(url: str) -> str | None:
    """Return the URL Telegram would store for a link, or None when it is not one (no entity)."""
    url = url.strip()
    if re.match(r"(?i)(tg:|mailto:)", url):
        return url
    found = re.match(r"(?i)(https?|ftp)://", url)
    scheme = found.group(0) if found else "http://"
    rest = url[found.end():] if found else url
    if not _DOMAIN.fullmatch(rest):
        return None
    host, path = re.match(r"([^/?#]*)(.*)", rest, re.S).groups()  # type: ignore[union-attr]
    return f"{scheme}{host}{path if path.startswith('/') else '/' + path}"


def decode_entities(text: str) -> str:
    """Replace &lt; &gt; &amp; &quot; and numeric references; other names stay as written."""
    def one(match: re.Match[str]) -> str:
        hex_code, dec_code, name = match.groups()
        if name is not None:
            return _NAMED.get(name, match.group(0))
        code = int(hex_code, 16) if hex_code is not None else int(dec_code)
        if 0xD800 <= code <= 0xDFFF:
            raise ParseError("Text contains invalid Unicode characters after decoding HTML entities, "
                             "check for unmatched surrogate code units")
        return chr(code) if code <= 0x10FFFF else match.group(0)
    return _ENTITY.sub(one, text)


def parse_html(text: str) -> tuple[str, list[Json]]:
    """Return the plain text and entities of Telegram-HTML ``text``; ParseError as Telegram words it."""
    out = Builder()
    stack: list[tuple[str, int, Json]] = []  # tag, offset of its text, attributes
    i, n = 0, len(text)
    while i < n:
        lt = text.find("<", i)
        chunk = text[i:] if lt < 0 else text[i:lt]
        if chunk:
            out.add(decode_entities(chunk))
        if lt < 0:
            break
        if text.startswith("</", lt):
            i = _end_tag(text, lt, stack, out)
        else:
            tag, attributes, i = _start_tag(text, lt)
            stack.append((tag, out.length, attributes))
    if stack:
        raise ParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    for entity in out.entities:
        if entity["type"] == "code":
            entity.pop("language", None)  # only <pre><code class="language-x"> keeps a language
    return out.result()


def _start_tag(text: str, at: int) -> tuple[str, Json, int]:
    """Read ``<tag attr=value ...>`` at ``at``; return the tag, its attributes and the index after it."""
    where = byte_offset(text, at)
    name_end = _NAME_CHARS.match(text, at + 1).end()  # type: ignore[union-attr]
    tag = text[at + 1:name_end].lower()
    if name_end >= len(text):
        raise ParseError(f"Unclosed start tag at byte offset {where}")
    if tag not in _TAGS:
        raise ParseError(f'Unsupported start tag "{tag}" at byte offset {where}')
    attributes: Json = {}
    i = name_end
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            raise ParseError(f'Unclosed start tag "{tag}" at byte offset {where}')
        if text[i] == ">":
            return tag, attributes, i + 1
        name_end = _NAME_CHARS.match(text, i).end()  # type: ignore[union-attr]
        name = text[i:name_end].lower()
        if not name:
            raise ParseError(f'Empty attribute name in the tag "{tag}" at byte offset {where}')
        i = name_end
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            raise ParseError(f'Unclosed start tag "{tag}" at byte offset {where}')
        if text[i] != "=":
            attributes[name] = ""
            continue
        i += 1
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            raise ParseError(f'Unclosed start tag "{tag}" at byte offset {where}')
        if text[i] in "'\"":
            close = text.find(text[i], i + 1)
            if close < 0:
                raise ParseError(f"Unclosed start tag at byte offset {where}")
            attributes[name], i = decode_entities(text[i + 1:close]), close + 1
        else:
            start = i
            while i < len(text) and not text[i].isspace() and text[i] != ">":
                i += 1
            if i >= len(text):
                raise ParseError(f"Unexpected end of name token at byte offset {byte_offset(text, start)}")
            attributes[name] = decode_entities(text[start:i])


def _end_tag(text: str, at: int, stack: list[tuple[str, int, Json]], out: Builder) -> int:
    """Close the innermost tag at ``</...>``; return the index after it."""
    where = byte_offset(text, at)
    if not stack:
        raise ParseError(f"Unexpected end tag at byte offset {where}")
    name_end = _NAME_CHARS.match(text, at + 2).end()  # type: ignore[union-attr]
    name = text[at + 2:name_end].lower()
    close = name_end
    while close < len(text) and text[close].isspace():
        close += 1
    if close >= len(text) or text[close] != ">":
        raise ParseError(f"Unclosed end tag at byte offset {where}")
    tag, start, attributes = stack.pop()
    if name and name != tag:
        raise ParseError(f'Unmatched end tag at byte offset {where}, expected "</{tag}>", found "</{name}>"')
    _close(tag, start, attributes, out)
    return close + 1


def _close(tag: str, start: int, attributes: Json, out: Builder) -> None:
    """Turn a closed tag into its entity."""
    if tag == "a":
        url = normalise_url(attributes.get("href", "")) if attributes.get("href") else None
        if url is not None:
            out.entity("text_link", start, url=url)
    elif tag == "span":
        if attributes.get("class") == "tg-spoiler":
            out.entity("spoiler", start)
    elif tag == "tg-emoji":
        if str(attributes.get("emoji-id", "")).isdigit():
            out.entity("custom_emoji", start, custom_emoji_id=attributes["emoji-id"])
    elif tag == "blockquote":
        out.entity("expandable_blockquote" if "expandable" in attributes else "blockquote", start)
    elif tag == "pre" and out.entities and out.entities[-1]["type"] == "code" \
            and out.entities[-1]["offset"] == start and out.entities[-1]["length"] == out.length - start \
            and "language" in out.entities[-1]:
        code = out.entities.pop()  # <pre><code class="language-x">: one pre entity with a language
        out.entity("pre", start, language=code["language"])
    elif tag == "code" and str(attributes.get("class", "")).startswith("language-") \
            and len(attributes["class"]) > len("language-"):
        out.entity("code", start, language=attributes["class"].removeprefix("language-"))
    else:
        out.entity(_SIMPLE_TAGS[tag], start)
