"""Benchmarking cases (벤치마킹), their history, serial numbers and attachments."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UtcDateTime

CASE_STATES = ("registered", "reviewed", "approval_requested", "approved", "returned")
ADOPTIONS = ("adopt", "adopt_modified", "long_term", "not_adopted")
PROGRESS_RESULTS = ("completed", "in_progress", "not_pursued")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class BenchmarkCase(Base):
    """벤치마킹 대상: a policy seen elsewhere, registered by the coordinator for a department to review."""

    __tablename__ = "benchmark_case"
    __table_args__ = (
        UniqueConstraint("year", "quarter", "serial", name="uq_benchmark_case_number"),
        CheckConstraint("quarter BETWEEN 1 AND 4", name="quarter_known"),
        CheckConstraint(_one_of("state", CASE_STATES), name="state_known"),
        CheckConstraint(f"adoption IS NULL OR {_one_of('adoption', ADOPTIONS)}", name="adoption_known"),
        CheckConstraint(
            f"progress_result IS NULL OR {_one_of('progress_result', PROGRESS_RESULTS)}", name="progress_known"
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    case_no: Mapped[str] = mapped_column(String(20), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    quarter: Mapped[int] = mapped_column(Integer)
    serial: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    # Lower-cased title without spaces: what a title search is matched against.
    title_key: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(200))
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    registered_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    registered_at: Mapped[datetime] = mapped_column(UtcDateTime)
    state: Mapped[str] = mapped_column(String(20))
    # The submitted review and progress report; a department's unsent work lives in ``draft`` instead,
    # so statistics never count a draft.
    adoption: Mapped[str | None] = mapped_column(String(20))
    review_opinion: Mapped[str | None] = mapped_column(Text)
    reviewed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    progress_result: Mapped[str | None] = mapped_column(String(20))
    progress_note: Mapped[str | None] = mapped_column(Text)
    # Each approval request is a new round; an approve button names its round so a tap on the message
    # of an earlier, returned request cannot approve a later one unseen.
    approval_round: Mapped[int] = mapped_column(Integer, default=0)
    approval_requested_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    approval_requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    return_reason: Mapped[str | None] = mapped_column(Text)
    draft: Mapped[dict[str, object] | None] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # Optimistic lock, raised by every change: an edit names the version it read.
    version: Mapped[int] = mapped_column(Integer, default=1)


class BenchmarkCaseSerial(Base):
    """The last serial handed out per quarter: incremented inside the registering transaction, so numbers
    are unique under concurrency and a rolled-back registration leaves no gap."""

    __tablename__ = "benchmark_case_serial"
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    quarter: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_serial: Mapped[int] = mapped_column(Integer)


class BenchmarkEvent(Base):
    """이력: every transition and edit of a case: who, what, when, the text entered, old and new values."""

    __tablename__ = "benchmark_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("benchmark_case.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    action: Mapped[str] = mapped_column(String(30))
    state_from: Mapped[str | None] = mapped_column(String(20))
    state_to: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    changes: Mapped[dict[str, object] | None] = mapped_column(JSON)


class BenchmarkAttachment(Base):
    """관련자료: a document or photo sent in the chat. The bytes are kept in the database so every process
    sharing it (bot, admin endpoint) can serve them; ``case_id`` is empty while a registration is in progress."""

    __tablename__ = "benchmark_attachment"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("benchmark_case.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    file_name: Mapped[str] = mapped_column(String(200))
    mime_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    telegram_file_id: Mapped[str | None] = mapped_column(String(200))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    uploaded_at: Mapped[datetime] = mapped_column(UtcDateTime)


Index("ix_benchmark_case_department_state", BenchmarkCase.department_id, BenchmarkCase.state)
Index("ix_benchmark_case_state", BenchmarkCase.state)
Index("ix_benchmark_case_year_quarter", BenchmarkCase.year, BenchmarkCase.quarter)
