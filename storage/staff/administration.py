"""What the admin endpoint's staff pages need beyond ``uow.staff`` and ``uow.grants``: a searchable, paged
staff list, a member's row with its optimistic-lock version, guarded updates, and the reference lists a grant
may be scoped to."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.staff.values import NamedRow, StaffRow
from storage.reference.models import AdminDong, Department
from storage.staff.models import Staff

_COLUMNS = (
    Staff.id,
    Staff.saeol_id,
    Staff.name,
    Staff.department_id,
    Department.name,
    Staff.active,
    Staff.telegram_user_id,
    Staff.language,
    Staff.created_at,
    Staff.version,
)


def _row(r: Sequence[Any]) -> StaffRow:
    return StaffRow(
        id=r[0],
        saeol_id=r[1],
        name=r[2],
        department_id=r[3],
        department=r[4],
        active=r[5],
        telegram_user_id=r[6],
        language=r[7],
        created_at=r[8],
        version=r[9],
    )


class StaffAdminRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def search_staff(
        self, *, text: str, active: bool | None, offset: int, limit: int
    ) -> tuple[list[StaffRow], int]:
        """Staff whose name, Saeol ID or department contains ``text`` (case ignored; LIKE wildcards taken
        literally), optionally only the active or inactive ones, by name; and how many match in all."""
        conditions: list[ColumnElement[bool]] = []
        if text:
            fragment = text.lower()
            conditions.append(
                or_(
                    func.lower(Staff.name).contains(fragment, autoescape=True),
                    func.lower(Staff.saeol_id).contains(fragment, autoescape=True),
                    func.lower(Department.name).contains(fragment, autoescape=True),
                )
            )
        if active is not None:
            conditions.append(Staff.active.is_(active))
        total_column = func.count().over().label("total")
        rows = (
            await self._session.execute(
                select(*_COLUMNS, total_column)
                .join(Department, Department.id == Staff.department_id)
                .where(*conditions)
                .order_by(Staff.name, Staff.id)
                .offset(offset)
                .limit(limit)
            )
        ).all()
        if rows:
            return [_row(r[:-1]) for r in rows], int(rows[0][-1])
        if offset == 0:
            return [], 0
        # A page past the end carries no total; count only then.
        total = await self._session.scalar(
            select(func.count())
            .select_from(Staff)
            .join(Department, Department.id == Staff.department_id)
            .where(*conditions)
        )
        return [], int(total or 0)

    async def get_staff_row(self, staff_id: int) -> StaffRow | None:
        row = (
            await self._session.execute(
                select(*_COLUMNS).join(Department, Department.id == Staff.department_id).where(Staff.id == staff_id)
            )
        ).first()
        return _row(row) if row else None

    async def update_staff(self, staff_id: int, *, expected_version: int, name: str, department_id: int) -> bool:
        """Change name and department if nobody changed the member since ``expected_version``; False if
        somebody did (or the member is gone)."""
        return await self._guarded(staff_id, expected_version, name=name, department_id=department_id)

    async def set_active(self, staff_id: int, active: bool) -> bool:
        """Activate or deactivate; False when the member is already so. The bot's gate reads ``active`` on
        every update, so this takes effect on the member's next message."""
        result = await self._session.execute(
            update(Staff)
            .where(Staff.id == staff_id, Staff.active.is_(not active))
            .values(active=active, version=Staff.version + 1)
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    async def unbind_telegram(self, staff_id: int) -> bool:
        """Forget the member's Telegram account; False when none was bound."""
        result = await self._session.execute(
            update(Staff)
            .where(Staff.id == staff_id, Staff.telegram_user_id.is_not(None))
            .values(telegram_user_id=None, version=Staff.version + 1)
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    async def _guarded(self, staff_id: int, expected_version: int, **values: object) -> bool:
        result = await self._session.execute(
            update(Staff)
            .where(Staff.id == staff_id, Staff.version == expected_version)
            .values(**values, version=Staff.version + 1)
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    async def list_departments(self) -> list[NamedRow]:
        rows = await self._session.execute(select(Department.id, Department.name).order_by(Department.name))
        return [NamedRow(id=r[0], name=r[1]) for r in rows]

    async def list_admin_dongs(self) -> list[NamedRow]:
        """The district's administrative dongs in its own order."""
        rows = await self._session.execute(
            select(AdminDong.id, AdminDong.name).order_by(AdminDong.sort_order, AdminDong.id)
        )
        return [NamedRow(id=r[0], name=r[1]) for r in rows]
