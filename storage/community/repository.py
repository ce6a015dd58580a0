"""마을공동체's records as the service reads and writes them: organisations found by a part of their name or
browsed by field, type and dong, a page at a time, in the district's order of dongs and then by name."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, column, func, insert, select, table, true, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.community.values import (
    SPONSORS,
    ComplexChoice,
    DongCount,
    Facility,
    GrantProjectDraft,
    GrantProjectRecord,
    OrganizationDraft,
    OrganizationFilter,
    OrganizationRecord,
    OrganizationSummary,
    YearCount,
)
from storage.community.models import CommunityOrganization, GrantProject
from storage.reference.models import AdminDong
from storage.search_keys import name_key
from storage.staff.models import Staff

# The housing register's table, named rather than imported: the community schema stays its own (a grant
# project of a housing call only names a complex, by the foreign key the migration declares).
COMPLEX_TABLE = table("complex", column("id"), column("name"), column("name_key"), column("admin_dong_id"))
_PROJECT = tuple(f for f in GrantProjectDraft.__dataclass_fields__)
_FACILITY = ("land_area", "floor_area", "scale", "main_facilities", "ownership")
_PLAIN = (
    "field",
    "legal_type",
    "name",
    "founded_on",
    "address",
    "representative",
    "mobile",
    "phone",
    "fax",
    "email",
    "homepage",
    "business_year",
    "member_count",
)


class CommunityRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def dong_id(self, name: str) -> int | None:
        return await self._session.scalar(select(AdminDong.id).where(AdminDong.name == name))

    async def add_organization(
        self, draft: OrganizationDraft, admin_dong_id: int, *, at: datetime, by: int | None
    ) -> int:
        values: dict[str, Any] = {name: getattr(draft, name) for name in _PLAIN}
        facility = draft.facility or Facility()
        values |= {name: getattr(facility, name) for name in _FACILITY} | {"facility_remarks": facility.remarks}
        values |= {"name_key": name_key(draft.name), "admin_dong_id": admin_dong_id}
        values |= {"updated_at": at, "updated_by": by, "version": 1}
        new_id = await self._session.scalar(
            insert(CommunityOrganization).values(**values).returning(CommunityOrganization.id)
        )
        assert new_id is not None
        return int(new_id)

    async def get_organization(self, organization_id: int) -> OrganizationRecord | None:
        found = await self.list_organization_records(CommunityOrganization.id == organization_id)
        return found[0] if found else None

    async def list_organization_records(self, condition: ColumnElement[bool] | None = None) -> list[OrganizationRecord]:
        """Whole records, with their dong's name and who saved each last (every one without ``condition``)."""
        statement = (
            select(CommunityOrganization, AdminDong.name.label("dong"), Staff.name.label("editor"))
            .join(AdminDong, AdminDong.id == CommunityOrganization.admin_dong_id)
            .outerjoin(Staff, Staff.id == CommunityOrganization.updated_by)
            .order_by(CommunityOrganization.id)
        )
        if condition is not None:
            statement = statement.where(condition)
        return [_organization(row) for row in await self._session.execute(statement)]

    async def update_organization(
        self, organization_id: int, version: int, changes: dict[str, Any], *, at: datetime, by: int | None
    ) -> bool:
        """Write the changed fields (flat names; ``admin_dong`` given as its id) of the version read; False
        when someone saved the organisation after it was read."""
        values = {("admin_dong_id" if k == "admin_dong" else k): v for k, v in changes.items()}
        if "name" in values:
            values["name_key"] = name_key(values["name"])
        values |= {"updated_at": at, "updated_by": by, "version": CommunityOrganization.version + 1}
        done = await self._session.execute(
            update(CommunityOrganization)
            .where(CommunityOrganization.id == organization_id, CommunityOrganization.version == version)
            .values(**values)
        )
        return bool(getattr(done, "rowcount", 0))

    async def list_dongs_with_counts(self, admin_dong_ids: frozenset[int] | None) -> list[DongCount]:
        """The district's dongs in its order (only ``admin_dong_ids`` when given), each with its organisations."""
        count = func.count(CommunityOrganization.id)
        statement = (
            select(AdminDong.id, AdminDong.name, count.label("organizations"))
            .outerjoin(CommunityOrganization, CommunityOrganization.admin_dong_id == AdminDong.id)
            .group_by(AdminDong.id, AdminDong.name, AdminDong.sort_order)
            .order_by(AdminDong.sort_order, AdminDong.id)
        )
        if admin_dong_ids is not None:
            statement = statement.where(AdminDong.id.in_(sorted(admin_dong_ids)))
        return [DongCount(r.id, r.name, int(r.organizations)) for r in await self._session.execute(statement)]

    async def find_organizations_by_name(
        self, fragment: str, *, offset: int, limit: int, admin_dong_ids: frozenset[int] | None
    ) -> tuple[list[OrganizationSummary], int]:
        """Organisations whose name contains the fragment (spacing and case aside); and how many in all."""
        condition = CommunityOrganization.name_key.contains(name_key(fragment), autoescape=True)
        return await self._page(condition, admin_dong_ids, offset=offset, limit=limit)

    async def list_organizations(
        self, chosen: OrganizationFilter, *, offset: int, limit: int, admin_dong_ids: frozenset[int] | None
    ) -> tuple[list[OrganizationSummary], int]:
        conditions: list[ColumnElement[bool]] = []
        if chosen.field is not None:
            conditions.append(CommunityOrganization.field == chosen.field)
        if chosen.legal_type is not None:
            conditions.append(CommunityOrganization.legal_type == chosen.legal_type)
        if chosen.admin_dong_id is not None:
            conditions.append(CommunityOrganization.admin_dong_id == chosen.admin_dong_id)
        return await self._page(and_(true(), *conditions), admin_dong_ids, offset=offset, limit=limit)

    async def _page(
        self, condition: ColumnElement[bool], admin_dong_ids: frozenset[int] | None, *, offset: int, limit: int
    ) -> tuple[list[OrganizationSummary], int]:
        if admin_dong_ids is not None:
            condition = and_(condition, CommunityOrganization.admin_dong_id.in_(sorted(admin_dong_ids)))
        total = func.count().over().label("total")
        rows = (
            await self._session.execute(
                select(
                    CommunityOrganization.id,
                    CommunityOrganization.name,
                    CommunityOrganization.field,
                    CommunityOrganization.legal_type,
                    AdminDong.name.label("dong"),
                    total,
                )
                .join(AdminDong, AdminDong.id == CommunityOrganization.admin_dong_id)
                .where(condition)
                .order_by(AdminDong.sort_order, CommunityOrganization.name, CommunityOrganization.id)
                .offset(offset)
                .limit(limit)
            )
        ).all()
        if not rows and offset:
            return [], await self._count(condition)
        found = [OrganizationSummary(r.id, r.name, r.field, r.legal_type, r.dong) for r in rows]
        return found, (int(rows[0].total) if rows else 0)

    async def _count(self, condition: ColumnElement[bool]) -> int:
        statement = select(func.count()).select_from(CommunityOrganization).where(condition)
        return int(await self._session.scalar(statement) or 0)


