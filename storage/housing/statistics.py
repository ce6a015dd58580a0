"""공동주택 현황: the housing department's tables, each one aggregating query (the database groups and sums;
nothing loops over rows here). Every query takes the reader's dongs (None: the whole district)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, case, extract, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.housing.values import (
    SUPPORT_GROUPS,
    DongTotals,
    KindTotals,
    PositionCount,
    SupportTotals,
    Totals,
    YearTotals,
)
from storage.housing.models import Complex, Representative, SupportProject
from storage.reference.models import AdminDong, Position

# A rental record inside a mixed estate (소셜믹스) lives in the estate's buildings: they count once, there.
_BUILDINGS = func.coalesce(
    func.sum(case((Complex.buildings_shared_with_id.is_(None), Complex.building_count), else_=0)), 0
)
_TOTALS = (
    func.count(Complex.id).label("complexes"),
    _BUILDINGS.label("buildings"),
    func.coalesce(func.sum(Complex.household_count), 0).label("households"),
)


# The second screen (동별, 년도별) adds up each record's own buildings, as the type table's rows do.
_RECORD_TOTALS = (
    func.count(Complex.id).label("complexes"),
    func.coalesce(func.sum(Complex.building_count), 0).label("buildings"),
    func.coalesce(func.sum(Complex.household_count), 0).label("households"),
)
_DATED = Complex.approved_on.is_not(None)


def _totals(row: Any) -> Totals:
    return Totals(complexes=int(row.complexes), buildings=int(row.buildings), households=int(row.households))


def _in_dongs(admin_dong_ids: frozenset[int] | None) -> list[ColumnElement[bool]]:
    return [] if admin_dong_ids is None else [Complex.admin_dong_id.in_(sorted(admin_dong_ids))]


def _within_year(column: Any, year: int | None) -> list[ColumnElement[bool]]:
    """A range rather than EXTRACT(year), so an index on the date can serve it."""
    return [] if year is None else [column >= date(year, 1, 1), column < date(year + 1, 1, 1)]


# A group of support projects: how many, granted and returned (천원).
_SUPPORT_SUMS = (
    func.count(SupportProject.id).label("projects"),
    func.coalesce(func.sum(SupportProject.amount), 0).label("granted"),
    func.coalesce(func.sum(SupportProject.returned_amount), 0).label("returned"),
)


def _of_projects(statement: Select[Any], admin_dong_ids: frozenset[int] | None, year: int | None) -> Select[Any]:
    """Support projects with their complex and its dong, in the dongs and started in the year (None: all)."""
    return (
        statement.select_from(SupportProject)
        .join(Complex, Complex.id == SupportProject.complex_id)
        .join(AdminDong, AdminDong.id == Complex.admin_dong_id)
        .where(*_in_dongs(admin_dong_ids), *_within_year(SupportProject.period_start, year))
    )


def _support_grouping(group: str) -> tuple[Any, Any, Sequence[Any], Sequence[Any]]:
    """What support projects are grouped by: the key and label of a group, the GROUP BY and the ORDER BY."""
    started = extract("year", SupportProject.period_start)
    if group == "year":
        return started, started, (started,), (started.is_(None), started.desc())
    if group == "kind":
        kind = SupportProject.kind
        return kind, kind, (kind,), (func.sum(SupportProject.amount).desc(), kind)
    if group == "dong":
        return (
            AdminDong.id,
            AdminDong.name,
            (AdminDong.id, AdminDong.name, AdminDong.sort_order),
            (
                AdminDong.sort_order,
                AdminDong.id,
            ),
        )
    if group == "complex":
        return (
            Complex.id,
            Complex.name,
            (Complex.id, Complex.name),
            (func.sum(SupportProject.amount).desc(), Complex.name),
        )
    raise ValueError(f"support projects are grouped by one of {SUPPORT_GROUPS}, not {group!r}")


def _approved_in(year: int | None) -> list[ColumnElement[bool]]:
    return _within_year(Complex.approved_on, year)


class HousingStatisticsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def totals_by_kind(
        self, admin_dong_ids: frozenset[int] | None, approved_in: int | None = None
    ) -> list[KindTotals]:
        """공동주택 현황's rows: apartments by management type, and row houses (``approved_in``: complexes
        approved that year only)."""
        shared = func.coalesce(
            func.sum(case((Complex.buildings_shared_with_id.is_not(None), Complex.building_count), else_=0)), 0
        )
        rows = await self._session.execute(
            select(Complex.kind, Complex.management_type, *_TOTALS, shared.label("shared"))
            .where(*_in_dongs(admin_dong_ids), *_approved_in(approved_in))
            .group_by(Complex.kind, Complex.management_type)
        )
        return [
            KindTotals(
                kind=r.kind,
                management_type=r.management_type,
                totals=replace(_totals(r), buildings=int(r.buildings) + int(r.shared)),
                shared_buildings=int(r.shared),
            )
            for r in rows
        ]

    async def totals_by_dong(
        self, admin_dong_ids: frozenset[int] | None, approved_in: int | None = None
    ) -> list[DongTotals]:
        """동별 현황 of the complexes with a use-approval date, in the office's order of dongs (``approved_in``:
        approved that year only)."""
        counted = (
            select(Complex.admin_dong_id.label("dong_id"), *_RECORD_TOTALS)
            .where(_DATED, *_in_dongs(admin_dong_ids), *_approved_in(approved_in))
            .group_by(Complex.admin_dong_id)
            .subquery()
        )
        rows = await self._session.execute(
            select(AdminDong.id, AdminDong.name, counted.c.complexes, counted.c.buildings, counted.c.households)
            .join(counted, counted.c.dong_id == AdminDong.id)
            .order_by(AdminDong.sort_order, AdminDong.id)
        )
        return [DongTotals(admin_dong_id=r.id, admin_dong=r.name, totals=_totals(r)) for r in rows]

    async def totals_by_year(self, admin_dong_ids: frozenset[int] | None) -> list[YearTotals]:
        """년도별 현황: by use-approval year, newest first (complexes without a date: ``undated_totals``)."""
        year = extract("year", Complex.approved_on)
        rows = await self._session.execute(
            select(year.label("year"), *_RECORD_TOTALS)
            .where(_DATED, *_in_dongs(admin_dong_ids))
            .group_by(year)
            .order_by(year.desc())
        )
        return [YearTotals(year=int(r.year), totals=_totals(r)) for r in rows]

    async def undated_totals(self, admin_dong_ids: frozenset[int] | None) -> Totals:
        """The complexes without a use-approval date on file, which the 동별 and 년도별 tables leave out."""
        row = (
            await self._session.execute(
                select(*_RECORD_TOTALS).where(Complex.approved_on.is_(None), *_in_dongs(admin_dong_ids))
            )
        ).one()
        return _totals(row)

    async def support_by(
        self, group: str, admin_dong_ids: frozenset[int] | None, year: int | None = None, limit: int | None = None
    ) -> list[SupportTotals]:
        """지원 현황 and 지원사업 통계: projects, granted and returned (천원) by the year a project started, its
        kind, its complex's dong or its complex (``group``); ``year``: projects started that year only;
        ``limit``: the first groups only (``support_overall`` counts them all)."""
        key, label, groups, order = _support_grouping(group)
        statement: Select[Any] = (
            _of_projects(select(key.label("key"), label.label("label"), *_SUPPORT_SUMS), admin_dong_ids, year)
            .group_by(*groups)
            .order_by(*order)
            .limit(limit)
        )
        rows = await self._session.execute(statement)
        return [
            SupportTotals(
                key="" if r.key is None else str(int(r.key) if group == "year" else r.key),
                label="" if r.label is None else str(int(r.label) if group == "year" else r.label),
                projects=int(r.projects),
                granted=int(r.granted),
                returned=int(r.returned),
            )
            for r in rows
        ]

    async def representatives_by_dong_and_position(self, admin_dong_ids: frozenset[int] | None) -> list[PositionCount]:
        """입주자대표 구성원 현황: how many hold each position in each dong, in the office's orders. Counted from
        the (admin_dong_id, position_id) index alone, then named: 2,500 groups to join, not 200,000 rows."""
        conditions = [] if admin_dong_ids is None else [Representative.admin_dong_id.in_(sorted(admin_dong_ids))]
        counted = (
            select(
                Representative.admin_dong_id.label("dong_id"),
                Representative.position_id.label("position_id"),
                func.count().label("count"),
            )
            .where(*conditions)
            .group_by(Representative.admin_dong_id, Representative.position_id)
            .subquery()
        )
        rows = await self._session.execute(
            select(AdminDong.id, AdminDong.name, Position.name.label("position"), counted.c.count)
            .join(AdminDong, AdminDong.id == counted.c.dong_id)
            .join(Position, Position.id == counted.c.position_id)
            .order_by(AdminDong.sort_order, AdminDong.id, Position.sort_order, Position.name)
        )
        return [PositionCount(admin_dong_id=r[0], admin_dong=r[1], position=r.position, count=int(r[3])) for r in rows]

    async def support_overall(
        self, group: str, admin_dong_ids: frozenset[int] | None, year: int | None = None
    ) -> tuple[int, SupportTotals]:
        """How many groups ``support_by`` would list, and all their projects and amounts together."""
        key = _support_grouping(group)[0]
        columns: list[Any] = [func.count(func.distinct(key)).label("groups"), *_SUPPORT_SUMS]
        counted = select(*columns)
        row = (await self._session.execute(_of_projects(counted, admin_dong_ids, year))).one()
        totals = SupportTotals(
            key="", label="", projects=int(row.projects), granted=int(row.granted), returned=int(row.returned)
        )
        return int(row.groups), totals

    async def dong_names(self, admin_dong_ids: frozenset[int]) -> list[str]:
        """The dongs' names in the office's order: whose figures a scoped table holds."""
        rows = await self._session.scalars(
            select(AdminDong.name)
            .where(AdminDong.id.in_(sorted(admin_dong_ids)))
            .order_by(AdminDong.sort_order, AdminDong.id)
        )
        return list(rows)

    async def find_dong(self, words: str) -> int | None:
        """The dong a reader typed, by its name or the office's short name (왕십리도선동 or 왕도)."""
        return await self._session.scalar(
            select(AdminDong.id).where((AdminDong.name == words) | (AdminDong.short_name == words)).limit(1)
        )
