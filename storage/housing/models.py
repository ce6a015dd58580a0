"""The housing registry (공동주택): complexes, their management offices, representatives, resident
groups, support projects and photos."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UtcDateTime


class Complex(Base):
    """공동주택 단지."""

    __tablename__ = "complex"
    __table_args__ = (
        CheckConstraint("building_count >= 0 AND household_count >= 0", name="counts_non_negative"),
        CheckConstraint("kind IN ('apartment', 'row_house')", name="kind_known"),
        # What a representative's (complex_id, admin_dong_id) refers to (see Representative.admin_dong_id).
        Index("uq_complex_id_admin_dong", "id", "admin_dong_id", unique=True),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    # Name with spaces removed and case folded: what a search fragment is matched against.
    name_key: Mapped[str] = mapped_column(String(100), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    management_type: Mapped[str | None] = mapped_column(String(20))
    kapt_code: Mapped[str | None] = mapped_column(String(20), unique=True)
    kapt_management_mode: Mapped[str | None] = mapped_column(String(20))
    admin_dong_id: Mapped[int] = mapped_column(ForeignKey("admin_dong.id"), index=True)
    address: Mapped[str] = mapped_column(String(200))
    building_count: Mapped[int] = mapped_column(Integer)
    household_count: Mapped[int] = mapped_column(Integer)
    floors_min: Mapped[int | None] = mapped_column(Integer)
    floors_max: Mapped[int | None] = mapped_column(Integer)
    approved_on: Mapped[date | None] = mapped_column(Date)
    households_area_1: Mapped[int] = mapped_column(Integer, default=0)
    households_area_2: Mapped[int] = mapped_column(Integer, default=0)
    households_area_3: Mapped[int] = mapped_column(Integer, default=0)
    households_area_4: Mapped[int] = mapped_column(Integer, default=0)
    households_area_5: Mapped[int] = mapped_column(Integer, default=0)
    remarks: Mapped[str | None] = mapped_column(Text)
    # Rental households inside another complex's buildings (소셜믹스) are registered as a complex of their
    # own whose buildings are that estate's: the district's building total counts them once, there.
    buildings_shared_with_id: Mapped[int | None] = mapped_column(ForeignKey("complex.id"))
    # Where the complex stands (WGS 84 degrees, as Telegram's location messages give them); core sets both or
    # neither.
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # Who saved the last change through the ledger (None: loaded in bulk).
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    # Optimistic lock: an edit names the version it read, so concurrent edits cannot silently overwrite.
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class ComplexNameGram(Base):
    """Every piece of one, two or three letters of a complex's ``name_key``, so a search by part of a name
    looks up the complexes holding its pieces instead of reading every name (migration 0021). Triggers on
    ``complex`` keep it, whichever process writes; nothing in Python writes it."""

    __tablename__ = "complex_name_gram"
    gram: Mapped[str] = mapped_column(String(3), primary_key=True)
    complex_id: Mapped[int] = mapped_column(ForeignKey("complex.id", ondelete="CASCADE"), primary_key=True, index=True)


class ManagementOffice(Base):
    """관리사무소 and its chief (관리소장)."""

    __tablename__ = "management_office"
    id: Mapped[int] = mapped_column(primary_key=True)
    complex_id: Mapped[int] = mapped_column(ForeignKey("complex.id", ondelete="CASCADE"), unique=True)
    phone: Mapped[str | None] = mapped_column(String(20))
    fax: Mapped[str | None] = mapped_column(String(20))
    manager_name: Mapped[str | None] = mapped_column(String(50))
    manager_birth_date: Mapped[date | None] = mapped_column(Date)
    manager_mobile: Mapped[str | None] = mapped_column(String(20))
    manager_license_no: Mapped[str | None] = mapped_column(String(30))
    manager_license_grade: Mapped[str | None] = mapped_column(String(10))
    manager_assigned_on: Mapped[date | None] = mapped_column(Date)
    # Who saved the last change through the ledger and when (None: loaded in bulk), and the optimistic lock.
    updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class Representative(Base):
    """입주자대표 구성원."""

    __tablename__ = "representative"
    __table_args__ = (
        CheckConstraint("term_end IS NULL OR term_start IS NULL OR term_end > term_start", name="term_order"),
        # The complex's dong, copied so the statistics count per dong from an index alone; the database keeps
        # it the complex's (a complex moved to another dong carries its representatives along).
        ForeignKeyConstraint(
            ["complex_id", "admin_dong_id"],
            ["complex.id", "complex.admin_dong_id"],
            name="fk_representative_complex_dong",
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        Index("ix_representative_dong_position", "admin_dong_id", "position_id"),
        Index("ix_representative_term_end", "term_end"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    complex_id: Mapped[int] = mapped_column(ForeignKey("complex.id", ondelete="CASCADE"), index=True)
    admin_dong_id: Mapped[int] = mapped_column(Integer)
    position_id: Mapped[int] = mapped_column(ForeignKey("position.id"))
    name: Mapped[str] = mapped_column(String(50))
    gender: Mapped[str | None] = mapped_column(String(1))
    birth_date: Mapped[date | None] = mapped_column(Date)
    building_unit: Mapped[str | None] = mapped_column(String(30))
    phone: Mapped[str | None] = mapped_column(String(20))
    term_start: Mapped[date | None] = mapped_column(Date)
    term_end: Mapped[date | None] = mapped_column(Date)
    # Who saved the last change through the ledger and when (None: loaded in bulk), and the optimistic lock.
    updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class ResidentGroup(Base):
    """자생단체 of a complex: community-activation group or other self-run group."""

    __tablename__ = "resident_group"
    __table_args__ = (
        CheckConstraint("kind IN ('community_activation', 'other')", name="kind_known"),
        CheckConstraint("member_count IS NULL OR member_count >= 0", name="members_non_negative"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    complex_id: Mapped[int] = mapped_column(ForeignKey("complex.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(100))
    leader_position: Mapped[str | None] = mapped_column(String(20))
    leader_name: Mapped[str | None] = mapped_column(String(50))
    leader_phone: Mapped[str | None] = mapped_column(String(20))
    leader_email: Mapped[str | None] = mapped_column(String(100))
    member_count: Mapped[int | None] = mapped_column(Integer)
    formed_on: Mapped[date | None] = mapped_column(Date)
    members: Mapped[str | None] = mapped_column(String(1000))  # 회원 명단, one name a line
    # Who saved the last change through the ledger and when (None: loaded in bulk), and the optimistic lock.
    updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class SupportProject(Base):
    """지원사업: a district grant to a complex, amounts in thousand won."""

    __tablename__ = "support_project"
    __table_args__ = (
        CheckConstraint("amount >= 0 AND returned_amount >= 0", name="amounts_non_negative"),
        CheckConstraint("returned_amount <= amount", name="returned_within_amount"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    complex_id: Mapped[int] = mapped_column(ForeignKey("complex.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(100))
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(Integer)
    returned_amount: Mapped[int] = mapped_column(Integer, default=0)
    # Who saved the last change through the ledger and when (None: loaded in bulk), and the optimistic lock.
    updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class ManagerHistory(Base):
    """관리소장 이력: a complex's previous managers, kept when the ledger names a new one."""

    __tablename__ = "manager_history"
    id: Mapped[int] = mapped_column(primary_key=True)
    complex_id: Mapped[int] = mapped_column(ForeignKey("complex.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    birth_date: Mapped[date | None] = mapped_column(Date)
    mobile: Mapped[str | None] = mapped_column(String(20))
    license_no: Mapped[str | None] = mapped_column(String(30))
    license_grade: Mapped[str | None] = mapped_column(String(10))
    assigned_on: Mapped[date | None] = mapped_column(Date)
    replaced_on: Mapped[date] = mapped_column(Date)
    replaced_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))


