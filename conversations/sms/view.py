"""How SMS looks in the chat: who a batch goes to, the preview, a batch's counts and its recipients.

Counts never call a message "delivered" before the carrier said so: a message the UMS accepted is shown as
accepted and waiting for its result. When no UMS is configured, every screen says in plain words that
nothing was sent."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from conversations.layout import excerpt, fit_lines, when
from core.clock import Clock
from core.sms.labels import count_parts, failure_text
from core.sms.text import SUBJECT_BYTE_LIMIT
from core.sms.values import (
    BatchSummary,
    BatchView,
    InvalidRecipient,
    MessageState,
    MessageType,
    MessageView,
    RecipientLine,
    RecipientList,
    SmsPreview,
    StateCounts,
)
from core.texts.i18n import grouped, t, t_plain
from core.values import Page

# The invalid numbers a screen lists one by one; more are counted.
LISTED_INVALID = 10
TEXT_ON_LIST = 20


def kind_label(lang: str, kind: object) -> str:
    return t_plain(lang, f"sms.kind.{kind}")


def state_label(lang: str, state: MessageState) -> str:
    return t_plain(lang, f"sms.state.{state.value}")


def type_label(lang: str, message_type: object) -> str:
    return t_plain(lang, f"sms.type.{message_type}")


def not_configured(lang: str, *, done: bool = True) -> str:
    return t(lang, "sms.ums_not_configured" if done else "sms.ums_not_configured_yet")


def scope_text(lang: str, draft: Mapping[str, Any]) -> str:
    """Who the draft reaches, in words: kind, then where, then (representatives) which position."""
    if draft.get("kind") == "saved":
        return t_plain(lang, "sms.scope.saved", name=draft.get("list_name", ""))
    parts = [kind_label(lang, draft.get("kind"))]
    scope = draft.get("scope")
    if scope == "dong":
        parts.append(str(draft.get("dong_name", "")))
    elif scope == "cx":
        names = list((draft.get("complexes") or {}).values())
        shown = ", ".join(names[:3]) + ("…" if len(names) > 3 else "")
        parts.append(t_plain(lang, "sms.scope.complexes", count=len(names), names=shown))
    elif scope == "org":
        names = list((draft.get("organizations") or {}).values())
        shown = ", ".join(names[:3]) + ("…" if len(names) > 3 else "")
        parts.append(t_plain(lang, "sms.scope.organizations", count=len(names), names=shown))
    elif scope == "field":
        parts.append(t_plain(lang, f"cm.field.{draft.get('field')}"))
    elif scope == "type":
        parts.append(t_plain(lang, f"cm.legal_type.{draft.get('legal_type')}"))
    elif draft.get("kind") == "organization_leaders":
        parts.append(t_plain(lang, "sms.scope.all_organizations"))
    else:
        parts.append(t_plain(lang, "sms.scope.all"))
    if draft.get("kind") == "representatives":
        position = draft.get("position")
        parts.append(position if position else t_plain(lang, "sms.scope.all_positions"))
    return " · ".join(p for p in parts if p)


def _invalid_line(lang: str, person: InvalidRecipient) -> str:
    # Core has masked the number already for a reader without the right to see it.
    return t(
        lang, "sms.resolved.invalid_line", name=person.name, complex=person.complex_name or "-", phone=person.phone
    )


def resolution_lines(lang: str, preview: SmsPreview | RecipientList) -> list[str]:
    """The selection as resolved: merged duplicates, numbers left out (listed), people without a mobile, and
    a saved list's people beyond the sender's dongs."""
    lines: list[str] = []
    if preview.duplicates_merged:
        lines.append(t(lang, "sms.resolved.duplicates", count=preview.duplicates_merged))
    if preview.invalid:
        lines.append(t(lang, "sms.resolved.invalid", count=len(preview.invalid)))
        lines += [_invalid_line(lang, person) for person in preview.invalid[:LISTED_INVALID]]
        if len(preview.invalid) > LISTED_INVALID:
            lines.append(t(lang, "sms.resolved.invalid_more", count=len(preview.invalid) - LISTED_INVALID))
    if preview.without_phone:
        lines.append(t(lang, "sms.resolved.without_phone", count=preview.without_phone))
    if preview.outside_scope:
        lines.append(t(lang, "sms.resolved.outside_scope", count=preview.outside_scope))
    return lines


def render_resolved(lang: str, who: str, found: RecipientList) -> str:
    lines = [t(lang, "sms.resolved.head", who=who, count=len(found.recipients))]
    lines += resolution_lines(lang, found)
    return fit_lines(lang, lines)


def render_preview(lang: str, clock: Clock, who: str, preview: SmsPreview) -> str:
    size = preview.size
    lines = [
        t(lang, "sms.preview.head"),
        t(lang, "sms.preview.to", who=who, count=preview.recipient_count),
        t(
            lang,
            "sms.preview.type",
            type=type_label(lang, size.message_type),
            length=size.byte_length,
            limit=size.byte_limit,
        ),
        t(lang, "sms.preview.sender", number=preview.sender_number),
    ]
    if preview.subject is not None:
        lines.append(t(lang, "sms.preview.subject", subject=preview.subject))
    if size.unencodable:
        lines.append(t(lang, "sms.preview.unencodable", chars=" ".join(size.unencodable)))
    lines += resolution_lines(lang, preview)
    if preview.sample is not None and preview.recipients:
        lines.append(t(lang, "sms.preview.sample", name=preview.recipients[0].name, text=preview.sample))
    if not preview.ums_configured:
        lines.append(not_configured(lang, done=False))
    return fit_lines(lang, lines)


def render_confirm(lang: str, clock: Clock, who: str, preview: SmsPreview) -> str:
    lines = [t(lang, "sms.confirm.head", who=who, count=preview.recipient_count)]
    if preview.scheduled_at is None:
        lines.append(t(lang, "sms.confirm.now"))
    else:
        lines.append(t(lang, "sms.confirm.at", at=when(clock, preview.scheduled_at)))
    if preview.subject is not None:
        lines.append(t(lang, "sms.preview.subject", subject=preview.subject))
    if preview.night_warning:
        lines.append(t(lang, "sms.confirm.night"))
    if not preview.ums_configured:
        lines.append(not_configured(lang, done=False))
    lines.append(t(lang, "sms.confirm.ask"))
    return "\n".join(lines)


def render_subject_ask(lang: str, preview: SmsPreview, current: str | None) -> str:
    """An LMS needs a subject: why, the limits, the default offered, and the one chosen so far if any."""
    lines = [
        t(lang, "sms.subject.ask", length=grouped(preview.size.byte_length), limit=SUBJECT_BYTE_LIMIT),
        t(lang, "sms.subject.default", subject=preview.default_subject or ""),
    ]
    if current:
        lines.append(t(lang, "sms.subject.current", subject=current))
    return "\n".join(lines)


def recipient_line(lang: str, number: int, person: RecipientLine) -> str:
    """1. 김대표 · 회장 · 금호대우아파트 · 010-****-5678: who, in what role, where, and the number."""
    role = person.position if person.position else (kind_label(lang, person.kind) if person.kind else "")
    parts = [person.name, role, person.complex_name or "", person.phone]
    return t(lang, "sms.recipients.line", number=number, person=" · ".join(p for p in parts if p))


def render_recipients(lang: str, who: str, page: Page[RecipientLine], *, masked: bool) -> str:
    """받는 사람 보기: one page of the people the preview's message goes to."""
    lines = [t(lang, "sms.recipients.head", who=who, count=page.total)]
    first = page.number * page.size + 1
    lines += [recipient_line(lang, first + offset, person) for offset, person in enumerate(page.items)]
    if masked:
        lines.append(t(lang, "sms.recipients.masked"))
    return fit_lines(lang, lines)


