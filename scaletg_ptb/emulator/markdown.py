"""Parse MarkdownV2 and legacy Markdown as Telegram does, into plain text and UTF-16 entities."""

from __future__ import annotations

from typing import Any

from .formatting import Builder, ParseError, byte_offset, normalise_url

Json = dict[str, Any]

_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_MARKS = {"*": "bold", "_": "italic", "__": "underline", "~": "strikethrough", "||": "spoiler"}
_NAMES = {"bold": "Bold", "italic": "Italic", "underline": "Underline", "strikethrough": "Strikethrough",
          "spoiler": "Spoiler", "text_link": "TextUrl", "custom_emoji": "CustomEmoji", "blockquote": "BlockQuote"}


class _Open:
    __slots__ = ("kind", "start", "at")

    def __init__(self, kind: str, start: int, at: int) -> None:
        self.kind, self.start, self.at = kind, start, at  # at: byte offset of the mark, for errors


def _unclosed(entity: _Open) -> ParseError:
    return ParseError(f"Can't find end of {_NAMES[entity.kind]} entity at byte offset {entity.at}")


def _raw_until(text: str, i: int, end: str, escapes: str) -> tuple[str, int] | None:
    """Read to the unescaped ``end`` from ``i`` (``\\`` escapes ``escapes``); return (text, index after)."""
    chars: list[str] = []
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text) and text[i + 1] in escapes:
            chars.append(text[i + 1])
            i += 2
        elif text.startswith(end, i):
            return "".join(chars), i + len(end)
        else:
            chars.append(text[i])
            i += 1
    return None


def _line_start(text: str, i: int) -> bool:
    return i == 0 or text[i - 1] in "\n\r"


def parse_markdown_v2(text: str) -> tuple[str, list[Json]]:
    """Return the plain text and entities of MarkdownV2 ``text``; ParseError as Telegram words it."""
    out, stack, i = Builder(), [], 0
    quote: _Open | None = None
    while i < len(text):
        c = text[i]
        if quote is None and _line_start(text, i) and (c == ">" or text.startswith("**>", i)):
            quote = _Open("blockquote", out.length, byte_offset(text, i))
            stack.append(quote)
            i += 1 if c == ">" else 3
            continue
        if quote is not None and c in "\n\r":
            nxt = i + (2 if text.startswith(("\r\n", "\n\r"), i) else 1)
            out.add(text[i:nxt])
            if nxt < len(text) and text[nxt] == ">":
                i = nxt + 1  # the quote goes on: drop the next line's '>'
                continue
            quote = _end_quote(stack, quote, out)
            i = nxt
            continue
        if c == "\\":
            if i + 1 < len(text) and 0 < ord(text[i + 1]) < 127:
                out.add(text[i + 1])
                i += 2
            else:
                out.add(c)
                i += 1
        elif c == "`":
            i = _code(text, i, out)
        elif text.startswith("||", i) and quote is not None and stack[-1] is quote \
                and (i + 2 == len(text) or text[i + 2] in "\n\r"):
            quote.kind = "expandable_blockquote"
            i += 2
        elif c in "*_~|":
            mark = text[i:i + 2] if text.startswith(("__", "||"), i) else c
            if mark == "|":
                raise ParseError("Character '|' is reserved and must be escaped with the preceding '\\'")
            kind = _MARKS[mark]
            if stack and stack[-1].kind == kind:
                opened = stack.pop()
                out.entity(kind, opened.start)
            else:
                stack.append(_Open(kind, out.length, byte_offset(text, i)))
            i += len(mark)
        elif c == "[" or text.startswith("![", i):
            kind = "custom_emoji" if c == "!" else "text_link"
            stack.append(_Open(kind, out.length, byte_offset(text, i)))
            i += 2 if c == "!" else 1
        elif c == "]" and stack and stack[-1].kind in ("text_link", "custom_emoji"):
            i = _link_end(text, i + 1, stack.pop(), out)
        elif c in _RESERVED:
            raise ParseError(f"Character '{c}' is reserved and must be escaped with the preceding '\\'")
        else:
            out.add(c)
            i += 1
    if quote is not None:
        _end_quote(stack, quote, out)
    if stack:
        raise _unclosed(stack[-1])
    return out.result()


