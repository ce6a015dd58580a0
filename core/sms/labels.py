"""The words of SMS results that the chat and the admin pages both show: a batch's counts, a failure reason,
and the labels of the 전송결과 workbook. One function each, so the two never word them differently."""

from __future__ import annotations

from collections.abc import Callable

from core.sms.export import SmsExportLabels
from core.sms.values import StateCounts
from core.texts.i18n import catalog, has_text, t, t_plain


def count_parts(lang: str, counts: StateCounts, render: Callable[..., str] = t) -> list[str]:
    """전송결과 조회's columns: 대상, 발송, 전달, 실패, 대기; accepted-but-unreported and the rest when any.
    ``render`` is ``t`` for the chat's HTML, ``t_plain`` for a page that escapes for itself."""
    head = render(
        lang,
        "sms.counts",
        total=counts.total,
        sent=counts.sent,
        delivered=counts.delivered,
        failed=counts.failed,
        pending=counts.pending,
    )
    extras = {"submitted": counts.submitted, "unknown": counts.unknown, "cancelled": counts.cancelled}
    return [head, *(render(lang, f"sms.counts_extra.{name}", count=n) for name, n in extras.items() if n)]


def failure_text(lang: str, reason: str | None) -> str:
    if not reason:
        return ""
    key = f"sms.reason.{reason}"
    return t_plain(lang, key) if has_text(lang, key) else reason


EXPORT_COLUMNS = ("number", "name", "phone", "complex", "state", "changed_at", "attempts", "reason")


def _section(lang: str, prefix: str) -> dict[str, str]:
    """Every text of a catalog section (``sms.state.`` -> {"delivered": "전달 완료", ...})."""
    return {key[len(prefix) :]: t_plain(lang, key) for key in catalog(lang) if key.startswith(prefix)}


def export_labels(lang: str) -> SmsExportLabels:
    """The words of the 전송결과 workbook, the same from the chat and the admin pages; the workbook fills in the
    ``{placeholders}`` left in them."""
    headers = tuple(t_plain(lang, f"sms.export.headers.{name}") for name in EXPORT_COLUMNS)
    assert len(headers) == len(EXPORT_COLUMNS)
    return SmsExportLabels(
        title=t_plain(lang, "sms.export.title"),
        sheet=t_plain(lang, "sms.export.sheet"),
        generated_at=t_plain(lang, "sms.export.generated_at", at="{at}"),
        batch=t_plain(lang, "sms.export.batch", id="{id}", name="{name}", type="{type}", at="{at}"),
        scheduled=t_plain(lang, "sms.export.scheduled", at="{at}"),
        text=t_plain(lang, "sms.export.text", text="{text}"),
        not_sent=t_plain(lang, "sms.export.not_sent"),
        headers=headers,  # type: ignore[arg-type]
        organization=t_plain(lang, "sms.export.organization"),
        states=_section(lang, "sms.state."),
        reasons=_section(lang, "sms.reason."),
        types=_section(lang, "sms.type."),
    )
