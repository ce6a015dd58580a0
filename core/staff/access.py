"""Signing in to the admin endpoint: passwords, sessions, throttling and API tokens.

Admins are staff members holding ``admin`` with a password (``dongne admin create``). A session or an
API token is only as good as the staff member behind it: deactivate them, or take ``admin`` away, and
their next request is refused; their API tokens are then revoked for good (``StaffAdministration``), so
granting ``admin`` again does not revive a token left in some script."""

from __future__ import annotations

import asyncio
import functools
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from core.clock import Clock
from core.errors import DongneError, InvalidInput, NotFound, PermissionDenied
from core.permissions import Permission, can, require
from core.staff.directory import SAEOL_ID
from core.staff.throttle import FORGET_AFTER, SignInThrottle, SignInThrottled
from core.staff.values import ApiTokenRecord
from core.values import StaffMember
from storage.uow import UnitOfWorkFactory

# OWASP's minimum for argon2id is 19 MiB and 2 passes; the library's defaults (64 MiB, 3 passes) exceed it.
HASHER = PasswordHasher()
MIN_PASSWORD = 10
MAX_PASSWORD = 200
SESSION_IDLE = timedelta(minutes=30)  # a forgotten browser in a shared office signs itself out
SESSION_LONGEST = timedelta(hours=10)  # one working day, then sign in again
TOKEN_NAME_LIMIT = 60


@functools.cache
def _dummy_hash() -> str:
    """Spent on an unknown username too, so the reply time does not tell which usernames exist. Made at the
    first sign-in, not at import: hashing takes argon2's 64 MiB and 0.1 s, which every process (the bot, each
    CLI command) would otherwise pay at start-up."""
    return HASHER.hash("dongne-timing-equaliser")


class SignInRefused(DongneError):
    """Wrong username or password, or not an admin: one reply for all, so it does not help a guesser."""

    code = "sign_in_refused"


def _verify(stored: str, password: str) -> bool:
    try:
        return bool(HASHER.verify(stored, password))
    except (VerificationError, InvalidHashError):
        return False


async def password_matches(stored: str, password: str) -> bool:
    """The memory-hard check, in a thread so the bot beside the endpoint keeps answering meanwhile."""
    return await asyncio.to_thread(_verify, stored, password)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput("password_too_short", minimum=MIN_PASSWORD)
    if len(password) > MAX_PASSWORD:
        raise InvalidInput("password_too_long", limit=MAX_PASSWORD)
    if len(set(password)) < 4:
        raise InvalidInput("password_too_simple")
    return password


@dataclass(frozen=True, slots=True)
class IssuedSession:
    token: str  # for the cookie; only its hash is stored
    csrf_token: str
    staff: StaffMember
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class ActiveSession:
    staff: StaffMember
    csrf_token: str

    def csrf_matches(self, candidate: str | None) -> bool:
        return candidate is not None and hmac.compare_digest(candidate.encode(), self.csrf_token.encode())


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: str  # shown once
    record: ApiTokenRecord


