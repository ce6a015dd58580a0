"""The housing registry's values: what the repository hands back and the card staff see. What personal
data a reader may see is decided once (see ``core.masking``), so views carry already-masked fields."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class ComplexSummary:
    id: int
    name: str
    admin_dong: str
    address: str
    household_count: int


@dataclass(frozen=True, slots=True)
class ComplexDetail:
    id: int
    name: str
    kind: str
    management_type: str | None
    kapt_code: str | None
    kapt_management_mode: str | None
    admin_dong_id: int
    admin_dong: str
    admin_dong_short: str
    address: str
    building_count: int
    household_count: int
    floors_min: int | None
    floors_max: int | None
    approved_on: date | None
    households_by_area: tuple[int, int, int, int, int]
    remarks: str | None
    version: int
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class OfficeRecord:
    phone: str | None
    fax: str | None
    manager_name: str | None
    manager_birth_date: date | None
    manager_mobile: str | None
    manager_license_no: str | None
    manager_license_grade: str | None
    manager_assigned_on: date | None


@dataclass(frozen=True, slots=True)
class RepresentativeRecord:
    id: int
    position: str
    name: str
    gender: str | None
    birth_date: date | None
    building_unit: str | None
    phone: str | None
    term_start: date | None
    term_end: date | None


@dataclass(frozen=True, slots=True)
class GroupRecord:
    id: int
    kind: str
    name: str
    leader_position: str | None
    leader_name: str | None
    leader_phone: str | None
    leader_email: str | None
    member_count: int | None
    formed_on: date | None


@dataclass(frozen=True, slots=True)
class SupportProjectRecord:
    id: int
    kind: str
    name: str
    period_start: date | None
    period_end: date | None
    amount: int
    returned_amount: int


@dataclass(frozen=True, slots=True)
class ComplexSections:
    """Everything the one-screen card shows, read in a fixed number of queries."""

    detail: ComplexDetail
    office: OfficeRecord | None
    representatives: tuple[RepresentativeRecord, ...]
    groups: tuple[GroupRecord, ...]
    projects: tuple[SupportProjectRecord, ...]
    photo_count: int


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
