"""parse_mode HTML, MarkdownV2 and Markdown parsed as Telegram does: text, UTF-16 entities, its errors."""

from __future__ import annotations

import httpx
import pytest

from scaletg_ptb.emulator.formatting import ParseError, parse_html
from scaletg_ptb.emulator.markdown import parse_markdown, parse_markdown_v2

STADIUM = "🏟 🏟"  # 5 UTF-16 code units, 9 UTF-8 bytes: offsets differ in all three units


@pytest.mark.parametrize(("html", "text", "entities"), [
    ("<b>bold</b> <i>it</i> <u>u</u> <s>s</s>", "bold it u s",
     [("bold", 0, 4), ("italic", 5, 2), ("underline", 8, 1), ("strikethrough", 10, 1)]),
    (f"{STADIUM}<i>{STADIUM} &lt;</i>", f"{STADIUM}{STADIUM} <", [("italic", 5, 7)]),
    ("&ge;&lt;&gt;&amp;&quot;&#33;", '&ge;<>&"!', []),
    ("<tg-spoiler>x</tg-spoiler><span class=\"tg-spoiler\">y</span>", "xy", [("spoiler", 0, 1), ("spoiler", 1, 1)]),
    ("<blockquote expandable>q</blockquote>", "q", [("expandable_blockquote", 0, 1)]),
    ("<b></b>x", "x", []),
])
def test_html_gives_the_text_and_utf16_entities(html: str, text: str, entities: list) -> None:
    parsed_text, parsed = parse_html(html)
    assert parsed_text == text
    assert [(e["type"], e["offset"], e["length"]) for e in parsed] == entities


def test_html_links_and_pre_with_a_language() -> None:
    assert parse_html('<a href="telegram.org">t</a><a href="nonsense">n</a>')[1] == [
        {"type": "text_link", "offset": 0, "length": 1, "url": "http://telegram.org/"}]
    assert parse_html('<pre><code class="language-python">x = 1</code></pre>') == (
        "x = 1", [{"type": "pre", "offset": 0, "length": 5, "language": "python"}])


