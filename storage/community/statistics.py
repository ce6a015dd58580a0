"""The figures of 마을공동체 현황, each table one GROUP BY over its year (a handful of queries, whatever the
number of organisations and projects)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, literal_column, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from core.community.values import SponsorFunds
from storage.community.models import CommunityOrganization, GrantProject
from storage.reference.models import AdminDong


class CommunityStatisticsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def years_with_records(self) -> list[int]:
        """Every 사업년도 of an organisation and every year of a project, newest first."""
        organizations = select(CommunityOrganization.business_year.label("year")).where(
            CommunityOrganization.business_year.is_not(None)
        )
        projects = select(GrantProject.year.label("year"))
        both = union(organizations, projects).subquery()
        rows = await self._session.scalars(select(both.c.year).order_by(both.c.year.desc()))
        return [int(year) for year in rows]

    async def organizations_by_field_and_dong(
        self, year: int, admin_dong_ids: frozenset[int] | None
    ) -> list[tuple[str, int, int]]:
        """(분야, dong id, organisations) of the year's organisations, within the dongs when given."""
        o = CommunityOrganization
        statement = (
            select(o.field, o.admin_dong_id, func.count().label("n"))
            .where(o.business_year == year)
            .group_by(o.field, o.admin_dong_id)
        )
        if admin_dong_ids is not None:
            statement = statement.where(o.admin_dong_id.in_(sorted(admin_dong_ids)))
        return [(r.field, int(r.admin_dong_id), int(r.n)) for r in await self._session.execute(statement)]

    async def projects_by_sponsor(self, year: int) -> list[SponsorFunds]:
        p = GrantProject
        zero: Any = literal_column("0")
        statement = (
            select(
                p.sponsor,
                func.count().label("n"),
                func.coalesce(func.sum(p.city_funds), zero).label("city"),
                func.coalesce(func.sum(p.district_funds), zero).label("district"),
                func.coalesce(func.sum(p.self_funds), zero).label("own"),
            )
            .where(p.year == year)
            .group_by(p.sponsor)
        )
        return [
            SponsorFunds(r.sponsor, int(r.n), int(r.city), int(r.district), int(r.own))
            for r in await self._session.execute(statement)
        ]

    async def dongs(self, admin_dong_ids: frozenset[int] | None) -> list[tuple[int, str, str]]:
        """(id, name, short name) of the district's dongs, in its order (only those given, when given)."""
        statement = select(AdminDong.id, AdminDong.name, AdminDong.short_name).order_by(
            AdminDong.sort_order, AdminDong.id
        )
        if admin_dong_ids is not None:
            statement = statement.where(AdminDong.id.in_(sorted(admin_dong_ids)))
        return [(r.id, r.name, r.short_name) for r in await self._session.execute(statement)]
