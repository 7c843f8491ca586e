"""Show a message's entities in the terminal: bold, italic, code, links; plain text when not a terminal."""

from __future__ import annotations

from typing import Any

Json = dict[str, Any]

# SGR codes per entity type; a code block is dim cyan, a spoiler reversed
_SGR = {"bold": "1", "italic": "3", "underline": "4", "strikethrough": "9", "code": "36", "pre": "36",
        "spoiler": "7", "text_link": "4;34", "url": "4;34", "email": "4;34", "text_mention": "1",
        "mention": "34", "blockquote": "2", "expandable_blockquote": "2"}


def _python_indices(text: str) -> list[int]:
    """Map each UTF-16 offset (0..len) to the index of the Python character that starts there."""
    indices: list[int] = []
    for index, char in enumerate(text):
        indices.append(index)
        if ord(char) > 0xFFFF:
            indices.append(index)  # the second half of a surrogate pair
    indices.append(len(text))
    return indices


def styled(text: str, entities: list[Json] | None, colour: bool) -> str:
    """Return ``text`` with its entities painted (when ``colour``); a text link's URL follows its label."""
    if not entities:
        return text
    at = _python_indices(text)
    spans = []
    for entity in entities:
        try:
            start, end = at[entity["offset"]], at[entity["offset"] + entity["length"]]
        except (IndexError, KeyError, TypeError):
            continue  # an entity outside the text shows as nothing
        spans.append((start, end, entity))
    # where a text link ends, its URL is shown, so that the link can be followed from a terminal
    links = {end: f" ({e['url']})" for start, end, e in spans
             if e.get("type") == "text_link" and e.get("url") and text[start:end] != e.get("url")}
    if not colour:
        return "".join(text[i] + links.get(i + 1, "") for i in range(len(text)))
    out, active = [], ""
    for i, char in enumerate(text):
        codes = ";".join(_SGR[e["type"]] for s, t, e in spans if s <= i < t and e.get("type") in _SGR)
        if codes != active:
            out.append("\x1b[0m" + (f"\x1b[{codes}m" if codes else ""))
            active = codes
        out.append(char)
        if i + 1 in links:
            out.append(("\x1b[0m" if active else "") + links[i + 1])
            active = ""
    if active:
        out.append("\x1b[0m")
    return "".join(out)
