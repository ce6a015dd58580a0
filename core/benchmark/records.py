"""Plain values the benchmarking repository hands back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class NamedRef:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class OfficerRecord:
    id: int
    name: str
    department_id: int
    bound: bool  # has a Telegram account to be notified on


@dataclass(frozen=True, slots=True)
class AttachmentRecord:
    id: int
    case_id: int | None
    kind: str
    file_name: str
    mime_type: str
    size: int
    uploaded_by_id: int
    uploaded_at: datetime


@dataclass(frozen=True, slots=True)
class AttachmentFileRecord:
    info: AttachmentRecord
    content: bytes
    telegram_file_id: str | None


@dataclass(frozen=True, slots=True)
class CaseRecord:
    id: int
    case_no: str
    year: int
    quarter: int
    serial: int
    title: str
    summary: str | None
    source: str | None
    department: NamedRef
    officer: NamedRef | None
    registered_by: NamedRef
    registered_at: datetime
    state: str
    adoption: str | None
    review_opinion: str | None
    reviewed_at: datetime | None
    reviewed_by: NamedRef | None
    progress_result: str | None
    progress_note: str | None
    approval_round: int
    approval_requested_at: datetime | None
    approval_requested_by: NamedRef | None
    decided_at: datetime | None
    decided_by: NamedRef | None
    return_reason: str | None
    draft: dict[str, object] | None
    version: int
    updated_at: datetime
    attachments: tuple[AttachmentRecord, ...]


@dataclass(frozen=True, slots=True)
class CaseListRecord:
    """One row of the seed's 검토결과 목록."""

    id: int
    case_no: str
    year: int
    quarter: int
    serial: int
    department: str
    officer: str | None
    title: str
    attachment_count: int
    adoption: str | None
    state: str
    registered_at: datetime
    # The latest approval request: when and by whom (an approver's queue shows them).
    approval_requested_at: datetime | None = None
    approval_requested_by: str | None = None


@dataclass(frozen=True, slots=True)
class CaseQuery:
    """Filters of the case list; ``None`` means any. ``department_id`` also scopes a department's view."""

    year: int | None = None
    quarter: int | None = None
    department_id: int | None = None
    adoption: str | None = None
    state: str | None = None
    states: tuple[str, ...] | None = None
    case_no_prefix: str | None = None
    title_key: str | None = None
    # Leave out requests this staff member made (an approver's queue holds only what others asked).
    not_requested_by: int | None = None


@dataclass(frozen=True, slots=True)
class EventRecord:
    id: int
    at: datetime
    actor: NamedRef | None
    action: str
    state_from: str | None
    state_to: str | None
    note: str | None
    changes: dict[str, object] | None


@dataclass(frozen=True, slots=True)
class CountRow:
    """One cell of a statistics table: how many cases of ``year`` and ``department`` have ``value``."""

    year: int
    department: str
    value: str | None
    count: int
