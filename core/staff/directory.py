"""Staff accounts and binding a Telegram account to one with a one-time link code."""

from __future__ import annotations

import difflib
import hashlib
import re
import secrets
from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta

from core.clock import Clock
from core.errors import (
    AlreadyBound,
    DuplicateStaff,
    InvalidInput,
    LinkCodeRejected,
    NotFound,
    StaffInactive,
    TooManyAttempts,
)
from core.permissions import Permission, parse_permissions, require
from core.staff.identities import Identities
from core.staff.values import LinkCodeIssued
from core.text_input import clean_text
from core.values import StaffMember
from storage.uow import UnitOfWork, UnitOfWorkFactory

# Unambiguous when read aloud or off a screen: no 0/O, 1/I/L.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10  # 31**10 ≈ 8e14 codes; with the throttle below, guessing is hopeless
# Failed attempts one Telegram account may make in the window before it must wait.
MAX_FAILED_ATTEMPTS = 5
ATTEMPT_WINDOW = timedelta(minutes=15)
SAEOL_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{1,29}$")
# An unknown department is most often a typo of a known one ("공동주텍과"): these are offered instead.
CLOSE_DEPARTMENTS = 3
CLOSE_ENOUGH = 0.5
# The columns' widths (storage/staff/models.py: staff.name, department.name).
NAME_LIMIT = 50
DEPARTMENT_LIMIT = 50
LANGUAGES = ("ko", "en")

# The operator at the server's shell (CLI): already trusted with the database itself.
SYSTEM_ACTOR = StaffMember(
    id=0,
    saeol_id="system",
    name="system",
    department="",
    department_id=0,
    active=True,
    telegram_user_id=None,
    language="ko",
    permissions=frozenset({Permission.ADMIN.value}),
)
# The operator at the server's command line (``dongne export …``, ``dongne import …``): reads the whole ledger
# unmasked and loads the office's workbooks into it, audited as the system for both.
OPERATOR = replace(
    SYSTEM_ACTOR,
    saeol_id="operator",
    name="operator",
    permissions=frozenset(
        {
            Permission.ADMIN.value,
            Permission.HOUSING_READ.value,
            Permission.HOUSING_WRITE.value,
            Permission.COMMUNITY_READ.value,
            Permission.COMMUNITY_WRITE.value,
            Permission.PII_VIEW.value,
        }
    ),
)


