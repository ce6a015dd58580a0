"""The SMS outbox (문자전송): a batch per send, one message row per recipient, and the delivery reports
already applied. The outbox is the source of truth: the dispatcher submits what is due and records what
the UMS answered, so a restart loses nothing and the idempotency key keeps a resubmission harmless."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UtcDateTime


class SmsBatch(Base):
    __tablename__ = "sms_batch"
    # A caller's key for one send request: the same key again returns the batch it made, never a second one.
    __table_args__ = (UniqueConstraint("created_by_id", "request_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    text: Mapped[str] = mapped_column(Text)
    message_type: Mapped[str] = mapped_column(String(3))
    subject: Mapped[str | None] = mapped_column(String(40))  # an LMS's 제목 (core.sms.text.SUBJECT_CHAR_LIMIT)
    byte_length: Mapped[int] = mapped_column(Integer)
    sender_number: Mapped[str] = mapped_column(String(20))
    scheduled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # None: send now
    # The selection and what was left out at send time (invalid numbers, people without a mobile).
    description: Mapped[dict[str, object]] = mapped_column(JSON)
    recipient_count: Mapped[int] = mapped_column(Integer)
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    # When the "due but not sent" alert went out, so it goes out once per batch.
    alerted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    request_key: Mapped[str | None] = mapped_column(String(80))
    # What the request asked for, so the same key with a different request is refused, not confused.
    request_digest: Mapped[str | None] = mapped_column(String(64))
    # Whether the sending process had a UMS: what screens say of the batch, whatever the viewer's settings.
    via_ums: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class SmsMessage(Base):
    __tablename__ = "sms_message"
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("sms_batch.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(50))
    phone: Mapped[str] = mapped_column(String(20))
    complex_name: Mapped[str | None] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)
    # Stable for the life of the message: the UMS applies a key once, whatever the number of submissions.
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    state: Mapped[str] = mapped_column(String(12))
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(300))
    state_changed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    ums_message_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    failure_reason: Mapped[str | None] = mapped_column(String(300))


class SmsSavedList(Base):
    """A named list of recipients a staff member saved (저장된 수신자 목록), to reach the same people again."""

    __tablename__ = "sms_saved_list"
    __table_args__ = (UniqueConstraint("owner_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    entry_count: Mapped[int] = mapped_column(Integer)


class SmsSavedListEntry(Base):
    """One person of a saved list, as they were when it was saved (numbers are checked again at send time)."""

    __tablename__ = "sms_saved_list_entry"
    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("sms_saved_list.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    phone: Mapped[str] = mapped_column(String(20))
    complex_id: Mapped[int | None] = mapped_column(Integer)
    complex_name: Mapped[str | None] = mapped_column(String(100))


class SmsReport(Base):
    """A delivery report already applied: a repeated or replayed report id changes nothing."""

    __tablename__ = "sms_report"
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[str] = mapped_column(String(64), unique=True)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class SmsPendingReport(Base):
    """A delivery report naming a message Dongne does not know yet: the UMS accepted it and reported before
    Dongne recorded the accept (the answer to the submit was lost). It is applied in the transaction that
    records the accept, and forgotten with the report ids when no accept comes."""

    __tablename__ = "sms_pending_report"
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[str] = mapped_column(String(64), unique=True)
    ums_message_id: Mapped[str | None] = mapped_column(String(64), index=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(64), index=True)
    delivered: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str | None] = mapped_column(String(300))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class SmsReportCursor(Base):
    """Where polling for reports goes on, per UMS (its base URL): a restart continues, and another UMS starts
    from its own beginning rather than from a cursor it never issued."""

    __tablename__ = "sms_report_cursor"
    source: Mapped[str] = mapped_column(String(300), primary_key=True)
    cursor: Mapped[str] = mapped_column(String(500))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


# The dispatcher's queries: what is due (by state and next attempt), what waits for a report too long,
# and per-batch counts.
Index("ix_sms_message_state_next_attempt", SmsMessage.state, SmsMessage.next_attempt_at)
Index("ix_sms_message_state_changed", SmsMessage.state, SmsMessage.state_changed_at)
Index("ix_sms_message_batch_state", SmsMessage.batch_id, SmsMessage.state)
