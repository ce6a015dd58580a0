"""Staff members (직원), their role grants and scopes, Telegram link codes, and the admin endpoint's
sign-in sessions, throttling counters and API tokens.

Admins are staff members (전산정보과) holding the ``admin`` permission and a password; deactivating the
staff member ends their sessions and their API tokens with them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UtcDateTime


class Staff(Base):
    __tablename__ = "staff"
    id: Mapped[int] = mapped_column(primary_key=True)
    saeol_id: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(50))
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    telegram_user_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    language: Mapped[str] = mapped_column(String(5), default="ko")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # argon2 hash; only admins (전산정보과) sign in to the admin endpoint with a password.
    password_hash: Mapped[str | None] = mapped_column(String(200))
    # Optimistic lock for edits from the admin endpoint.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class StaffRevision(Base):
    """One row whose counter the database's triggers move on every change to staff, their grants, scopes and
    departments (migration 0020): the access gate's cache of who is who is good while it stands still."""

    __tablename__ = "staff_revision"
    id: Mapped[int] = mapped_column(primary_key=True)
    revision: Mapped[int] = mapped_column(BigInteger)


class RoleGrant(Base):
    __tablename__ = "role_grant"
    __table_args__ = (UniqueConstraint("staff_id", "permission", name="uq_role_grant_staff_permission"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    permission: Mapped[str] = mapped_column(String(40))
    granted_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # Scope: one department (benchmarking), or the dongs in role_grant_dong; neither means everywhere.
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))


class LinkCode(Base):
    """A one-time code binding a Telegram account to a staff member; only its hash is kept."""

    __tablename__ = "link_code"
    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class LinkAttempt(Base):
    """A failed binding attempt, kept to throttle guessing from one Telegram account."""

    __tablename__ = "link_attempt"
    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    attempted_at: Mapped[datetime] = mapped_column(UtcDateTime)


class AdminSession(Base):
    __tablename__ = "admin_session"
    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    # Only the hash of the cookie's token is kept, so a copy of the database opens no session.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    address: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)


class SignInCounter(Base):
    """Sign-in attempts not (yet) proven right, counted before the password is checked: per account from one
    client address, and per address over every account (the row with an empty ``username``; an empty
    username is refused before counting). Locking the address's row makes concurrent attempts from one
    address take their turn, so a burst cannot slip past the count."""

    __tablename__ = "sign_in_counter"
    address: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(String(40), primary_key=True)
    attempts: Mapped[int] = mapped_column(Integer)
    last_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class ApiToken(Base):
    """A token for scripts and other systems; it acts as the admin who created it, while they are one."""

    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class RoleGrantDong(Base):
    """A grant scoped to administrative dongs: a housing officer who covers 성수 sees only 성수."""

    __tablename__ = "role_grant_dong"
    grant_id: Mapped[int] = mapped_column(ForeignKey("role_grant.id", ondelete="CASCADE"), primary_key=True)
    admin_dong_id: Mapped[int] = mapped_column(ForeignKey("admin_dong.id", ondelete="CASCADE"), primary_key=True)
