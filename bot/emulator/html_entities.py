"""parse_mode=HTML as Telegram parses it: plain text plus entities, or the error Telegram would give.

The algorithm and the error wording follow tdlib's ``parse_html`` (what the Bot API server runs),
so a message that the emulator accepts is one Telegram accepts, with one deliberate exception: a
bare ``&`` that does not start a valid entity is an error here, while Telegram keeps it as a
literal. Our bot must escape every dynamic value; being stricter catches a missing ``html.escape``
in tests (``strict_ampersand=False`` gives Telegram's exact leniency).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

SUPPORTED_TAGS = frozenset(
    {
        "a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins",
        "tg-spoiler", "tg-emoji", "span", "pre", "code", "blockquote",
    }
)  # fmt: skip
_SIMPLE_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
# tdlib treats NUL as a space so that scanning loops stop at the end of the text.
_SPACES = frozenset(" \t\r\n\v\0")
_MARKUP = re.compile("[<&]")
# Telegram trims message text; these are the characters it strips from both ends.
_TRIMMED = " \t\r\n\v\f"


class HtmlParseError(ValueError):
    """The text is not valid Telegram HTML; ``str(err)`` is the reason Telegram would give."""


@dataclass(frozen=True)
class ParsedText:
    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


def utf16_len(text: str) -> int:
    """Telegram measures lengths and entity offsets in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def _decode_entity(source: str, pos: int) -> tuple[str, int] | None:
    """Decode ``&...;`` at ``pos`` like tdlib: returns (character, position after it) or None."""
    n = len(source)
    end = pos + 1
    if end < n and source[end] == "#":
        end += 1
        value = 0
        hexadecimal = end < n and source[end] == "x"
        if hexadecimal:
            end += 1
        digits = "0123456789abcdefABCDEF" if hexadecimal else "0123456789"
        while end < n and source[end] in digits:
            value = value * (16 if hexadecimal else 10) + int(source[end], 16)
            end += 1
            if value >= 0x10FFFF:
                return None
        if value == 0 or end - pos >= 10 or 0xD800 <= value <= 0xDFFF:
            return None
        char = chr(value)
    else:
        while end < n and source[end].isascii() and source[end].isalpha():
            end += 1
        named = _NAMED_ENTITIES.get(source[pos + 1 : end])
        if named is None:
            return None
        char = named
    if end < n and source[end] == ";":
        end += 1
    return char, end


@dataclass
class _Open:
    tag: str
    argument: str
    offset: int  # UTF-16 offset in the output
    start: int  # index into the output character list
    expandable: bool = False


