"""The staff notification outbox: a message written in the same transaction as what it announces and
sent by the bot afterwards."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UtcDateTime


class Notification(Base):
    """A message to a staff member, written in the same transaction as what it announces and sent by the
    bot afterwards, so a restart between the two loses nothing."""

    __tablename__ = "notification"
    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("benchmark_case.id", ondelete="CASCADE"), index=True)
    payload: Mapped[dict[str, object]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(300))
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Given up on (the staff member blocked the bot, or unbound): kept for the record, never retried.
    abandoned_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)
    # Where the message went, so it can be edited later (an approval request closed by a decision).
    telegram_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    # Set on a row whose delivery edits the message of notification ``updates_id`` instead of sending one.
    updates_id: Mapped[int | None] = mapped_column(ForeignKey("notification.id", ondelete="CASCADE"))


Index("ix_notification_due", Notification.sent_at, Notification.abandoned_at, Notification.next_attempt_at)
