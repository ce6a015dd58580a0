"""What the notice of a complaint put in a member's hands says, and its button to open the complaint. The words
are fixed when the notice is queued (core keeps them in its payload), and carry no personal data: opening the
complaint shows the complainant as the reader's grants allow."""

from __future__ import annotations

from datetime import date

from telegram import InlineKeyboardMarkup

from conversations.housing.card import fmt_date
from conversations.housing.complaint_view import OPEN, channel_label
from conversations.keyboards import button, markup
from core.housing.complaints import ASSIGNED_NOTICE
from core.housing.values import COMPLAINT_CHANNELS
from core.notifications.values import Notice
from core.texts.i18n import language_of, t, t_plain

KINDS = (ASSIGNED_NOTICE,)


def render_notification(notification: Notice) -> tuple[str, InlineKeyboardMarkup | None]:
    lang = language_of(notification.language)
    p = notification.payload
    channel = str(p.get("channel", ""))
    try:
        received = fmt_date(date.fromisoformat(str(p.get("received_on", ""))))
    except ValueError:
        received = ""
    text = t(
        lang,
        "hc.notice.assigned",
        id=p.get("complaint_id", ""),
        complex=p.get("complex", ""),
        dong=p.get("dong", ""),
        date=received,
        channel=channel_label(lang, channel) if channel in COMPLAINT_CHANNELS else "",
        content=p.get("content", ""),
        actor=p.get("actor", ""),
        actor_department=p.get("actor_department", ""),
    )
    complaint_id = p.get("complaint_id")
    if not isinstance(complaint_id, int):
        return text, None
    return text, markup([button(t_plain(lang, "hc.button.open"), OPEN(complaint_id))])