def _end_quote(stack: list[_Open], quote: _Open, out: Builder) -> None:
    if stack[-1] is not quote:
        raise _unclosed(stack[-1])
    stack.pop()
    out.entity(quote.kind, quote.start)


def _code(text: str, i: int, out: Builder) -> int:
    """Read `code` or ```pre``` at ``i``; return the index after it."""
    at = byte_offset(text, i)
    if not text.startswith("```", i):
        found = _raw_until(text, i + 1, "`", "`\\")
        if found is None:
            raise ParseError(f"Can't find end of Code entity at byte offset {at}")
        start = out.length
        out.add(found[0])
        out.entity("code", start)
        return found[1]
    found = _raw_until(text, i + 3, "```", "`\\")
    body = text[i + 3:]
    first = next((k for k, ch in enumerate(body) if ch in " \n\r" or body.startswith("```", k)), len(body))
    has_language = first > 0 and first < len(body) and body[first] in " \n\r"
    if found is None:
        raise ParseError(f"Can't find end of {'PreCode' if has_language else 'Pre'} entity at byte offset {at}")
    content, after = found
    language = None
    if has_language:
        language, content = content[:first], content[first:]
        for newline in ("\r\n", "\n\r", "\n", "\r"):
            if content.startswith(newline):
                content = content[len(newline):]
                break
    start = out.length
    out.add(content)
    out.entity("pre", start, **({"language": language} if language else {}))
    return after


def _link_end(text: str, i: int, opened: _Open, out: Builder) -> int:
    """Finish [text](url) or ![emoji](tg://emoji?id=N) after its ']'; return the index after it."""
    url, after = "", i
    if i < len(text) and text[i] == "(":
        found = _raw_until(text, i + 1, ")", ")\\")
        if found is None:
            what = "a custom emoji URL" if opened.kind == "custom_emoji" else "a URL"
            raise ParseError(f"Can't find end of {what} at byte offset {byte_offset(text, i + 1)}")
        url, after = found
    if opened.kind == "custom_emoji":
        emoji_id = url.partition("id=")[2].split("&")[0]
        if not url.lower().startswith("tg://emoji") or not emoji_id.isdigit():
            raise ParseError("Custom emoji entity must contain a tg://emoji URL")
        out.entity("custom_emoji", opened.start, custom_emoji_id=emoji_id)
        return after
    if not url:  # [text] alone links to the text itself, when that is a URL
        url = _text_since(out, opened.start)
    normal = normalise_url(url)
    if normal is not None:
        out.entity("text_link", opened.start, url=normal)
    return after


def _text_since(out: Builder, start: int) -> str:
    """Return the plain text added since UTF-16 offset ``start``."""
    whole = "".join(out.parts)
    encoded = whole.encode("utf-16-le")
    return encoded[start * 2:].decode("utf-16-le")


def parse_markdown(text: str) -> tuple[str, list[Json]]:
    """Return the plain text and entities of legacy Markdown ``text`` (no nesting)."""
    out, i = Builder(), 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text) and text[i + 1] in "_*`[":
            out.add(text[i + 1])
            i += 2
            continue
        if c not in "_*`[":
            out.add(c)
            i += 1
            continue
        at, start = byte_offset(text, i), out.length
        fence = "```" if text.startswith("```", i) else "]" if c == "[" else c
        end = text.find(fence, i + len(fence) if fence == "```" else i + 1)
        if end < 0:
            raise ParseError(f"Can't find end of the entity starting at byte offset {at}")
        inner = text[i + (3 if fence == "```" else 1):end]
        i = end + len(fence)
        if fence == "```":
            language, newline, code = inner.partition("\n")
            if newline and language and " " not in language:
                out.add(code)
                out.entity("pre", start, language=language)
            else:
                out.add(inner)
                out.entity("pre", start)
        elif c == "[":
            url = inner
            if i < len(text) and text[i] == "(":
                close = text.find(")", i)
                if close < 0:
                    raise ParseError(f"Can't find end of the entity starting at byte offset {at}")
                url, i = text[i + 1:close], close + 1
            out.add(inner)
            normal = normalise_url(url)
            if normal is not None:
                out.entity("text_link", start, url=normal)
        else:
            out.add(inner)
            out.entity({"_": "italic", "*": "bold", "`": "code"}[c], start)
    return out.result()