class Photo(Base):
    """사진: a complex's photo. The bytes are kept once per content in the data directory's photo store
    (``file_path``, named by ``sha256``); the same image is refused a second time for the same complex."""

    __tablename__ = "photo"
    __table_args__ = (Index("ux_photo_complex_sha256", "complex_id", "sha256", unique=True),)
    id: Mapped[int] = mapped_column(primary_key=True)
    complex_id: Mapped[int] = mapped_column(ForeignKey("complex.id", ondelete="CASCADE"), index=True)
    caption: Mapped[str | None] = mapped_column(String(200))
    telegram_file_id: Mapped[str | None] = mapped_column(String(200))
    file_path: Mapped[str | None] = mapped_column(String(300))
    taken_on: Mapped[date | None] = mapped_column(Date)
    uploaded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    sha256: Mapped[str] = mapped_column(String(64), index=True, server_default="")
    size: Mapped[int] = mapped_column(Integer, server_default="0")
    content_type: Mapped[str] = mapped_column(String(50), server_default="")
    # How it came from the chat ("photo" or "document"): Telegram sends it back the same way by its file id.
    sent_as: Mapped[str] = mapped_column(String(10), server_default="photo")
    version: Mapped[int] = mapped_column(Integer, server_default="1")


class ReminderDay(Base):
    """An office day whose reminders to the housing staff are queued: one row a day, so a restart or a second
    process on the same day queues none again."""

    __tablename__ = "housing_reminder_day"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    queued_at: Mapped[datetime] = mapped_column(UtcDateTime)
    recipients: Mapped[int] = mapped_column(Integer)


Index("ix_complex_dong_name", Complex.admin_dong_id, Complex.name)


class Complaint(Base):
    """민원: the ledger kept by hand beside the 응답소 system. received → in_progress → closed (with a result)."""

    __tablename__ = "complaint"
    __table_args__ = (
        CheckConstraint("state IN ('received', 'in_progress', 'closed')", name="state_known"),
        CheckConstraint(
            "channel IN ('visit', 'phone', 'eungdapso', 'letter', 'online')",
            name="channel_known",
        ),
        CheckConstraint(
            "(state = 'closed') = (closed_on IS NOT NULL AND result IS NOT NULL)", name="closed_with_result"
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    complex_id: Mapped[int] = mapped_column(ForeignKey("complex.id", ondelete="CASCADE"), index=True)
    received_on: Mapped[date] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(20))
    complainant: Mapped[str | None] = mapped_column(String(50))
    contact: Mapped[str | None] = mapped_column(String(20))
    content: Mapped[str] = mapped_column(Text)
    assignee_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    state: Mapped[str] = mapped_column(String(20))
    result: Mapped[str | None] = mapped_column(Text)
    closed_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Optimistic lock: every change names the version it read, checked in the UPDATE's WHERE.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


# Open complaints by age (the overdue list, the reminders job) and per complex (the card's count).
Index("ix_complaint_state_received_on", Complaint.state, Complaint.received_on)
# The nearest-complex search reads a box of latitude and longitude around a point from this index alone.
Index("ix_complex_location", Complex.latitude, Complex.longitude)
