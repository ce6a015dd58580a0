"""전송결과 상세조회 as an Excel workbook (openpyxl write-only: batches can have thousands of rows)."""

from __future__ import annotations

from collections.abc import Sequence

from core.clock import Clock
from core.masking import mask_phone
from core.sms.recipients import display_phone
from core.workbook import ExportBook
from storage.records_sms import SmsBatchRecord, SmsMessageRecord

# Column titles in Korean: the workbook is an office document, read by the office.
HEADERS = ("번호", "이름", "휴대전화", "단지명", "상태", "상태변경일시", "시도횟수", "실패사유")
NOT_SENT_NOTE = "UMS 미설정: 발송되지 않음 (UMS not configured: not sent)"


def results_workbook(
    batch: SmsBatchRecord,
    messages: Sequence[SmsMessageRecord],
    clock: Clock,
    *,
    masked: bool,
    ums_configured: bool,
) -> bytes:
    book = ExportBook()
    sheet = book.sheet("전송결과")
    sheet.append(("발송번호", batch.id, "발송자", batch.created_by_name, "유형", batch.message_type.upper()))
    sheet.append(("내용", batch.text))
    if not ums_configured:
        sheet.append((NOT_SENT_NOTE,))
    sheet.append(())
    sheet.append(HEADERS)
    for number, m in enumerate(messages, start=1):
        sheet.append(
            (
                number,
                m.name,
                (mask_phone(display_phone(m.phone)) or "") if masked else display_phone(m.phone),
                m.complex_name or "",
                m.state,
                clock.local(m.state_changed_at).strftime("%Y-%m-%d %H:%M"),
                m.attempts,
                m.failure_reason or "",
            )
        )
    return book.save()
