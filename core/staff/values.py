"""Values of staff administration: the staff list and a member's page, grants and their scopes, drafts and
changes of members, link codes, admin sessions, API tokens and sign-in counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from core.values import StaffMember

PAGE_SIZE = 20


class ScopeKind(StrEnum):
    NONE = "none"
    DEPARTMENT = "department"
    DONGS = "dongs"


@dataclass(frozen=True, slots=True)
class StaffQuery:
    text: str = ""
    active: bool | None = None  # None: active and inactive alike
    page: int = 0  # 0-based
    size: int = PAGE_SIZE


@dataclass(frozen=True, slots=True)
class StaffRow:
    """One staff member as the admin pages show them (grants come from ``uow.grants``)."""

    id: int
    saeol_id: str
    name: str
    department_id: int
    department: str
    active: bool
    telegram_user_id: int | None
    language: str
    created_at: datetime
    version: int


@dataclass(frozen=True, slots=True)
class NamedRow:
    """A department or an administrative dong, as a choice in a form."""

    id: int
    name: str


@dataclass(frozen=True, slots=True)
class StaffSummary:
    id: int
    saeol_id: str
    name: str
    department: str
    active: bool
    telegram_bound: bool
    grants: tuple[GrantView, ...] = ()  # the roles column of the list, by permission


@dataclass(frozen=True, slots=True)
class GrantView:
    permission: str
    department_id: int | None
    department: str | None
    dong_ids: tuple[int, ...]
    dongs: tuple[str, ...]  # names, in the district's order
    granted_at: datetime  # in the office's zone

    @property
    def scope(self) -> ScopeKind:
        if self.department_id is not None:
            return ScopeKind.DEPARTMENT
        return ScopeKind.DONGS if self.dong_ids else ScopeKind.NONE


@dataclass(frozen=True, slots=True)
class StaffDetail:
    id: int
    saeol_id: str
    name: str
    department_id: int
    department: str
    active: bool
    telegram_bound: bool
    language: str
    created_at: datetime  # in the office's zone
    version: int  # send it back with an edit: a change made meanwhile by someone else is then refused
    grants: tuple[GrantView, ...]


@dataclass(frozen=True, slots=True)
class RoleChoices:
    """What a grant form offers: each permission with the scope it may carry, and the scopes' choices."""

    permissions: tuple[tuple[str, ScopeKind], ...]
    departments: tuple[NamedRow, ...]
    dongs: tuple[NamedRow, ...]


@dataclass(frozen=True, slots=True)
class StaffDraft:
    saeol_id: str
    name: str
    department: str


@dataclass(frozen=True, slots=True)
class StaffEdit:
    """A change of name and/or department (None keeps the saved value), made on ``version`` of the member."""

    name: str | None
    department: str | None
    version: int


@dataclass(frozen=True, slots=True)
class GrantRequest:
    permission: str
    department_id: int | None = None
    dong_ids: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class AdminMade:
    """What ``dongne admin create`` or ``admin password`` did besides setting the password: the member was
    created as an admin, or granted ``admin``, or was one already (neither)."""

    staff: StaffMember
    created: bool = False
    granted: bool = False


@dataclass(frozen=True, slots=True)
class LinkCodeIssued:
    staff: StaffMember
    code: str
    expires_at: datetime  # in the office's zone


@dataclass(frozen=True, slots=True)
class SessionRecord:
    id: int
    staff_id: int
    csrf_token: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class ApiTokenRecord:
    id: int
    name: str
    created_by_id: int
    created_by: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True, slots=True)
class SignInCount:
    """Sign-in attempts not (yet) proven right, and when the last one was counted."""

    attempts: int
    last_attempt_at: datetime