def _organization(row: Any) -> OrganizationRecord:
    item: CommunityOrganization = row[0]
    facility = Facility(**{name: getattr(item, name) for name in _FACILITY}, remarks=item.facility_remarks)
    draft = OrganizationDraft(
        **{name: getattr(item, name) for name in _PLAIN},
        admin_dong=row.dong,
        facility=facility if facility != Facility() else None,
    )
    return OrganizationRecord(item.id, item.version, item.admin_dong_id, draft, updated_by=row.editor)


class GrantProjectRepository:
    """우리마을 지원(공모)사업: a year's projects in the report's order of sponsors (서울시, 성동구, 공동주택)."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def complex_dong(self, complex_id: int) -> int | None:
        """The dong of the complex a housing call's project names; None when there is no such complex."""
        return await self._session.scalar(select(COMPLEX_TABLE.c.admin_dong_id).where(COMPLEX_TABLE.c.id == complex_id))

    async def get_grant_project(self, project_id: int) -> GrantProjectRecord | None:
        row = (await self._session.execute(_projects().where(GrantProject.id == project_id))).first()
        return _project(row) if row is not None else None

    async def add_grant_project(self, draft: GrantProjectDraft, *, at: datetime, by: int | None) -> int:
        values: dict[str, Any] = {name: getattr(draft, name) for name in _PROJECT}
        values |= {"updated_at": at, "updated_by": by, "version": 1}
        new_id = await self._session.scalar(insert(GrantProject).values(**values).returning(GrantProject.id))
        assert new_id is not None
        return int(new_id)

    async def update_grant_project(
        self, project_id: int, version: int, changes: dict[str, Any], *, at: datetime, by: int | None
    ) -> bool:
        """Write the changed fields of the version read; False when someone saved the project meanwhile."""
        values = dict(changes) | {"updated_at": at, "updated_by": by, "version": GrantProject.version + 1}
        done = await self._session.execute(
            update(GrantProject).where(GrantProject.id == project_id, GrantProject.version == version).values(**values)
        )
        return bool(getattr(done, "rowcount", 0))

    async def find_complexes_by_name(
        self, fragment: str, *, admin_dong_ids: frozenset[int] | None, limit: int
    ) -> list[ComplexChoice]:
        """Complexes whose name contains the fragment (spacing and case aside), for a housing call's project."""
        condition = COMPLEX_TABLE.c.name_key.contains(name_key(fragment), autoescape=True)
        if admin_dong_ids is not None:
            condition = and_(condition, COMPLEX_TABLE.c.admin_dong_id.in_(sorted(admin_dong_ids)))
        rows = await self._session.execute(
            select(COMPLEX_TABLE.c.id, COMPLEX_TABLE.c.name, AdminDong.name.label("dong"))
            .join(AdminDong, AdminDong.id == COMPLEX_TABLE.c.admin_dong_id)
            .where(condition)
            .order_by(AdminDong.sort_order, COMPLEX_TABLE.c.name, COMPLEX_TABLE.c.id)
            .limit(limit)
        )
        return [ComplexChoice(r.id, r.name, r.dong) for r in rows]

    async def list_project_years(self) -> list[YearCount]:
        """The years that have projects, newest first, with how many each."""
        rows = await self._session.execute(
            select(GrantProject.year, func.count().label("projects"))
            .group_by(GrantProject.year)
            .order_by(GrantProject.year.desc())
        )
        return [YearCount(int(r.year), int(r.projects)) for r in rows]

    async def list_grant_projects(
        self, *, year: int | None, sponsor: str | None, complex_id: int | None, offset: int, limit: int
    ) -> tuple[list[GrantProjectRecord], int]:
        conditions: list[ColumnElement[bool]] = []
        if year is not None:
            conditions.append(GrantProject.year == year)
        if sponsor is not None:
            conditions.append(GrantProject.sponsor == sponsor)
        if complex_id is not None:
            conditions.append(GrantProject.complex_id == complex_id)
        order = case({s: n for n, s in enumerate(SPONSORS)}, value=GrantProject.sponsor)
        rows = (
            await self._session.execute(
                _projects(func.count().over().label("total"))
                .where(and_(true(), *conditions))
                .order_by(GrantProject.year.desc(), order, GrantProject.id)
                .offset(offset)
                .limit(limit)
            )
        ).all()
        found = [_project(r) for r in rows]
        if not rows and offset:  # a page past the end still says how many there are
            count = select(func.count()).select_from(GrantProject).where(and_(true(), *conditions))
            return [], int(await self._session.scalar(count) or 0)
        return found, (int(rows[0].total) if rows else 0)


def _projects(*extra: Any) -> Select[Any]:
    """Grant projects with the name of the complex a housing call's project names, and who saved each last."""
    return (
        select(
            GrantProject,
            COMPLEX_TABLE.c.name.label("complex_name"),
            COMPLEX_TABLE.c.admin_dong_id.label("complex_dong"),
            Staff.name.label("editor"),
            *extra,
        )
        .outerjoin(COMPLEX_TABLE, COMPLEX_TABLE.c.id == GrantProject.complex_id)
        .outerjoin(Staff, Staff.id == GrantProject.updated_by)
    )


def _project(row: Any) -> GrantProjectRecord:
    item: GrantProject = row[0]
    return GrantProjectRecord(
        id=item.id,
        version=item.version,
        project=GrantProjectDraft(**{name: getattr(item, name) for name in _PROJECT}),
        complex_name=row.complex_name,
        updated_by=row.editor,
        admin_dong_id=row.complex_dong,
    )
