"""What the two members of a handover (인사발령, ``core.handover``) are told: the successor what they received,
the departing member what they handed over and to whom. The counts are fixed when the handover is made."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from core.handover import GIVEN, RECEIVED
from core.notifications.values import Notice
from core.texts.i18n import grouped, language_of, t

KINDS = (RECEIVED, GIVEN)


def render_notification(notification: Notice) -> tuple[str, InlineKeyboardMarkup | None]:
    lang = language_of(notification.language)
    p = notification.payload

    def count(key: str) -> str:
        value = p.get(key, 0)
        return grouped(value) if isinstance(value, int) else "0"

    received = notification.kind == RECEIVED
    lines = [t(lang, "handover.notice.received" if received else "handover.notice.given", other=p.get("other", ""))]
    lines.append(
        t(
            lang,
            "handover.notice.counts",
            cases=count("cases"),
            lists=count("saved_lists"),
            complaints=count("complaints"),
        )
    )
    case_nos = p.get("case_nos")
    if isinstance(case_nos, list) and case_nos:
        lines.append(t(lang, "handover.notice.case_nos", case_nos=", ".join(str(n) for n in case_nos)))
    if received:
        lines.append(t(lang, "handover.notice.where"))
    elif p.get("roles_ended"):
        lines.append(t(lang, "handover.notice.roles_ended"))
    return "\n".join(lines), None