class _Parser:
    def __init__(self, source: str, strict_ampersand: bool) -> None:
        self.source = source
        self.n = len(source)
        self.strict_ampersand = strict_ampersand
        self.out: list[str] = []
        self.utf16 = 0
        self.stack: list[_Open] = []
        self.entities: list[dict[str, Any]] = []

    def at(self, i: int) -> str:
        return self.source[i] if i < self.n else "\0"

    def byte_offset(self, i: int) -> int:
        return len(self.source[:i].encode("utf-8"))

    def emit(self, char: str) -> None:
        self.out.append(char)
        self.utf16 += 2 if ord(char) > 0xFFFF else 1

    def emit_text(self, i: int) -> int:
        """The plain text from ``i`` to the next tag or entity, copied at once (a reply is mostly text)."""
        end = _MARKUP.search(self.source, i + 1)
        stop = end.start() if end is not None else self.n
        chunk = self.source[i:stop]
        self.out.append(chunk)
        self.utf16 += len(chunk.encode("utf-16-le")) // 2
        return stop

    def skip_spaces(self, i: int) -> int:
        while i < self.n and self.source[i] in _SPACES:
            i += 1
        return i

    def run(self) -> ParsedText:
        i = 0
        while i < self.n:
            c = self.source[i]
            if c == "&":
                decoded = _decode_entity(self.source, i)
                if decoded is not None:
                    self.emit(decoded[0])
                    i = decoded[1]
                    continue
                if self.strict_ampersand:
                    raise HtmlParseError(f'Unescaped "&" at byte offset {self.byte_offset(i)}: write it as "&amp;"')
            if c != "<":
                i = self.emit_text(i)
                continue
            i = self.end_tag(i) if self.at(i + 1) == "/" else self.start_tag(i)
        if self.stack:
            raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{self.stack[-1].tag}"')
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        for entity in self.entities:
            if entity["type"] == "code":
                entity.pop("language", None)
        return ParsedText("".join(self.out), self.entities)

    def start_tag(self, begin: int) -> int:
        i = begin + 1
        while self.at(i) not in _SPACES and self.at(i) != ">":
            i += 1
        if i >= self.n:
            raise HtmlParseError(f"Unclosed start tag at byte offset {self.byte_offset(begin)}")
        tag = self.source[begin + 1 : i].lower()
        if tag not in SUPPORTED_TAGS:
            raise HtmlParseError(f'Unsupported start tag "{tag}" at byte offset {self.byte_offset(begin)}')
        argument = ""
        expandable = False
        while self.at(i) != ">":
            i = self.skip_spaces(i)
            if self.at(i) == ">":
                break
            name_begin = i
            while self.at(i) not in _SPACES and self.at(i) not in "=>":
                i += 1
            name = self.source[name_begin:i]
            if not name:
                raise HtmlParseError(
                    f'Empty attribute name in the tag "{tag}" at byte offset {self.byte_offset(begin)}'
                )
            i = self.skip_spaces(i)
            if self.at(i) != "=":
                if tag == "blockquote" and name == "expandable":
                    expandable = True
                    continue
                raise HtmlParseError(
                    f'Expected equal sign in declaration of an attribute of the tag "{tag}" '
                    f"at byte offset {self.byte_offset(begin)}"
                )
            i = self.skip_spaces(i + 1)
            if i >= self.n:
                raise HtmlParseError(f'Unclosed start tag "{tag}" at byte offset {self.byte_offset(begin)}')
            value, i = self.attribute_value(i)
            if i >= self.n:
                raise HtmlParseError(f"Unclosed start tag at byte offset {self.byte_offset(begin)}")
            argument = _tag_argument(tag, name, value, argument)
        if tag == "span" and argument != "spoiler":
            raise HtmlParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {self.byte_offset(begin)}')
        self.stack.append(_Open(tag, argument, self.utf16, len(self.out), expandable))
        return i + 1

    def attribute_value(self, i: int) -> tuple[str, int]:
        quote = self.at(i)
        if quote not in "'\"":
            token_begin = i
            while self.at(i).isascii() and (self.at(i).isalnum() or self.at(i) in ".-"):
                i += 1
            if self.at(i) not in _SPACES and self.at(i) != ">":
                raise HtmlParseError(f"Unexpected end of name token at byte offset {self.byte_offset(token_begin)}")
            return self.source[token_begin:i].lower(), i
        i += 1
        chars: list[str] = []
        while i < self.n and self.source[i] != quote:
            if self.source[i] == "&":
                decoded = _decode_entity(self.source, i)
                if decoded is not None:
                    chars.append(decoded[0])
                    i = decoded[1]
                    continue
            chars.append(self.source[i])
            i += 1
        if i < self.n:
            i += 1
        return "".join(chars), i

    def end_tag(self, begin: int) -> int:
        if not self.stack:
            raise HtmlParseError(f"Unexpected end tag at byte offset {self.byte_offset(begin)}")
        i = begin + 1
        while self.at(i) not in _SPACES and self.at(i) != ">":
            i += 1
        end_name = self.source[begin + 2 : i]
        i = self.skip_spaces(i)
        if self.at(i) != ">":
            raise HtmlParseError(f"Unclosed end tag at byte offset {self.byte_offset(begin)}")
        opened = self.stack[-1]
        # Like tdlib, the end tag is compared without lowercasing: <B>..</B> is an error.
        if end_name and end_name != opened.tag:
            raise HtmlParseError(
                f"Unmatched end tag at byte offset {self.byte_offset(begin)}, "
                f'expected "</{opened.tag}>", found "</{end_name}>"'
            )
        if self.utf16 > opened.offset:
            self.close_entity(opened)
        self.stack.pop()
        return i + 1

    def close_entity(self, opened: _Open) -> None:
        span = {"offset": opened.offset, "length": self.utf16 - opened.offset}
        last = self.entities[-1] if self.entities else None
        same_span = last is not None and last["offset"] == span["offset"] and last["length"] == span["length"]
        tag = opened.tag
        if tag in _SIMPLE_TYPES:
            self.entities.append({"type": _SIMPLE_TYPES[tag], **span})
        elif tag == "a":
            url = opened.argument or "".join(self.out[opened.start :])
            checked = _check_link(url)
            if checked is not None:
                self.entities.append({"type": "text_link", **span, "url": checked})
        elif tag == "tg-emoji":
            if not opened.argument.isdigit():
                raise HtmlParseError("Invalid custom emoji identifier specified")
            self.entities.append({"type": "custom_emoji", **span, "custom_emoji_id": opened.argument})
        elif tag == "blockquote":
            kind = "expandable_blockquote" if opened.expandable else "blockquote"
            self.entities.append({"type": kind, **span})
        elif tag == "pre":
            if last is not None and same_span and last["type"] == "code" and last.get("language"):
                last["type"] = "pre"
            else:
                self.entities.append({"type": "pre", **span})
        elif tag == "code":
            if last is not None and same_span and last["type"] == "pre" and opened.argument:
                last["language"] = opened.argument
            elif opened.argument:
                # Kept until the enclosing <pre> closes, which turns it into pre+language.
                self.entities.append({"type": "code", **span, "language": opened.argument})
            else:
                self.entities.append({"type": "code", **span})


def _tag_argument(tag: str, name: str, value: str, current: str) -> str:
    if tag == "a" and name == "href":
        return value
    if tag == "code" and name == "class" and value.startswith("language-"):
        return value[len("language-") :]
    if tag == "span" and name == "class" and value.startswith("tg-"):
        return value[len("tg-") :]
    if tag == "tg-emoji" and name == "emoji-id":
        return value
    return current


def _check_link(url: str) -> str | None:
    """Telegram silently drops links it cannot use instead of failing the message."""
    url = url.strip()
    if not url or any(c in url for c in " \t\r\n<>\"'"):
        return None
    if "://" not in url and not url.startswith(("tg:", "mailto:")):
        url = "http://" + url
    return url


def parse_html(source: str, *, strict_ampersand: bool = True) -> ParsedText:
    """Parse Telegram HTML; raises HtmlParseError with Telegram's reason on invalid markup."""
    return _Parser(source, strict_ampersand).run()


def trim_formatted(text: str, entities: list[dict[str, Any]]) -> ParsedText:
    """Strip surrounding whitespace the way Telegram does, keeping entity offsets consistent."""
    stripped_left = text.lstrip(_TRIMMED)
    result = stripped_left.rstrip(_TRIMMED)
    shift = utf16_len(text) - utf16_len(stripped_left)
    limit = utf16_len(result)
    fixed: list[dict[str, Any]] = []
    for entity in entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, limit)
        if end > start:
            fixed.append({**entity, "offset": start, "length": end - start})
    return ParsedText(result, fixed)
