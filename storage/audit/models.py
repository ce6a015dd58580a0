"""The audit log (감사 기록): who did what to which record, and when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UtcDateTime


class AuditEntry(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    actor_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    action: Mapped[str] = mapped_column(String(50))
    target_type: Mapped[str | None] = mapped_column(String(30))
    target_id: Mapped[int | None] = mapped_column(Integer)
    details: Mapped[dict[str, object] | None] = mapped_column(JSON)


Index("ix_audit_log_action_at", AuditEntry.action, AuditEntry.at)
# A record's history (a complex's changes, newest first) reads only its own entries.
Index("ix_audit_log_target_at", AuditEntry.target_type, AuditEntry.target_id, AuditEntry.at)
