"""Values every domain shares: the acting staff member and their grants, administrative dongs, the audit
log's entries, the reference lists' entries, and a page of results. Plain frozen dataclasses with no
dependencies, so repositories can hand them back (and take them) as they are."""

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
class StaffMember:
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
class AdminDong:
    id: int
    name: str
    short_name: str
    complex_count: int


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One entry of the audit log. Storage gives ``at`` in UTC as stored (naive on SQLite); the audit log's
    pages give it in the office's zone, with ids of reference entries in ``details`` replaced by names."""

    id: int
    at: datetime
    actor_id: int | None
    actor_name: str | None
    actor_saeol_id: str | None
    action: str
    target_type: str | None
    target_id: int | None
    # What the target is called where the log can tell: a staff member's name, a complex's name, a
    # benchmarking case's number.
    target_name: str | None
    details: Mapping[str, object] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, slots=True)
class AuditQuery:
    """Which entries: all conditions given must hold."""

    # Entries by this staff member, or about them (their account was the target).
    staff_id: int | None = None
    action: str | None = None
    since: datetime | None = None  # inclusive, UTC
    until: datetime | None = None  # exclusive, UTC
    # Entries up to this id only: an export started at one moment lists what was there at that moment.
    up_to_id: int | None = None
    # Entries about one record (a complex's history: ("complex", id)) and of actions starting so ("housing.").
    target: tuple[str, int] | None = None
    action_prefix: str | None = None


@dataclass(frozen=True, slots=True)
class AuditStaff:
    """A staff member, as the audit log's filter offers them."""

    id: int
    name: str
    saeol_id: str
    department: str


@dataclass(frozen=True, slots=True)
class ReferenceEntry:
    """One entry of a reference list; ``usage`` counts the records using it, by what they are."""

    kind: str
    id: int
    name: str
    sort_order: int | None = None
    short_name: str | None = None
    description: str | None = None
    max_amount: int | None = None
    # A support criterion's: a project above max_amount is refused ("refuse") or only warned about ("warn").
    enforcement: str | None = None
    usage: Mapping[str, int] = field(default_factory=dict, hash=False)

    @property
    def in_use(self) -> bool:
        return any(self.usage.values())


@dataclass(frozen=True, slots=True)
class ReferenceDraft:
    """An entry as entered, and (once checked and cleaned) as written: fields a list does not have are
    ignored (a department has only a name)."""

    name: str
    short_name: str | None = None
    description: str | None = None
    max_amount: int | None = None
    enforcement: str | None = None


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
