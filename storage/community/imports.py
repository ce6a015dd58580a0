"""What the community import reads: every organisation and grant project by the keys an office's sheet names
them by, with their version and values (``core.community.fields``' flat names), in a few selects; and the
district's dongs and complexes by name. Writes go through ``storage.community.repository``, under versions."""

from __future__ import annotations

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from core.community.values import GrantProjectRecord, OrganizationRecord
from storage.community.models import CommunityOrganization, GrantProject
from storage.community.repository import COMPLEX_TABLE, CommunityRepository, GrantProjectRepository
from storage.reference.models import AdminDong


class CommunityImportRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._organizations = CommunityRepository(session)
        self._projects = GrantProjectRepository(session)

    async def lock_records(self) -> None:
        """Keep other writers of organisations and grant projects out until commit, so two imports of one file
        cannot both add its records. SQLite's write transaction (BEGIN IMMEDIATE) already excludes them."""
        connection = await self._session.connection()
        if connection.dialect.name == "postgresql":
            await connection.execute(
                text(
                    f"LOCK TABLE {CommunityOrganization.__tablename__}, {GrantProject.__tablename__}"
                    " IN SHARE ROW EXCLUSIVE MODE"
                )
            )

    async def dong_ids(self) -> dict[str, int]:
        """Every dong's id by its name, in the district's order."""
        statement = select(AdminDong.id, AdminDong.name).order_by(AdminDong.sort_order, AdminDong.id)
        return {name: id_ for id_, name in await self._session.execute(statement)}

    async def complex_ids(self) -> dict[tuple[str, str], tuple[int, int]]:
        """(단지명, 행정동) -> (complex id, dong id)."""
        rows = await self._session.execute(
            select(
                COMPLEX_TABLE.c.id, COMPLEX_TABLE.c.name, COMPLEX_TABLE.c.admin_dong_id, AdminDong.name.label("dong")
            ).join(AdminDong, AdminDong.id == COMPLEX_TABLE.c.admin_dong_id)
        )
        return {(r.name, r.dong): (r.id, r.admin_dong_id) for r in rows}

    async def organizations(self) -> list[OrganizationRecord]:
        return await self._organizations.list_organization_records()

    async def projects(self) -> list[GrantProjectRecord]:
        items, _ = await self._projects.list_grant_projects(
            year=None, sponsor=None, complex_id=None, offset=0, limit=10_000_000
        )
        return items
