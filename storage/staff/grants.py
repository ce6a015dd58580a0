"""Role grants and their scopes, as the admin endpoint sets them.

A grant is one permission of one staff member (unique per pair). Its scope is a department
(``role_grant.department_id``, for benchmarking) and/or administrative dongs (``role_grant_dong``, for
housing and personal data); a grant with neither holds everywhere. The bot reads grants afresh on every
update (``StaffRepository._find``), so a change here takes effect on the member's next update."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core.values import GrantRecord, GrantScope
from storage.staff.models import RoleGrant, RoleGrantDong


def scopes_from_rows(rows: Iterable[tuple[str | None, int | None, int | None]]) -> dict[str, GrantScope]:
    """The scoped grants among (permission, department id, dong id) rows, one row per grant and scoped dong
    (outer joins: ``None`` where there is none). Unscoped grants are left out: absent means everywhere."""
    departments: dict[str, int | None] = {}
    dongs: dict[str, set[int]] = {}
    for permission, department_id, dong_id in rows:
        if permission is None:
            continue
        departments[permission] = department_id
        held = dongs.setdefault(permission, set())
        if dong_id is not None:
            held.add(dong_id)
    scopes = {
        permission: GrantScope(department_id=departments[permission], admin_dong_ids=frozenset(dongs[permission]))
        for permission in departments
    }
    return {permission: scope for permission, scope in scopes.items() if not scope.unlimited}


class GrantRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def set_grant(
        self,
        staff_id: int,
        permission: str,
        *,
        department_id: int | None = None,
        dong_ids: Iterable[int] = (),
        now: datetime,
    ) -> None:
        """Grant ``permission`` with exactly this scope: a new grant, or the held one's scope replaced (its
        ``granted_at`` kept). The caller checks that the staff member, department and dongs exist; an
        unknown id fails the flush on its foreign key."""
        grant_id = await self._grant_id(staff_id, permission, department_id)
        if grant_id is None:
            try:
                # A savepoint: if another admin grants the same permission at the same moment, the unique
                # constraint refuses ours and only that insert is undone; then we update theirs.
                async with self._session.begin_nested():
                    result = await self._session.execute(
                        insert(RoleGrant)
                        .values(staff_id=staff_id, permission=permission, department_id=department_id, granted_at=now)
                        .returning(RoleGrant.id)
                    )
                    grant_id = int(result.scalar_one())
            except IntegrityError:
                grant_id = await self._grant_id(staff_id, permission, department_id)
                if grant_id is None:
                    raise
        await self._session.execute(delete(RoleGrantDong).where(RoleGrantDong.grant_id == grant_id))
        wanted = sorted(set(dong_ids))
        if wanted:
            await self._session.execute(
                insert(RoleGrantDong), [{"grant_id": grant_id, "admin_dong_id": dong_id} for dong_id in wanted]
            )

    async def _grant_id(self, staff_id: int, permission: str, department_id: int | None) -> int | None:
        """Set the held grant's department and return its id; None when the permission is not held."""
        result = await self._session.execute(
            update(RoleGrant)
            .where(RoleGrant.staff_id == staff_id, RoleGrant.permission == permission)
            .values(department_id=department_id)
            .returning(RoleGrant.id)
        )
        found = result.scalar_one_or_none()
        return int(found) if found is not None else None

    async def revoke_grant(self, staff_id: int, permission: str) -> bool:
        """Take the permission (and its scope) away; False when it was not held, e.g. revoked twice."""
        grant_id = await self._session.scalar(
            select(RoleGrant.id).where(RoleGrant.staff_id == staff_id, RoleGrant.permission == permission)
        )
        if grant_id is None:
            return False
        # The foreign key cascades too; deleting the dongs here does not depend on it.
        await self._session.execute(delete(RoleGrantDong).where(RoleGrantDong.grant_id == grant_id))
        result = await self._session.execute(delete(RoleGrant).where(RoleGrant.id == grant_id))
        return bool(getattr(result, "rowcount", 0) == 1)

    async def list_grants(self, staff_id: int) -> list[GrantRecord]:
        """The member's grants with their scopes, by permission; one query."""
        return (await self.list_grants_of([staff_id])).get(staff_id, [])

    async def list_grants_of(self, staff_ids: Iterable[int]) -> dict[int, list[GrantRecord]]:
        """The grants of several members (a page of the staff list), by member and permission; one query."""
        wanted = sorted(set(staff_ids))
        if not wanted:
            return {}
        rows = await self._session.execute(
            select(
                RoleGrant.staff_id,
                RoleGrant.permission,
                RoleGrant.department_id,
                RoleGrantDong.admin_dong_id,
                RoleGrant.granted_at,
            )
            .outerjoin(RoleGrantDong, RoleGrantDong.grant_id == RoleGrant.id)
            .where(RoleGrant.staff_id.in_(wanted))
            .order_by(RoleGrant.staff_id, RoleGrant.permission, RoleGrantDong.admin_dong_id)
        )
        granted: dict[tuple[int, str], tuple[int | None, set[int], datetime]] = {}
        for staff_id, permission, department_id, dong_id, granted_at in rows:
            _, dongs, _ = granted.setdefault((staff_id, permission), (department_id, set(), granted_at))
            if dong_id is not None:
                dongs.add(dong_id)
        found: dict[int, list[GrantRecord]] = {}
        for (staff_id, permission), (department_id, dongs, granted_at) in granted.items():
            found.setdefault(staff_id, []).append(
                GrantRecord(
                    staff_id=staff_id,
                    permission=permission,
                    scope=GrantScope(department_id=department_id, admin_dong_ids=frozenset(dongs)),
                    # SQLite hands back naive UTC; the record is aware on both engines.
                    granted_at=granted_at if granted_at.tzinfo else granted_at.replace(tzinfo=UTC),
                )
            )
        return found

    async def get_grant(self, staff_id: int, permission: str) -> GrantRecord | None:
        """One grant with its scope (the old value an audit entry records), or None when not held."""
        return next((g for g in await self.list_grants(staff_id) if g.permission == permission), None)

    async def department_scopes(self, permission: str) -> dict[int, int]:
        """Staff id -> department, for the grants of ``permission`` scoped to a department; whoever holds the
        permission and is not listed holds it everywhere (or, for execution, in their own department)."""
        rows = await self._session.execute(
            select(RoleGrant.staff_id, RoleGrant.department_id).where(
                RoleGrant.permission == permission, RoleGrant.department_id.is_not(None)
            )
        )
        return {staff_id: department_id for staff_id, department_id in rows if department_id is not None}
