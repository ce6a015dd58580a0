"""Inline keyboards, built from a few shapes so every screen looks and behaves alike.

Callback data is built by a ``ButtonData`` (``conversations.buttons``) and never longer than Telegram's 64 bytes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from conversations.buttons import MAX_CALLBACK_BYTES, ButtonData
from core.texts.i18n import t_plain
from core.values import Page

# The pager's "2/5" between its arrows: a button that does nothing when pressed.
NOOP = ButtonData("noop")


def button(text: str, data: str) -> InlineKeyboardButton:
    if len(data.encode()) > MAX_CALLBACK_BYTES:
        raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {data!r}")
    return InlineKeyboardButton(text, callback_data=data)


def rows(buttons: Sequence[InlineKeyboardButton], per_row: int) -> list[list[InlineKeyboardButton]]:
    return [list(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row)]


def pager_row(
    lang: str, *, has_previous: bool, has_next: bool, number: int, count: int, data_for: Iterable[str]
) -> list[InlineKeyboardButton]:
    """◀ 이전 · 2/5 · 다음 ▶; ``data_for`` yields the previous page's data, then the next page's."""
    previous_data, next_data = data_for
    row: list[InlineKeyboardButton] = []
    if has_previous:
        row.append(button(t_plain(lang, "common.previous"), previous_data))
    if has_previous or has_next:
        row.append(button(f"{number + 1}/{count}", NOOP()))
    if has_next:
        row.append(button(t_plain(lang, "common.next"), next_data))
    return row


def page_row(lang: str, page: Page[Any], data_for: Iterable[str]) -> list[InlineKeyboardButton]:
    """The pager of a service's ``Page``: where it is and whether there is more either way."""
    return pager_row(
        lang,
        has_previous=page.has_previous,
        has_next=page.has_next,
        number=page.number,
        count=page.count,
        data_for=data_for,
    )


def markup(*keyboard_rows: list[InlineKeyboardButton]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([row for row in keyboard_rows if row])
