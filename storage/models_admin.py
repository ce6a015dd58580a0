"""The admin endpoint's tables: sign-in sessions, throttling, API tokens, role scopes, support criteria.

Admins are staff members (전산정보과) holding the ``admin`` permission and a password; deactivating the
staff member ends their sessions and their API tokens with them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, UtcDateTime


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


class SupportCriterion(Base):
    """지원기준: the rules by which the district supports complexes (a reference list admins keep)."""

    __tablename__ = "support_criterion"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    max_amount: Mapped[int | None] = mapped_column(Integer)  # thousand won
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
