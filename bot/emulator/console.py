"""Chatting with the bot from a terminal, as one emulated user."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable

from .user import WAIT_CEILING, BotMessage, EmulatedUser

STRINGS: dict[str, dict[str, str]] = {
    "ko": {
        "greeting": "동네 봇 에뮬레이터입니다. 번호를 입력하면 버튼을 누릅니다. "
        "위치 보내기: @위도,경도 (예: @37.5613,127.0380). 종료: /quit",
        "photo": "[사진]",
        "location": "[위치 {latitude}, {longitude}]",
        "venue": "[장소 {title} · {address} ({latitude}, {longitude})]",
        "document": "[문서 {name}]",
        "edited": "(수정됨)",
        "no_reply": "(봇이 응답하지 않았습니다)",
        "no_button": "{number}번 버튼이 없습니다.",
        "error": "(오류: {error})",
        "bye": "대화를 마칩니다.",
        "prompt": "> ",
    },
    "en": {
        "greeting": "Dongne bot emulator. Type a number to press that button. "
        "Share a location: @latitude,longitude (e.g. @37.5613,127.0380). Quit: /quit",
        "photo": "[photo]",
        "location": "[location {latitude}, {longitude}]",
        "venue": "[venue {title} · {address} ({latitude}, {longitude})]",
        "document": "[document {name}]",
        "edited": "(edited)",
        "no_reply": "(the bot did not answer)",
        "no_button": "There is no button {number}.",
        "error": "(error: {error})",
        "bye": "Bye.",
        "prompt": "> ",
    },
}
QUIT = "/quit"
# A line that shares a location instead of typing text: "@37.5613,127.0380".
LOCATION_LINE = re.compile(r"@\s*(-?\d{1,3}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)")


def _stdin_reader(prompt: str) -> Callable[[], Awaitable[str | None]]:
    async def read_line() -> str | None:
        # input() blocks, so it runs in a worker thread to keep the bot's loop serving.
        try:
            return await asyncio.to_thread(input, prompt)
        except EOFError:
            return None

    return read_line


def render(message: BotMessage, strings: dict[str, str], *, edited: bool = False) -> str:
    """The message as plain text, with media shown as a marker line before its caption."""
    lines: list[str] = []
    if message.kind == "photo":
        lines.append(strings["photo"])
    elif message.kind == "document":
        lines.append(strings["document"].format(name=message.file_name or "?"))
    elif message.kind == "venue" and message.location is not None:
        latitude, longitude = (round(x, 6) for x in message.location)
        title, address = message.venue_title or "", message.venue_address or ""
        lines.append(strings["venue"].format(title=title, address=address, latitude=latitude, longitude=longitude))
    elif message.kind == "location" and message.location is not None:
        latitude, longitude = (round(x, 6) for x in message.location)
        lines.append(strings["location"].format(latitude=latitude, longitude=longitude))
    if message.text:
        lines.append(message.text)
    text = "\n".join(lines)
    return f"{strings['edited']} {text}" if edited else text


def render_buttons(message: BotMessage) -> str:
    return "  ".join(f"[{number}] {text}" for number, text in enumerate(message.button_texts(), start=1))


async def run_console(
    user: EmulatedUser,
    *,
    read_line: Callable[[], Awaitable[str | None]] | None = None,
    write: Callable[[str], None] = print,
    greeting: str | None = None,
    first_input: str | None = "/start",
    language: str = "ko",
    reply_timeout: float = WAIT_CEILING,
    settle: float = 0.3,
) -> None:
    strings = STRINGS[language]
    read = read_line or _stdin_reader(strings["prompt"])
    shown: dict[int, str] = {}  # message id -> what was printed of it
    offered: list[BotMessage] = []  # the message whose buttons were printed last: what a typed number presses

    def show_new() -> None:
        # Everything new or edited in the chat, including notifications caused by other users. An edit that
        # only took a message's buttons away (they moved to a newer message) is not worth printing again.
        printed_now: list[BotMessage] = []
        for message in user.messages:
            printed = render(message, strings)
            if shown.get(message.message_id) == printed:
                continue
            write(render(message, strings, edited=message.message_id in shown))
            shown[message.message_id] = printed
            printed_now.append(message)
        # The newest message's buttons; or, when a notification without buttons (a reminder) came in after a
        # question just shown, that question's: in Telegram its buttons stay where they are.
        latest = user.last_message
        if latest is not None and not latest.buttons:
            latest = next((m for m in reversed(printed_now) if m.buttons), latest)
        offered[:] = [latest] if latest is not None and latest.buttons else []
        if offered:
            write(render_buttons(offered[0]))

    async def act(line: str) -> None:
        # The message whose buttons were printed, as it is now (its buttons may have gone meanwhile).
        latest = next((m for m in user.messages if offered and m.message_id == offered[0].message_id), None)
        latest = latest or user.last_message
        try:
            if line.isdigit() and latest is not None and latest.buttons:
                texts = latest.button_texts()
                number = int(line)
                if not 1 <= number <= len(texts):
                    write(strings["no_button"].format(number=number))
                    return
                await user.press(texts[number - 1], message=latest, timeout=reply_timeout, settle=settle)
            elif point := LOCATION_LINE.fullmatch(line):
                latitude, longitude = float(point[1]), float(point[2])
                await user.send_location(latitude, longitude, timeout=reply_timeout, settle=settle)
            else:
                await user.send(line, timeout=reply_timeout, settle=settle)
        except TimeoutError:
            write(strings["no_reply"])
        except (LookupError, ValueError) as err:
            write(strings["error"].format(error=err))
        show_new()

    write(greeting if greeting is not None else strings["greeting"])
    if first_input:
        await act(first_input)
    while True:
        line = await read()
        if line is None or line.strip() == QUIT:
            break
        if line.strip():
            await act(line.strip())
    write(strings["bye"])
