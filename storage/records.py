"""Plain values that repositories hand back: no ORM object leaves ``storage``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class GrantScope:
    """Where a grant applies: one department (benchmarking), or some administrative dongs (housing and
    personal data). Neither means everywhere, as every grant made before scopes existed."""

    department_id: int | None = None
    admin_dong_ids: frozenset[int] = frozenset()

    @property
    def unlimited(self) -> bool:
        return self.department_id is None and not self.admin_dong_ids


@dataclass(frozen=True, slots=True)
class StaffRecord:
    id: int
    saeol_id: str
    name: str
    department: str
    department_id: int
    active: bool
    telegram_user_id: int | None
    language: str
    permissions: frozenset[str]
    # permission -> its grant's scope, only for scoped grants: a permission absent here holds everywhere.
    # Left out of the hash (a mapping has none); equality still compares it.
    scopes: Mapping[str, GrantScope] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, slots=True)
class GrantRecord:
    """One role grant of a staff member as the admin endpoint lists it."""

    staff_id: int
    permission: str
    scope: GrantScope
    granted_at: datetime


@dataclass(frozen=True, slots=True)
class AdminDongRecord:
    id: int
    name: str
    short_name: str
    complex_count: int


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
