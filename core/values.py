"""Values that services return. Repository records are re-exported; what personal data a reader may
see is decided here once (see ``core.masking``), so views carry already-masked fields."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Generic, TypeVar

from storage.records import (
    AdminDongRecord,
    ComplexDetail,
    ComplexSummary,
    GrantRecord,
    GrantScope,
    StaffRecord,
    SupportProjectRecord,
)

StaffMember = StaffRecord
AdminDong = AdminDongRecord

T = TypeVar("T")

__all__ = [
    "AdminDong",
    "BirthDate",
    "ComplexCard",
    "ComplexDetail",
    "ComplexSummary",
    "GrantRecord",
    "GrantScope",
    "GroupView",
    "LinkCodeIssued",
    "ManagerView",
    "Page",
    "RepresentativeView",
    "StaffMember",
    "SupportProjectRecord",
]


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: tuple[T, ...]
    number: int  # 0-based
    size: int
    total: int

    @property
    def count(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def has_previous(self) -> bool:
        return self.number > 0

    @property
    def has_next(self) -> bool:
        return (self.number + 1) * self.size < self.total


@dataclass(frozen=True, slots=True)
class BirthDate:
    """A birth date as the reader may see it: the full date, or only the year when masked."""

    year: int
    full: date | None

    @classmethod
    def of(cls, value: date | None, *, masked: bool) -> BirthDate | None:
        if value is None:
            return None
        return cls(year=value.year, full=None if masked else value)


@dataclass(frozen=True, slots=True)
class ManagerView:
    office_phone: str | None
    office_fax: str | None
    name: str | None
    birth: BirthDate | None
    mobile: str | None
    license_no: str | None
    license_grade: str | None
    assigned_on: date | None


@dataclass(frozen=True, slots=True)
class RepresentativeView:
    position: str
    name: str
    gender: str | None
    birth: BirthDate | None
    building_unit: str | None
    phone: str | None
    term_start: date | None
    term_end: date | None


@dataclass(frozen=True, slots=True)
class GroupView:
    kind: str
    name: str
    leader_position: str | None
    leader_name: str | None
    leader_phone: str | None
    leader_email: str | None
    member_count: int | None
    formed_on: date | None


@dataclass(frozen=True, slots=True)
class ComplexCard:
    """공동주택 조회: the one-screen card of the seed report."""

    detail: ComplexDetail
    office: ManagerView | None
    representatives: tuple[RepresentativeView, ...]
    groups: tuple[GroupView, ...]
    projects: tuple[SupportProjectRecord, ...]
    photo_count: int
    personal_data_masked: bool


@dataclass(frozen=True, slots=True)
class LinkCodeIssued:
    staff: StaffRecord
    code: str
    expires_at: datetime  # in the office's zone
