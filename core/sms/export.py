"""전송결과 상세조회 as an Excel workbook (openpyxl write-only: batches can have thousands of rows).

Every word of the workbook (headers, states, failure reasons) comes in through ``SmsExportLabels``, which
``core.sms.labels.export_labels`` fills from the catalog in the reader's language, for the chat and the web
alike; a state or reason without a label (a UMS's own refusal text) is shown as it came."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from core.clock import Clock
from core.sms.recipients import phone_as_shown
from core.sms.values import COMMUNITY_KINDS, Batch, Message
from core.workbook import Column, ExportBook, Kind

PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class SmsExportLabels:
    title: str  # 문자 전송결과
    sheet: str  # 전송결과
    generated_at: str  # 작성 일시: {at}
    batch: str  # 발송번호 #{id} · 발송자 {name} · 유형 {type} · 발송 일시 {at}
    scheduled: str  # 예약 일시 {at}
    text: str  # 내용: {text}
    not_sent: str  # UMS 미설정으로 발송되지 않은 문자입니다.
    # 번호, 이름, 휴대전화, 단지명, 상태, 상태변경일시, 시도횟수, 실패사유
    headers: tuple[str, str, str, str, str, str, str, str]
    organization: str  # 단체(기관)명: the fourth header of a batch to community organisations' representatives
    states: Mapping[str, str]  # delivered -> 전달 완료, ...
    reasons: Mapping[str, str]  # invalid_number -> 없는 번호(결번), ...
    types: Mapping[str, str]  # sms -> SMS(단문), ...


def _fill(template: str, **values: object) -> str:
    # One pass, so a sender's name or a text containing "{at}" is written as typed.
    return PLACEHOLDER.sub(lambda m: str(values[m[1]]) if m[1] in values else m[0], template)


def results_workbook(
    batch: Batch,
    messages: Sequence[Message],
    clock: Clock,
    labels: SmsExportLabels,
    *,
    masked: bool,
    now: datetime,
) -> bytes:
    """The batch's recipients with their states and failure reasons, under a heading that says what was sent,
    by whom and when; a batch its sender had no UMS for says it was not sent."""
    stamp = "%Y-%m-%d %H:%M"
    notes = [
        _fill(
            labels.batch,
            id=batch.id,
            name=batch.created_by_name,
            type=labels.types.get(batch.message_type, batch.message_type.upper()),
            at=clock.local(batch.created_at).strftime(stamp),
        )
    ]
    if batch.scheduled_at is not None:
        notes.append(_fill(labels.scheduled, at=clock.local(batch.scheduled_at).strftime(stamp)))
    notes.append(_fill(labels.text, text=batch.text))
    if not batch.via_ums:
        notes.append(labels.not_sent)
    number, name, phone, complex_name, state, changed, attempts, reason = labels.headers
    if batch.description.get("kind") in COMMUNITY_KINDS:
        complex_name = labels.organization  # each message names its organisation there (see storage.sms)
    columns = [
        Column(number, Kind.COUNT),
        Column(name),
        Column(phone),
        Column(complex_name),
        Column(state),
        Column(changed, Kind.DATETIME),
        Column(attempts, Kind.COUNT),
        Column(reason),
    ]
    rows = [
        (
            n,
            m.name,
            phone_as_shown(m.phone, unmasked=not masked),
            m.complex_name or "",
            labels.states.get(m.state, m.state),
            clock.local(m.state_changed_at),
            m.attempts,
            labels.reasons.get(m.failure_reason, m.failure_reason) if m.failure_reason else "",
        )
        for n, m in enumerate(messages, start=1)
    ]
    book = ExportBook(title=labels.title, created=clock.local(now), created_label=labels.generated_at)
    book.table(labels.sheet, columns, rows, heading=f"{labels.title} #{batch.id}", notes=notes, frozen_columns=2)
    return book.save()
