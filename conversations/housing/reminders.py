"""What the daily reminder to the housing staff says (core/housing/reminders.py queues it): one message per
member, a section per kind of item, each item a line. The items are fixed when the reminder is queued, so a
message sent after a restart says what was due that morning."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from telegram import InlineKeyboardMarkup

from core.notifications.values import Notice
from core.texts.i18n import grouped, has_text, language_of, t


def render_reminders(notification: Notice) -> tuple[str, InlineKeyboardMarkup | None]:
    return reminder_text(language_of(notification.language), notification.payload), None


def reminder_text(lang: str, p: Mapping[str, object]) -> str:
    """The reminder's HTML text from the payload core queued (``Digest.payload``)."""
    try:
        day = date.fromisoformat(str(p.get("day"))).strftime("%Y.%m.%d")
    except ValueError:
        day = ""
    lines = [t(lang, "reminder.title", day=day)]
    sections = p.get("sections")
    for section in sections if isinstance(sections, list) else []:
        key = section.get("key") if isinstance(section, dict) else None
        if not isinstance(key, str) or not has_text(lang, f"reminder.{key}.line"):
            continue  # a kind this version does not know (queued by a newer one): left out rather than garbled
        listed = section.get("items")
        items = [item for item in (listed if isinstance(listed, list) else []) if isinstance(item, dict)]
        total = int(section.get("total", len(items)))
        lines.append("")
        lines.append(t(lang, f"reminder.{key}.heading", count=grouped(total)))
        lines.extend(t(lang, f"reminder.{key}.line", **item) for item in items)
        if total > len(items):
            lines.append(t(lang, "reminder.more", count=grouped(total - len(items))))
    lines.append("")
    lines.append(t(lang, "reminder.footer"))
    return "\n".join(lines)