def counts_text(lang: str, counts: StateCounts) -> str:
    return " · ".join(count_parts(lang, counts))


def _status(lang: str, clock: Clock, scheduled_at: datetime | None, cancelled_at: datetime | None) -> str:
    if cancelled_at is not None:
        return t(lang, "sms.status.cancelled", at=when(clock, cancelled_at))
    if scheduled_at is not None:
        return t(lang, "sms.status.scheduled", at=when(clock, scheduled_at))
    return ""


def batch_line(lang: str, clock: Clock, batch: BatchSummary) -> str:
    return t(
        lang,
        "sms.results.line",
        id=batch.id,
        at=when(clock, batch.created_at),
        type=type_label(lang, batch.message_type),
        head=excerpt(batch.text_head, TEXT_ON_LIST),
        counts=counts_text(lang, batch.counts),
    ) + _status(lang, clock, batch.scheduled_at, batch.cancelled_at)


def message_line(lang: str, number: int, message: MessageView) -> str:
    line = t(
        lang,
        "sms.detail.line",
        number=number,
        name=message.name,
        complex=message.complex_name or "-",
        phone=message.phone,
        state=state_label(lang, message.state),
    )
    if message.failure_reason:
        line += t(lang, "sms.detail.reason", reason=failure_text(lang, message.failure_reason))
    return line


def render_batch(
    lang: str, clock: Clock, batch: BatchView, messages: tuple[MessageView, ...], first: int, *, failed_only: bool
) -> str:
    """전송결과 상세조회: the batch, its counts, then one line per recipient of this page (or of the failed)."""
    lines = [t(lang, "sms.detail.head", id=batch.id)]
    if not batch.ums_configured:
        lines.append(not_configured(lang))
    lines += [
        t(lang, "sms.detail.created", at=when(clock, batch.created_at), by=batch.created_by_name),
        t(
            lang,
            "sms.detail.type",
            type=type_label(lang, batch.message_type),
            length=batch.byte_length,
            number=batch.sender_number,
        ),
    ]
    if batch.subject and batch.message_type is MessageType.LMS:
        lines.append(t(lang, "sms.preview.subject", subject=batch.subject))
    status = _status(lang, clock, batch.scheduled_at, batch.cancelled_at).strip(" ·")
    if status:
        lines.append(status)
    lines.append(counts_text(lang, batch.counts))
    lines.append(t(lang, "sms.detail.text", text=excerpt(batch.text, 300)))
    lines.append(t(lang, "sms.detail.failed_only" if failed_only else "sms.detail.recipients"))
    lines += [message_line(lang, first + offset, m) for offset, m in enumerate(messages)]
    return fit_lines(lang, lines)