def hash_code(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def normalize_code(raw: str) -> str:
    return "".join(raw.split()).upper()


class StaffDirectory:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, *, link_code_ttl: timedelta) -> None:
        self._uow = uow
        self._clock = clock
        self._ttl = link_code_ttl
        self._identities = Identities(uow)

    async def identify(self, telegram_user_id: int) -> StaffMember | None:
        """The staff member bound to this Telegram account, active or not; None if nobody is. Remembered
        between updates while nothing about staff changes (``core.staff.identities``)."""
        return await self._identities.identify(telegram_user_id)

    async def members_in_telegram(self) -> list[StaffMember]:
        """Every active member bound to Telegram, with their roles: the bot sets each one's command menu at
        start-up. Not an actor's view of the staff list (nothing here is shown to anyone), so no permission."""
        async with self._uow() as uow:
            return await uow.staff.list_members_in_telegram()

    async def add_staff(
        self,
        actor: StaffMember,
        *,
        saeol_id: str,
        name: str,
        department: str,
        permissions: Sequence[str] = (),
        telegram_user_id: int | None = None,
        create_department: bool = True,
        issue_code: bool = True,
    ) -> tuple[StaffMember, LinkCodeIssued | None]:
        """Create a staff account: the one way the CLI, the admin pages and the JSON API add a member, audited
        as ``staff.add`` with the new member's values. Bind it directly when a Telegram id is given, else issue
        a link code unless ``issue_code`` is off (the admin pages issue one when the admin asks). Without
        ``create_department`` an unknown department is refused (``unknown_department``, with ``near``: the
        known names closest to it) rather than quietly added beside the one that was meant."""
        require(actor, Permission.ADMIN)
        saeol_id = saeol_id.strip().lower()
        if not SAEOL_ID.match(saeol_id):
            raise InvalidInput("invalid_saeol_id", saeol_id[:60])
        clean_name = clean_text(name, "name", NAME_LIMIT)
        clean_department = clean_text(department, "department", DEPARTMENT_LIMIT)
        granted = parse_permissions(tuple(permissions))
        now = self._clock.now()
        async with self._uow(write=True) as uow:
            if await uow.staff.find_staff_by_saeol_id(saeol_id):
                raise DuplicateStaff(saeol_id, saeol_id=saeol_id)
            if telegram_user_id is not None and await uow.staff.telegram_id_taken(telegram_user_id):
                raise AlreadyBound(str(telegram_user_id))
            if not create_department:
                known = [row.name for row in await uow.staff_admin.list_departments()]
                if clean_department not in known:
                    near = difflib.get_close_matches(clean_department, known, CLOSE_DEPARTMENTS, CLOSE_ENOUGH)
                    raise InvalidInput("unknown_department", clean_department, near=", ".join(near))
            department_id = await uow.staff.ensure_department(clean_department)
            staff_id = await uow.staff.add_staff(
                saeol_id=saeol_id, name=clean_name, department_id=department_id, now=now
            )
            await uow.staff.grant(staff_id, granted, now)
            code = None
            if telegram_user_id is not None:
                await uow.staff.bind_telegram(staff_id, telegram_user_id)
            elif issue_code:
                code = await self._new_code(uow, staff_id)
            added = {"saeol_id": saeol_id, "name": clean_name, "department": clean_department}
            await uow.audit.record(
                at=now,
                actor_staff_id=actor.id or None,
                action="staff.add",
                target_type="staff",
                target_id=staff_id,
                details={"old": None, "new": {**added, "permissions": sorted(granted)}},
            )
            staff = await uow.staff.get_staff(staff_id)
            assert staff is not None
            await uow.commit()
        issued = None
        if code is not None:
            issued = LinkCodeIssued(staff=staff, code=code, expires_at=self._clock.local(now + self._ttl))
        return staff, issued

    async def issue_link_code(self, actor: StaffMember, saeol_id: str) -> LinkCodeIssued:
        require(actor, Permission.ADMIN)
        now = self._clock.now()
        async with self._uow(write=True) as uow:
            staff = await uow.staff.find_staff_by_saeol_id(saeol_id.strip().lower())
            if staff is None:
                raise NotFound(saeol_id)
            if not staff.active:
                raise StaffInactive(saeol_id)
            code = await self._new_code(uow, staff.id)
            await uow.audit.record(
                at=now,
                actor_staff_id=actor.id or None,
                action="staff.link_code",
                target_type="staff",
                target_id=staff.id,
            )
            await uow.commit()
        return LinkCodeIssued(staff=staff, code=code, expires_at=self._clock.local(now + self._ttl))

    async def _new_code(self, uow: UnitOfWork, staff_id: int) -> str:
        """A fresh code; the member's earlier unused codes stop working, so only the newest one binds."""
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        now = self._clock.now()
        await uow.staff.retire_unused_link_codes(staff_id, now)
        await uow.staff.add_link_code(staff_id, hash_code(code), now, now + self._ttl)
        return code

    async def bind_by_code(self, telegram_user_id: int, raw_code: str) -> StaffMember:
        """Bind the Telegram account that sent the code. The caller is not yet anyone, so the code
        itself is the credential: single use, expiring, and throttled per Telegram account."""
        now = self._clock.now()
        code = normalize_code(raw_code)
        async with self._uow(write=True) as uow:
            failures = await uow.staff.count_failed_link_attempts_since(telegram_user_id, now - ATTEMPT_WINDOW)
            if failures >= MAX_FAILED_ATTEMPTS:
                raise TooManyAttempts(minutes=int(ATTEMPT_WINDOW.total_seconds() // 60))
            found = await uow.staff.find_link_code(hash_code(code)) if len(code) == CODE_LENGTH else None
            usable = found is not None and found[3] is None and self._clock.local(found[2]) > self._clock.local(now)
            if found is None or not usable:
                await uow.staff.record_failed_link_attempt(telegram_user_id, now)
                await uow.commit()
                raise LinkCodeRejected()
            code_id, staff_id, _expires, _used = found
            staff = await uow.staff.get_staff(staff_id)
            if staff is None or not staff.active:
                raise StaffInactive()
            holder = await uow.staff.find_staff_by_telegram_id(telegram_user_id)
            if holder is not None and holder.id != staff_id:
                raise AlreadyBound(str(telegram_user_id), name=holder.name)
            if not await uow.staff.use_link_code(code_id, now):
                raise LinkCodeRejected()
            await uow.staff.bind_telegram(staff_id, telegram_user_id)
            await uow.staff.forget_failed_link_attempts(telegram_user_id)
            await uow.audit.record(
                at=now,
                actor_staff_id=staff_id,
                action="staff.bind",
                target_type="staff",
                target_id=staff_id,
                details={"telegram_user_id": telegram_user_id},
            )
            bound = await uow.staff.get_staff(staff_id)
            await uow.commit()
        assert bound is not None
        return bound

    async def set_language(self, actor: StaffMember, language: str) -> StaffMember:
        if language not in LANGUAGES:
            raise InvalidInput("unknown_language", language)
        async with self._uow(write=True) as uow:
            await uow.staff.set_language(actor.id, language)
            updated = await uow.staff.get_staff(actor.id)
            await uow.commit()
        if updated is None:
            raise NotFound(str(actor.id))
        return updated
