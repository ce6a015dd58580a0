"""Plain values the SMS outbox repository hands back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class SmsCandidate:
    """A person a selection reaches, before phone validation."""

    name: str
    phone: str | None
    complex_id: int | None
    complex_name: str | None
    position: str | None = None  # a representative's 직위


@dataclass(frozen=True, slots=True)
class NewSmsMessage:
    name: str
    phone: str
    complex_name: str | None
    body: str
    idempotency_key: str


@dataclass(frozen=True, slots=True)
class SmsBatchRecord:
    id: int
    created_by_id: int
    created_by_name: str
    created_at: datetime
    text: str
    message_type: str
    byte_length: int
    sender_number: str
    scheduled_at: datetime | None
    description: dict[str, object]
    recipient_count: int
    cancelled_at: datetime | None
    request_digest: str | None = None
    subject: str | None = None
    via_ums: bool = True


@dataclass(frozen=True, slots=True)
class SmsMessageRecord:
    id: int
    batch_id: int
    name: str
    phone: str
    complex_name: str | None
    body: str
    idempotency_key: str
    state: str
    due_at: datetime
    attempts: int
    last_error: str | None
    state_changed_at: datetime
    submitted_at: datetime | None
    ums_message_id: str | None
    failure_reason: str | None
    message_type: str = "sms"
    sender_number: str = ""
    subject: str | None = None  # the batch's, for an LMS


@dataclass(frozen=True, slots=True)
class OverdueBatch:
    batch_id: int
    created_by_id: int
    overdue: int
    due_at: datetime


@dataclass(frozen=True, slots=True)
class SavedListRecord:
    id: int
    owner_id: int
    name: str
    created_at: datetime
    entry_count: int


@dataclass(frozen=True, slots=True)
class SavedEntry:
    name: str
    phone: str
    complex_id: int | None
    complex_name: str | None


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    """A delivery report as the UMS sent it (pushed or polled), naming its message either way."""

    report_id: str  # unique per report, for duplicate protection
    ums_message_id: str | None
    idempotency_key: str | None
    delivered: bool
    reason: str | None = None
