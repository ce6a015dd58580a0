"""Staff accounts, their grants and Telegram link codes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.values import StaffMember
from storage.reference.models import Department
from storage.staff.grants import scopes_from_rows
from storage.staff.models import LinkAttempt, LinkCode, RoleGrant, RoleGrantDong, Staff, StaffRevision


class StaffRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def _find(self, condition: ColumnElement[bool]) -> StaffMember | None:
        """One staff member with department, permissions and their scopes in a single query: the access gate
        asks this on every update, so it is one round trip however many roles (and scoped dongs) a member
        holds. A row per grant and scoped dong: a handful of rows at most (17 dongs in the district)."""
        found = await self._select(condition)
        return found[0] if found else None

    async def _select(self, condition: ColumnElement[bool]) -> list[StaffMember]:
        rows = (
            await self._session.execute(
                select(
                    Staff, Department.name, RoleGrant.permission, RoleGrant.department_id, RoleGrantDong.admin_dong_id
                )
                .join(Department, Department.id == Staff.department_id)
                .outerjoin(RoleGrant, RoleGrant.staff_id == Staff.id)
                .outerjoin(RoleGrantDong, RoleGrantDong.grant_id == RoleGrant.id)
                .where(condition)
                .order_by(Staff.id)
            )
        ).all()
        members: dict[int, tuple[Staff, str, list[tuple[str | None, int | None, int | None]]]] = {}
        for staff, department, permission, scoped_department, dong in rows:
            members.setdefault(staff.id, (staff, department, []))[2].append((permission, scoped_department, dong))
        return [
            StaffMember(
                id=staff.id,
                saeol_id=staff.saeol_id,
                name=staff.name,
                department=department,
                department_id=staff.department_id,
                active=staff.active,
                telegram_user_id=staff.telegram_user_id,
                language=staff.language,
                permissions=frozenset(permission for permission, _, _ in grants if permission is not None),
                scopes=scopes_from_rows(grants),
            )
            for staff, department, grants in members.values()
        ]

    async def list_members_in_telegram(self) -> list[StaffMember]:
        """Every active staff member bound to a Telegram account."""
        return await self._select(Staff.active.is_(True) & Staff.telegram_user_id.is_not(None))

    async def staff_revision(self) -> int | None:
        """The counter every change to staff, grants, scopes and departments moves (None: no counter row)."""
        return await self._session.scalar(select(StaffRevision.revision).where(StaffRevision.id == 1))

    async def find_staff_by_telegram_id(self, telegram_user_id: int) -> StaffMember | None:
        return await self._find(Staff.telegram_user_id == telegram_user_id)

    async def find_staff_by_saeol_id(self, saeol_id: str) -> StaffMember | None:
        return await self._find(Staff.saeol_id == saeol_id)

    async def get_staff(self, staff_id: int) -> StaffMember | None:
        return await self._find(Staff.id == staff_id)

    async def list_active_holding(self, permission: str) -> list[StaffMember]:
        """Active staff members holding ``permission`` (whatever its scope), each with all their grants."""
        holders = select(RoleGrant.staff_id).where(RoleGrant.permission == permission)
        return await self._select(and_(Staff.active.is_(True), Staff.id.in_(holders)))

    async def ensure_department(self, name: str) -> int:
        department_id = await self._session.scalar(select(Department.id).where(Department.name == name))
        if department_id is None:
            department = Department(name=name)
            self._session.add(department)
            await self._session.flush()
            department_id = department.id
        return department_id

    async def add_staff(self, *, saeol_id: str, name: str, department_id: int, now: datetime) -> int:
        staff = Staff(saeol_id=saeol_id, name=name, department_id=department_id, active=True, created_at=now)
        self._session.add(staff)
        await self._session.flush()
        return staff.id

    async def grant(self, staff_id: int, permissions: frozenset[str], now: datetime) -> None:
        held = set(await self._session.scalars(select(RoleGrant.permission).where(RoleGrant.staff_id == staff_id)))
        for permission in sorted(permissions - held):
            self._session.add(RoleGrant(staff_id=staff_id, permission=permission, granted_at=now))
        await self._session.flush()

    async def telegram_id_taken(self, telegram_user_id: int) -> bool:
        found = await self._session.scalar(select(Staff.id).where(Staff.telegram_user_id == telegram_user_id))
        return found is not None

    async def bind_telegram(self, staff_id: int, telegram_user_id: int) -> None:
        await self._session.execute(update(Staff).where(Staff.id == staff_id).values(telegram_user_id=telegram_user_id))

    async def set_language(self, staff_id: int, language: str) -> None:
        await self._session.execute(update(Staff).where(Staff.id == staff_id).values(language=language))

    async def add_link_code(self, staff_id: int, code_hash: str, now: datetime, expires_at: datetime) -> None:
        self._session.add(LinkCode(staff_id=staff_id, code_hash=code_hash, created_at=now, expires_at=expires_at))
        await self._session.flush()

    async def retire_unused_link_codes(self, staff_id: int, now: datetime) -> None:
        """Codes issued earlier and never used stop working (a lost phone's code, a code sent twice)."""
        await self._session.execute(
            update(LinkCode)
            .where(LinkCode.staff_id == staff_id, LinkCode.used_at.is_(None), LinkCode.expires_at > now)
            .values(expires_at=now)
        )

    async def find_link_code(self, code_hash: str) -> tuple[int, int, datetime, datetime | None] | None:
        """(code id, staff id, expires at, used at) of the code with this hash."""
        row = (
            await self._session.execute(
                select(LinkCode.id, LinkCode.staff_id, LinkCode.expires_at, LinkCode.used_at).where(
                    LinkCode.code_hash == code_hash
                )
            )
        ).first()
        return (row.id, row.staff_id, row.expires_at, row.used_at) if row else None

    async def use_link_code(self, code_id: int, now: datetime) -> bool:
        """Mark the code used; False when another binding used it first."""
        result = await self._session.execute(
            update(LinkCode).where(LinkCode.id == code_id, LinkCode.used_at.is_(None)).values(used_at=now)
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    async def record_failed_link_attempt(self, telegram_user_id: int, now: datetime) -> None:
        self._session.add(LinkAttempt(telegram_user_id=telegram_user_id, attempted_at=now))
        await self._session.flush()

    async def count_failed_link_attempts_since(self, telegram_user_id: int, since: datetime) -> int:
        count = await self._session.scalar(
            select(func.count())
            .select_from(LinkAttempt)
            .where(LinkAttempt.telegram_user_id == telegram_user_id, LinkAttempt.attempted_at >= since)
        )
        return int(count or 0)

    async def forget_failed_link_attempts(self, telegram_user_id: int) -> None:
        await self._session.execute(delete(LinkAttempt).where(LinkAttempt.telegram_user_id == telegram_user_id))