@pytest.mark.parametrize(("html", "error"), [  # Telegram's (tdlib's) own test cases and wording
    (f"{STADIUM}&lt;<abacaba", "Unclosed start tag at byte offset 13"),
    (f"{STADIUM}&lt;<abac>", 'Unsupported start tag "abac" at byte offset 13'),
    (f"{STADIUM}&lt;<i   =aba>", 'Empty attribute name in the tag "i" at byte offset 13'),
    (f"{STADIUM}&lt;<i    aba>", 'Can\'t find end tag corresponding to start tag "i"'),
    (f"{STADIUM}&lt;</", "Unexpected end tag at byte offset 13"),
    (f"{STADIUM}&lt;<i>a</i   ", "Unclosed end tag at byte offset 17"),
    (f"{STADIUM}&lt;<i>a</em   >", 'Unmatched end tag at byte offset 17, expected "</i>", found "</em>"'),
])
def test_malformed_html_is_refused_in_telegrams_words(html: str, error: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_html(html)
    assert str(caught.value) == error


@pytest.mark.parametrize(("markdown", "text", "entities"), [
    ("*b* _i_ __u__ ~s~ ||p|| `c`", "b i u s p c",
     [("bold", 0, 1), ("italic", 2, 1), ("underline", 4, 1), ("strikethrough", 6, 1), ("spoiler", 8, 1),
      ("code", 10, 1)]),
    (f"{STADIUM}_abac \\* asd _", f"{STADIUM}abac * asd ", [("italic", 5, 11)]),
    (f"{STADIUM}_🏟 __🏟___", f"{STADIUM}🏟 🏟", [("italic", 5, 5), ("underline", 8, 2)]),
    ("[telegram\\.org](telegram.dog)", "telegram.org", [("text_link", 0, 12)]),
    ("```python\nprint(1)```", "print(1)", [("pre", 0, 8)]),
    ("abc\n>def\n>ghi\njkl", "abc\ndef\nghi\njkl", [("blockquote", 4, 8)]),
    ("Version 1\\.0\\!", "Version 1.0!", []),
])
def test_markdown_v2_gives_the_text_and_utf16_entities(markdown: str, text: str, entities: list) -> None:
    parsed_text, parsed = parse_markdown_v2(markdown)
    assert parsed_text == text
    assert [(e["type"], e["offset"], e["length"]) for e in parsed] == entities


@pytest.mark.parametrize(("markdown", "error"), [
    ("Version 1.0", "Character '.' is reserved and must be escaped with the preceding '\\'"),
    (f"{STADIUM}_abacaba", "Can't find end of Italic entity at byte offset 9"),
    (f"{STADIUM}_abac * asd ", "Can't find end of Bold entity at byte offset 15"),
    (f"{STADIUM}`", "Can't find end of Code entity at byte offset 9"),
    (f"{STADIUM}```a ", "Can't find end of PreCode entity at byte offset 9"),
    (f"{STADIUM}__", "Can't find end of Underline entity at byte offset 9"),
    ("[telegram\\.org](asd", "Can't find end of a URL at byte offset 16"),
    (">*b\n>ld \n>bo\nld*\nasd", "Can't find end of Bold entity at byte offset 1"),
])
def test_malformed_markdown_v2_is_refused_in_telegrams_words(markdown: str, error: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_markdown_v2(markdown)
    assert str(caught.value) == error


def test_legacy_markdown_has_no_nesting_and_its_own_error() -> None:
    assert parse_markdown("*b* _i_ `c` [l](https://x.org) a\\_b 1.0") == ("b i c l a_b 1.0", [
        {"type": "bold", "offset": 0, "length": 1}, {"type": "italic", "offset": 2, "length": 1},
        {"type": "code", "offset": 4, "length": 1},
        {"type": "text_link", "offset": 6, "length": 1, "url": "https://x.org/"}])
    with pytest.raises(ParseError, match="^Can't find end of the entity starting at byte offset 2$"):
        parse_markdown("a *b")


def send(api: httpx.Client, chat_id: int, **params: object) -> dict:
    return api.post("sendMessage", json={"chat_id": chat_id, **params}).json()


def test_sent_messages_store_parsed_text_entities_and_detected_links(api: httpx.Client, chat: dict) -> None:
    result = send(api, chat["id"], text="<b>Hi</b> see https://x.org and <code>/not_a_command</code>",
                  parse_mode="HTML")["result"]
    assert result["text"] == "Hi see https://x.org and /not_a_command"
    assert result["entities"] == [{"type": "bold", "offset": 0, "length": 2},
                                  {"type": "url", "offset": 7, "length": 13},
                                  {"type": "code", "offset": 25, "length": 14}]


def test_explicit_entities_win_over_parse_mode(api: httpx.Client, chat: dict) -> None:
    result = send(api, chat["id"], text="*x*", parse_mode="MarkdownV2",
                  entities=[{"type": "italic", "offset": 0, "length": 3}])["result"]
    assert (result["text"], result["entities"]) == ("*x*", [{"type": "italic", "offset": 0, "length": 3}])


def test_telegrams_errors_for_markup_and_length(api: httpx.Client, chat: dict) -> None:
    assert send(api, chat["id"], text="<b>x", parse_mode="HTML") == {
        "ok": False, "error_code": 400,
        "description": "Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"b\""}
    assert send(api, chat["id"], text="<b></b>", parse_mode="HTML")["description"] == \
        "Bad Request: message text is empty"
    # the limit counts the parsed text: markup around 4,096 characters is fine, one more is not
    assert send(api, chat["id"], text=f"<b>{'x' * 4096}</b>", parse_mode="HTML")["ok"]
    assert send(api, chat["id"], text="x" * 4097)["description"] == "Bad Request: message is too long"
    assert send(api, chat["id"], text="😀" * 2049)["description"] == "Bad Request: message is too long"
