"""Laying out a chat message, the same in every dialogue: times as staff read them, long texts cut to an
excerpt, and lines kept within Telegram's message length."""

from __future__ import annotations

from datetime import datetime

from core.clock import Clock
from core.texts.i18n import t

# A card shows this much of each long text; the full text is a button away, so the card never
# nears Telegram's 4096 characters.
EXCERPT = 600
# Telegram's 4096 characters, less room for the note that lines were left out.
MESSAGE_BUDGET = 3900


def when(clock: Clock, instant: datetime | None) -> str:
    return clock.local(instant).strftime("%Y-%m-%d %H:%M") if instant else ""


def excerpt(text: str | None, limit: int = EXCERPT) -> str:
    if not text:
        return ""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def fit_lines(lang: str, lines: list[str], limit: int = MESSAGE_BUDGET) -> str:
    """Whole lines of HTML up to Telegram's message length; a note says when some were left out. Lines are
    never cut, so no tag is left open."""
    kept: list[str] = []
    size = 0
    for index, line in enumerate(lines):
        if size + len(line) + 1 > limit:
            kept.append(t(lang, "bm.more_lines", count=len(lines) - index))
            break
        kept.append(line)
        size += len(line) + 1
    return "\n".join(kept)
