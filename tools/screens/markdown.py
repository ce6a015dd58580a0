"""A Telegram message as Markdown: its text with bold, italic and code kept (from the entities Telegram
parsed out of the bot's HTML), quoted so that every line break survives, and its inline buttons as rows
(``[ 승인 ] [ 반려 ]``) the way the phone lays them out."""

from __future__ import annotations

import re
from itertools import dropwhile, groupby

from bot.emulator import BotMessage

# The entity types a reader of the gallery needs to see; underline, spoiler and the rest show as plain text.
_MARKERS = {"bold": "**", "italic": "_", "code": "`", "pre": "`"}
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
# Line starts that Markdown would read as a heading, list or rule instead of as the message's own text.
_BULLET_OR_HEADING = re.compile(r"^(\s*)([-+#=])")
_NUMBERED = re.compile(r"^(\s*\d+)([.)])")


def escape(text: str) -> str:
    text = _SPECIAL.sub(r"\\\1", text)
    text = _BULLET_OR_HEADING.sub(r"\1\\\2", text)
    return _NUMBERED.sub(r"\1\\\2", text)


def _styles(message: BotMessage) -> list[frozenset[str]]:
    """Each character's styles. Entity offsets count UTF-16 code units, as Telegram's do."""
    units: list[int] = []  # the index into ``message.text`` of every UTF-16 unit
    for index, char in enumerate(message.text):
        units.extend([index] * (2 if ord(char) > 0xFFFF else 1))
    styles: list[set[str]] = [set() for _ in message.text]
    for entity in message.entities:
        kind = entity.get("type", "")
        if kind not in _MARKERS:
            continue
        for unit in range(entity["offset"], min(entity["offset"] + entity["length"], len(units))):
            styles[units[unit]].add(kind)
    return [frozenset(s) for s in styles]


def _line(chars: list[tuple[str, frozenset[str]]]) -> str:
    # A message's indent (a case's title under its number) would be dropped, or read as code: it stays as
    # non-breaking spaces.
    indent = len(chars) - len(list(dropwhile(lambda pair: pair[0] == " ", chars)))
    out: list[str] = ["&nbsp;" * indent]
    chars = chars[indent:]
    for style, run in groupby(chars, key=lambda pair: pair[1]):
        text = "".join(char for char, _ in run)
        if not style or not text.strip():
            out.append(escape(text))
            continue
        # Markdown ignores a marker with a space inside it ("** 제목**"): the spaces go outside.
        core = text.strip()
        lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
        if "code" in style or "pre" in style:
            out.append(f"{lead}`{core}`{trail}")
            continue
        marked = escape(core)
        for kind in ("italic", "bold"):
            if kind in style:
                marked = f"{_MARKERS[kind]}{marked}{_MARKERS[kind]}"
        out.append(f"{lead}{marked}{trail}")
    return "".join(out)


def message_text(message: BotMessage) -> list[str]:
    """The message's lines as Markdown, bold and all."""
    pairs = list(zip(message.text, _styles(message), strict=True))
    lines: list[list[tuple[str, frozenset[str]]]] = [[]]
    for char, style in pairs:
        if char == "\n":
            lines.append([])
        else:
            lines[-1].append((char, style))
    return [_line(line) for line in lines]


def quoted(lines: list[str]) -> list[str]:
    """A block quote that keeps the message's line breaks (a backslash at a line's end is a hard break) and
    its empty lines."""
    out: list[str] = []
    for index, line in enumerate(lines):
        last = index == len(lines) - 1 or not lines[index + 1].strip()
        if not line.strip():
            out.append(">")
        else:
            out.append(f"> {line}" + ("" if last else "\\"))
    return out


def button_rows(message: BotMessage) -> list[str]:
    """Each row of inline buttons as ``[ 승인 ] [ 반려 ]``; a link button carries ↗."""
    rows = []
    for row in message.buttons:
        labels = [f"[ {b.text}{' ↗' if b.url else ''} ]" for b in row]
        rows.append("`" + " ".join(labels).replace("`", "'") + "`")
    return rows


def reply_keyboard_rows(message: BotMessage) -> list[str]:
    return ["`" + " ".join(f"[ {label} ]" for label in row).replace("`", "'") + "`" for row in message.reply_keyboard]
