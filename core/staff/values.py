"""Values of staff administration: link codes, admin sessions, API tokens and sign-in counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.values import StaffMember


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
