"""Values every domain shares: the acting staff member and their grants, administrative dongs, and a page
of results. Plain frozen dataclasses with no dependencies, so repositories can hand them back as they are."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, TypeVar


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


StaffMember = StaffRecord
AdminDong = AdminDongRecord

T = TypeVar("T")


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