class AdminAccess:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock
        self._throttle = SignInThrottle(clock)

    async def set_password(self, actor: StaffMember, saeol_id: str, password: str) -> StaffMember:
        """The CLI's ``admin create``/``admin password``: the staff member must hold ``admin``."""
        require(actor, Permission.ADMIN)
        hashed = await asyncio.to_thread(HASHER.hash, check_password(password))
        async with self._uow(write=True) as uow:
            staff = await uow.staff.find_staff_by_saeol_id(saeol_id.strip().lower())
            if staff is None:
                raise NotFound(saeol_id)
            if not can(staff, Permission.ADMIN):
                raise PermissionDenied(f"{staff.saeol_id} is not an admin", permission=Permission.ADMIN.value)
            await uow.admin.set_password_hash(staff.id, hashed)
            await uow.admin.delete_sessions_of(staff.id)  # a new password ends every old session
            await uow.audit.record(
                at=self._clock.now(),
                actor_staff_id=actor.id or None,
                action="admin.password",
                target_type="staff",
                target_id=staff.id,
            )
            await uow.commit()
        return staff

    async def sign_in(self, username: str, password: str, address: str) -> IssuedSession:
        name = username.strip().lower()[:40]
        if not name:
            raise SignInRefused(name)  # names no account, so it guesses nothing: refused without counting
        now = self._clock.now()
        # The attempt is counted before its password is checked (core.staff.throttle), in a short transaction;
        # the check's ~0.1 s of memory-hard work runs with none open, so SQLite's write lock is not held meanwhile.
        async with self._uow(write=True) as uow:
            staff = await uow.staff.find_staff_by_saeol_id(name) if SAEOL_ID.match(name) else None
            stored = await uow.admin.find_password_hash(staff.id) if staff is not None else None
            wait = await self._throttle.count_attempt(uow, name, address, now)
            if wait:
                throttled = SignInThrottled(wait)
                await uow.audit.record(
                    at=now,
                    actor_staff_id=staff.id if staff else None,
                    action="admin.sign_in_throttled",
                    details={"username": name, "address": address, "wait_seconds": throttled.seconds},
                )
                await uow.commit()
                raise throttled
            await uow.commit()
        verified = await password_matches(stored or _dummy_hash(), password) and stored is not None
        rehashed = None
        if verified and stored is not None and HASHER.check_needs_rehash(stored):
            rehashed = await asyncio.to_thread(HASHER.hash, password)
        async with self._uow(write=True) as uow:
            if staff is None or not verified or not can(staff, Permission.ADMIN):
                await uow.audit.record(
                    at=now,
                    actor_staff_id=staff.id if staff else None,
                    action="admin.sign_in_failed",
                    details={"username": name, "address": address},
                )
                await uow.commit()
                raise SignInRefused(name)
            if rehashed is not None:
                await uow.admin.set_password_hash(staff.id, rehashed)
            token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
            expires_at = now + SESSION_LONGEST
            await uow.admin.forget_expired_sessions(now)
            await SignInThrottle.proven_right(uow, name, address)
            await uow.admin.forget_sign_in_counters(now - FORGET_AFTER)
            await uow.admin.add_session(
                staff_id=staff.id,
                token_hash=_digest(token),
                csrf_token=csrf,
                address=address,
                now=now,
                expires_at=expires_at,
            )
            await uow.audit.record(
                at=now, actor_staff_id=staff.id, action="admin.sign_in", details={"address": address}
            )
            await uow.commit()
        return IssuedSession(token=token, csrf_token=csrf, staff=staff, expires_at=expires_at)

    async def resume(self, token: str | None) -> ActiveSession | None:
        """The session a cookie names, if it is still good: not expired, not idle too long, and its staff
        member still an active admin. Each use moves the idle deadline."""
        if not token:
            return None
        now = self._clock.now()
        async with self._uow(write=True) as uow:
            session = await uow.admin.find_session(_digest(token))
            if session is None:
                return None
            idle_since = self._clock.local(session.last_seen_at)
            expired = self._clock.local(session.expires_at) <= self._clock.local(now)
            if expired or idle_since + SESSION_IDLE <= self._clock.local(now):
                await uow.admin.delete_session(session.id)
                await uow.commit()
                return None
            staff = await uow.staff.get_staff(session.staff_id)
            if staff is None or not can(staff, Permission.ADMIN):
                await uow.admin.delete_session(session.id)
                await uow.commit()
                return None
            await uow.admin.touch_session(session.id, now)
            await uow.commit()
        return ActiveSession(staff=staff, csrf_token=session.csrf_token)

    async def sign_out(self, token: str | None) -> None:
        if not token:
            return
        async with self._uow(write=True) as uow:
            session = await uow.admin.find_session(_digest(token))
            if session is not None:
                await uow.admin.delete_session(session.id)
                await uow.audit.record(at=self._clock.now(), actor_staff_id=session.staff_id, action="admin.sign_out")
                await uow.commit()

    # -- API tokens -----------------------------------------------------------------------------------

    async def create_token(self, actor: StaffMember, name: str) -> IssuedToken:
        require(actor, Permission.ADMIN)
        label = " ".join(name.split())
        if not label or len(label) > TOKEN_NAME_LIMIT:
            raise InvalidInput("token_name", limit=TOKEN_NAME_LIMIT)
        token = "dn_" + secrets.token_urlsafe(32)
        now = self._clock.now()
        async with self._uow(write=True) as uow:
            token_id = await uow.admin.add_api_token(
                name=label, token_hash=_digest(token), created_by_id=actor.id, now=now
            )
            await uow.audit.record(
                at=now,
                actor_staff_id=actor.id,
                action="admin.token_create",
                target_type="api_token",
                target_id=token_id,
                details={"name": label},
            )
            record = await uow.admin.find_api_token(_digest(token))
            await uow.commit()
        assert record is not None
        return IssuedToken(token=token, record=record)

    async def list_tokens(self, actor: StaffMember) -> list[ApiTokenRecord]:
        require(actor, Permission.ADMIN)
        async with self._uow() as uow:
            return await uow.admin.list_api_tokens()

    async def revoke_token(self, actor: StaffMember, token_id: int) -> None:
        require(actor, Permission.ADMIN)
        async with self._uow(write=True) as uow:
            if not await uow.admin.revoke_api_token(token_id, self._clock.now()):
                raise InvalidInput("token_not_active")
            await uow.audit.record(
                at=self._clock.now(),
                actor_staff_id=actor.id,
                action="admin.token_revoke",
                target_type="api_token",
                target_id=token_id,
            )
            await uow.commit()

    async def authenticate_token(self, token: str | None) -> StaffMember | None:
        """The admin a bearer token acts for, while the token is live and they are still an active admin."""
        if not token or not token.startswith("dn_"):
            return None
        async with self._uow(write=True) as uow:
            record = await uow.admin.find_api_token(_digest(token))
            if record is None or record.revoked_at is not None:
                return None
            staff = await uow.staff.get_staff(record.created_by_id)
            if staff is None or not can(staff, Permission.ADMIN):
                return None
            await uow.admin.mark_api_token_used(record.id, self._clock.now())
            await uow.commit()
        return staff
