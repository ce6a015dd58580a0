"""What a notification about a case says, and its buttons. The words are fixed when the notification is
queued (core keeps them in its payload), so a later change to the case does not rewrite history. The one
deliberate rewrite: an approval request, once decided or withdrawn, says who ended it when and loses its
승인/반려 buttons in every coordinator's chat (core adds ``closed`` to its payload)."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from conversations.benchmark.buttons import APPROVE, OPEN, RETURN
from conversations.benchmark.view import adoption_label, result_label
from conversations.keyboards import button, markup
from conversations.layout import excerpt
from core.notifications.values import Notice
from core.texts.i18n import language_of, t, t_plain

CLOSINGS = ("approved", "returned", "withdrawn")
KINDS = ("case_assigned", "case_reviewed", "approval_requested", "approval_withdrawn", "case_approved", "case_returned")


def render_notification(notification: Notice) -> tuple[str, InlineKeyboardMarkup | None]:
    lang = language_of(notification.language)
    p = notification.payload
    if notification.kind == "sms_overdue":  # from the SMS dispatcher (core/sms/dispatch.py)
        fields = {k: p.get(k, "") for k in ("batch_id", "overdue", "due_at")}
        return t(lang, "sms.notice.sms_overdue", **fields), None
    kind = notification.kind if notification.kind in KINDS else "unknown"
    text = t(
        lang,
        f"bm.notice.{kind}",
        case_no=p.get("case_no", ""),
        title=p.get("title", ""),
        department=p.get("department", ""),
        officer=p.get("officer") or t_plain(lang, "bm.none"),
        actor=p.get("actor", ""),
        actor_department=p.get("actor_department", ""),
        adoption=adoption_label(lang, str(p["adoption"])) if p.get("adoption") else t_plain(lang, "bm.none"),
        result=result_label(lang, str(p["progress_result"])) if p.get("progress_result") else "",
        note=excerpt(str(p.get("progress_note") or ""), 500),
        reason=excerpt(str(p.get("reason") or ""), 500),
    )
    closed = p.get("closed")
    if kind == "approval_requested" and isinstance(closed, dict):
        outcome = closed.get("outcome") if closed.get("outcome") in CLOSINGS else "approved"
        ending = t(lang, f"bm.notice.closed_{outcome}", by=closed.get("by", ""), at=closed.get("at", ""))
        text = f"{text}\n\n{ending}"
    case_id = notification.case_id
    if case_id is None:
        return text, None
    open_button = button(t_plain(lang, "bm.notice.open"), OPEN(case_id))
    if kind == "approval_requested" and not isinstance(closed, dict):
        round_ = int(str(p.get("round", 0)))
        return text, markup(
            [
                button(t_plain(lang, "bm.button.approve"), APPROVE(case_id, round_)),
                button(t_plain(lang, "bm.button.return"), RETURN(case_id, round_)),
            ],
            [open_button],
        )
    return text, markup([open_button])
