"""parse_mode=HTML in the emulator: what Telegram would show, and what Telegram would refuse."""

from __future__ import annotations

import pytest

from bot.emulator import HtmlParseError, parse_html
from bot.emulator.html_entities import trim_formatted, utf16_len


def test_an_escaped_complex_name_is_shown_with_its_brackets_and_ampersand() -> None:
    parsed = parse_html("단지: <b>&lt;김&amp;이&gt;</b>")
    assert parsed.text == "단지: <김&이>"
    assert parsed.entities == [{"type": "bold", "offset": 4, "length": 5}]


def test_offsets_are_counted_in_utf16_code_units() -> None:
    parsed = parse_html("😀 <i>가</i>")
    assert utf16_len("😀") == 2
    assert parsed.entities == [{"type": "italic", "offset": 3, "length": 1}]


def test_all_supported_tags_become_entities() -> None:
    source = (
        "<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s><strike>k</strike>"
        '<del>d</del><tg-spoiler>p</tg-spoiler><span class="tg-spoiler">q</span>'
        '<a href="https://example.com/?a=1&amp;b=2">link</a><code>c</code>'
        '<pre><code class="language-python">x = 1</code></pre><blockquote>quote</blockquote>'
        '<blockquote expandable>more</blockquote><tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>'
    )
    parsed = parse_html(source)
    kinds = [e["type"] for e in parsed.entities]
    assert kinds == [
        "bold", "bold", "italic", "italic", "underline", "underline", "strikethrough", "strikethrough",
        "strikethrough", "spoiler", "spoiler", "text_link", "code", "pre", "blockquote",
        "expandable_blockquote", "custom_emoji",
    ]  # fmt: skip
    link = next(e for e in parsed.entities if e["type"] == "text_link")
    assert link["url"] == "https://example.com/?a=1&b=2"
    pre = next(e for e in parsed.entities if e["type"] == "pre")
    assert pre["language"] == "python"
    assert "language" not in next(e for e in parsed.entities if e["type"] == "code")


def test_numeric_entities_and_nesting() -> None:
    parsed = parse_html("<b>&#54620;<i>&#xAE00;</i></b>")
    assert parsed.text == "한글"
    assert parsed.entities == [
        {"type": "bold", "offset": 0, "length": 2},
        {"type": "italic", "offset": 1, "length": 1},
    ]


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("단지 이름 <foo>", 'Unsupported start tag "foo" at byte offset 14'),
        ("<b>굵게", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("<b>x</B>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</B>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("끝에 <b", "Unclosed start tag at byte offset 7"),
        ("김&이", 'Unescaped "&" at byte offset 3: write it as "&amp;"'),
        ("&nbsp;", 'Unescaped "&" at byte offset 0: write it as "&amp;"'),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ('<a href=x"y>z</a>', "Unexpected end of name token at byte offset 8"),
        ("<b class>x</b>", 'Expected equal sign in declaration of an attribute of the tag "b" at byte offset 0'),
    ],
)
def test_invalid_markup_is_refused_with_telegrams_reason(source: str, reason: str) -> None:
    with pytest.raises(HtmlParseError) as caught:
        parse_html(source)
    assert str(caught.value) == reason


def test_lenient_mode_keeps_a_bare_ampersand_like_telegram_itself() -> None:
    assert parse_html("김 & 이", strict_ampersand=False).text == "김 & 이"


def test_surrounding_whitespace_is_trimmed_and_entities_follow() -> None:
    parsed = parse_html("\n  <b>제목</b>  \n")
    trimmed = trim_formatted(parsed.text, parsed.entities)
    assert trimmed.text == "제목"
    assert trimmed.entities == [{"type": "bold", "offset": 0, "length": 2}]
